package io.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.tidemark.service.infra.EmbeddedKafka;
import io.tidemark.service.pipeline.ClickstreamPipeline;
import io.tidemark.service.pipeline.LiveUpdates;
import io.tidemark.service.pipeline.PipelineSettings;
import io.tidemark.service.reconcile.ServingTables;
import io.tidemark.service.run.DatabaseSettings;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clicks at the edges of SPEC §1 through the live pipeline (real broker, real PostgreSQL): the
 * widest page key it accepts is stored and counted, a U+0000 in a URL is one dead letter, and the
 * partition goes on to the end of its log instead of stalling on a commit that cannot succeed.
 */
class StorableClicksIT {

  static final String SCHEMA = "it_" + UUID.randomUUID().toString().replace("-", "");
  static final long T0 = 1_732_300_000_000L;

  EmbeddedKafka kafka;
  ActorSystem<Void> system;
  HikariDataSource dataSource;

  @AfterEach
  void stop() throws SQLException {
    if (system != null) {
      system.terminate();
    }
    if (dataSource != null) {
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
      }
      dataSource.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void widestPageIsCountedAndANulUrlIsADeadLetterWhileThePartitionGoesOn() throws Exception {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(Map.of("clicks", 1, "dead-letters", 1));
    String widest = "https://例.jp/" + scrambledIdeographs(1024 - 13);
    produce(
        List.of(
            click("c-0", widest, T0),
            click("c-1", "https://shop.example/a\\u0000b", T0 + 1),
            click("c-2", widest + "", T0 + 2),
            click("c-3", "/later", T0 + 120_000)));
    SortedMap<Integer, Long> ends = ClickTopic.endOffsets(kafka.bootstrapServers(), "clicks");
    PipelineIT.configure(kafka.bootstrapServers(), SCHEMA);
    var config = ConfigFactory.load();
    PipelineSettings settings = PipelineSettings.create(config);
    dataSource = DatabaseSettings.create(config).openMigrated("it-storable");
    system = ActorSystem.create(Behaviors.empty(), "storable-it", config);

    ClickstreamPipeline pipeline =
        ClickstreamPipeline.start(system, settings, dataSource, LiveUpdates.NONE);
    Await.until(
        Duration.ofMinutes(1),
        () -> offsets(settings).equals(ends),
        () -> "stored " + offsets(settings) + " of " + ends + "; " + pipeline.metrics().failure());
    pipeline.close();

    assertEquals(2L, views(widest), "both clicks of the widest page counted");
    Set<String> deadLetters = ClickTopic.deadLetterKeys(kafka.bootstrapServers(), "dead-letters");
    assertEquals(Set.of("clicks-0-1"), deadLetters);
    assertTrue(pipeline.metrics().failure().isEmpty());
    assertEquals(0, pipeline.metrics().retries(), "no commit had to be retried");
  }

  private static String click(String eventId, String url, long ts) {
    return "{\"eventId\":\""
        + eventId
        + "\",\"userId\":\"u-1\",\"url\":\""
        + url
        + "\",\"ts\":"
        + ts
        + "}";
  }

  /** CJK ideographs in a scrambled order: 3 bytes each in UTF-8, and they do not compress. */
  private static String scrambledIdeographs(int n) {
    StringBuilder text = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      text.append((char) (0x4E00 + (int) ((i * 2_654_435_761L) % 20_902)));
    }
    return text.toString();
  }

  private void produce(List<String> values) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (String value : values) {
        producer
            .send(
                new ProducerRecord<>(
                    "clicks",
                    0,
                    "u-1".getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8)))
            .get();
      }
    }
  }

  private SortedMap<Integer, Long> offsets(PipelineSettings settings) {
    try {
      return ServingTables.read(dataSource, settings.name(), settings.clicksTopic()).nextOffsets();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private long views(String page) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT coalesce(sum(views), 0) FROM page_views WHERE page = ?")) {
      s.setString(1, page);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
