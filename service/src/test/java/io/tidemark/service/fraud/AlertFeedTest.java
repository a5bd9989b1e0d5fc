package io.tidemark.service.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tidemark.persistence.fraud.FraudAlert;
import io.tidemark.service.infra.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The alert feed against a real broker: it starts at the end of {@code fraud-alerts}, hands over
 * only alerts whose transaction committed, each once, and skips a record that is not an alert.
 */
class AlertFeedTest {

  static final String TOPIC = "fraud-alerts";

  static EmbeddedKafka kafka;
  static ActorSystem<Void> system;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(Map.of(TOPIC, 3));
  }

  @AfterAll
  static void stopAll() throws Exception {
    if (system != null) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void onlyAlertsCommittedAfterTheStartReachTheListenerEachOnce() throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer("alert-feed-test")) {
      producer.initTransactions();
      commit(producer, new ProducerRecord<>(TOPIC, 0, key("u-0"), alert("before", "u-0")));

      Config config =
          ConfigFactory.parseMap(
                  Map.of(
                      "tidemark.kafka.bootstrap-servers",
                      kafka.bootstrapServers(),
                      "pekko.actor.provider",
                      "local",
                      "tidemark.fraud.pipeline.restart-min-backoff",
                      "200ms"))
              .withFallback(ConfigFactory.load())
              .resolve();
      system = ActorSystem.create(Behaviors.empty(), "alert-feed-test", config);
      ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
      CountDownLatch three = new CountDownLatch(3);
      AlertFeed feed =
          AlertFeed.start(
              system,
              FraudPipelineSettings.create(config),
              alert -> {
                seen.add(alert.alertId());
                three.countDown();
              });

      producer.beginTransaction();
      producer.send(new ProducerRecord<>(TOPIC, 1, key("u-1"), alert("aborted", "u-1")));
      producer.flush();
      producer.abortTransaction();
      commit(producer, new ProducerRecord<>(TOPIC, 0, key("u-0"), alert("a", "u-0")));
      commit(
          producer,
          List.of(
              new ProducerRecord<>(TOPIC, 2, key("u-2"), alert("b", "u-2")),
              new ProducerRecord<>(
                  TOPIC, 1, key("u-1"), "not an alert".getBytes(StandardCharsets.UTF_8)),
              new ProducerRecord<>(TOPIC, 1, key("u-1"), alert("c", "u-1"))));

      // "c" comes after the aborted alert and the bad record on partition 1: once it is seen,
      // both were passed over
      assertTrue(three.await(60, TimeUnit.SECONDS), () -> "alerts seen: " + seen);
      assertEquals(List.of("a", "b", "c"), seen.stream().sorted().toList());
      assertEquals(1, feed.undecodableCount(), "the record that is not an alert");
      assertEquals(3, feed.deliveredCount());
      assertEquals(0, feed.restartCount());
      // each transaction ends in a control record: partition 0 holds before, marker, a, marker
      assertEquals(Map.of(0, 3L, 1, 4L, 2, 1L), feed.positions(), "next offsets read");
      feed.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static void commit(
      KafkaProducer<byte[], byte[]> producer, List<ProducerRecord<byte[], byte[]>> records) {
    producer.beginTransaction();
    records.forEach(producer::send);
    producer.commitTransaction();
  }

  private static void commit(
      KafkaProducer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record) {
    commit(producer, List.of(record));
  }

  private static byte[] key(String userId) {
    return userId.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] alert(String txnId, String userId) {
    return FraudAlertJson.encode(
        new FraudAlert(
            txnId,
            userId,
            txnId,
            1_732_300_000_000L,
            List.of("DE", "ES", "FR", "IT"),
            List.of(txnId),
            "countries>3 in 10m",
            1_732_300_000_500L));
  }

  private static KafkaProducer<byte[], byte[]> producer(String transactionalId) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }
}
