package io.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.service.infra.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The in-process broker: topics, plain records and transactions, as the pipelines use them. */
class EmbeddedKafkaIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopBroker() {
    Path dir = kafka.dataDir();
    kafka.close();
    assertFalse(Files.exists(dir), "temporary data directory is deleted on close");
  }

  @Test
  void createsTopicsWithTheGivenPartitionCountsIdempotently() throws Exception {
    kafka.createTopics(Map.of("clicks", 4, "transactions", 4));
    kafka.createTopics(Map.of("clicks", 4));
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      var descriptions =
          admin.describeTopics(List.of("clicks", "transactions")).allTopicNames().get();
      assertEquals(4, descriptions.get("clicks").partitions().size());
      assertEquals(4, descriptions.get("transactions").partitions().size());
    }
  }

  @Test
  void recordsProducedToEveryPartitionAreConsumed() throws Exception {
    kafka.createTopics(Map.of("plain", 4));
    try (var producer = KafkaRecords.producer(kafka.bootstrapServers(), Map.of())) {
      for (int i = 0; i < 40; i++) {
        producer.send(new ProducerRecord<>("plain", i % 4, "k" + i, "v" + i)).get();
      }
    }
    List<ConsumerRecord<String, String>> read =
        KafkaRecords.readUntil(
            kafka.bootstrapServers(), "plain", "read_committed", TIMEOUT, r -> r.size() >= 40);
    assertEquals(40, read.size());
    Set<Integer> partitions = new HashSet<>();
    read.forEach(r -> partitions.add(r.partition()));
    assertEquals(Set.of(0, 1, 2, 3), partitions);
  }

  @Test
  void readCommittedConsumerSeesCommittedTransactionsOnly() throws Exception {
    kafka.createTopics(Map.of("txn", 4));
    Map<String, Object> transactional =
        Map.of(
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            "it-txn",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true);
    try (KafkaProducer<String, String> producer =
        KafkaRecords.producer(kafka.bootstrapServers(), transactional)) {
      producer.initTransactions();
      inTransaction(producer, List.of("committed-1", "committed-2"));
      producer.beginTransaction();
      producer.send(new ProducerRecord<>("txn", 0, "k", "aborted-1"));
      producer.send(new ProducerRecord<>("txn", 1, "k", "aborted-2"));
      producer.flush();
      producer.abortTransaction();
      inTransaction(producer, List.of("committed-3"));
    }

    List<String> committed =
        KafkaRecords.values(
            KafkaRecords.readUntil(
                kafka.bootstrapServers(),
                "txn",
                "read_committed",
                TIMEOUT,
                r -> KafkaRecords.values(r).contains("committed-3")));
    assertEquals(Set.of("committed-1", "committed-2", "committed-3"), Set.copyOf(committed));
    assertEquals(3, committed.size());

    // The aborted records are in the log: only the isolation level hides them.
    List<String> everything =
        KafkaRecords.values(
            KafkaRecords.readUntil(
                kafka.bootstrapServers(), "txn", "read_uncommitted", TIMEOUT, r -> r.size() >= 5));
    assertTrue(everything.containsAll(List.of("aborted-1", "aborted-2")), everything.toString());
  }

  private static void inTransaction(KafkaProducer<String, String> producer, List<String> values) {
    producer.beginTransaction();
    for (int i = 0; i < values.size(); i++) {
      producer.send(new ProducerRecord<>("txn", i % 4, "k", values.get(i)));
    }
    producer.commitTransaction();
  }
}
