package io.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.tidemark.service.generate.GeneratorSettings;
import io.tidemark.service.infra.EmbeddedKafka;
import io.tidemark.service.pipeline.ClickstreamPipeline;
import io.tidemark.service.pipeline.LiveUpdates;
import io.tidemark.service.pipeline.PipelineSettings;
import io.tidemark.service.reconcile.ServingTables;
import io.tidemark.service.run.DatabaseSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The clicks topic no longer holds the log the tables were computed from: the live pipeline refuses
 * to consume (a clear message, a metric, readiness) instead of skipping records silently.
 */
class LogRewoundIT {

  static final String SCHEMA = "it_" + UUID.randomUUID().toString().replace("-", "");

  EmbeddedKafka kafka;
  ActorSystem<Void> system;
  HikariDataSource dataSource;
  PipelineSettings settings;

  @BeforeEach
  void start() {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(Map.of("clicks", 1, "dead-letters", 1));
    PipelineIT.configure(kafka.bootstrapServers(), SCHEMA);
    var config = ConfigFactory.load();
    settings = PipelineSettings.create(config);
    dataSource = DatabaseSettings.create(config).openMigrated("it-rewound");
    system = ActorSystem.create(Behaviors.empty(), "rewound-it", config);
  }

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
  void recordsDeletedBeforeTheyWereConsumedAreRefusedNotSkipped() throws Exception {
    long stored = consumeEverything(2_000);
    produce(1_000, 2);
    try (Admin admin = admin()) {
      admin
          .deleteRecords(
              Map.of(new TopicPartition("clicks", 0), RecordsToDelete.beforeOffset(stored + 500)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }

    String failure = refusal();

    assertTrue(failure.contains("records were deleted before they were consumed"), failure);
    assertTrue(failure.contains("offset " + stored), failure);
    assertEquals(Map.of(0, stored), Map.copyOf(offsets()), "nothing consumed past the gap");
  }

  @Test
  void aTopicDeletedAndCreatedAgainIsRefusedNotSkipped() throws Exception {
    long stored = consumeEverything(2_000);
    try (Admin admin = admin()) {
      admin.deleteTopics(Set.of("clicks")).all().get(30, TimeUnit.SECONDS);
      Await.until(
          Duration.ofSeconds(30),
          () -> topics(admin).equals(Set.of("dead-letters")),
          () -> "clicks still listed: " + topics(admin));
    }
    kafka.createTopics(Map.of("clicks", 1));
    produce(500, 3);

    String failure = refusal();

    assertTrue(failure.contains("deleted and created again"), failure);
    assertEquals(Map.of(0, stored), Map.copyOf(offsets()), "nothing consumed from the new log");
  }

  /** Runs the pipeline over {@code clicks} new clicks to their end; the stored next offset. */
  private long consumeEverything(int clicks) {
    produce(clicks, 1);
    SortedMap<Integer, Long> ends = ClickTopic.endOffsets(kafka.bootstrapServers(), "clicks");
    ClickstreamPipeline pipeline =
        ClickstreamPipeline.start(system, settings, dataSource, LiveUpdates.NONE);
    Await.until(
        Duration.ofMinutes(2), () -> offsets().equals(ends), () -> offsets() + " / " + ends);
    pipeline.close();
    return ends.get(0);
  }

  /** Starts the pipeline again and waits for its refusal; the reason it gives. */
  private String refusal() throws InterruptedException {
    ClickstreamPipeline pipeline =
        ClickstreamPipeline.start(system, settings, dataSource, LiveUpdates.NONE);
    Await.until(
        Duration.ofMinutes(1),
        () -> pipeline.metrics().failure().isPresent(),
        () -> "the pipeline runs on; stored offsets " + offsets());
    assertEquals(1, pipeline.metrics().rewoundLogs());
    try {
      pipeline.done().toCompletableFuture().get(30, TimeUnit.SECONDS);
      throw new AssertionError("the pipeline completed as if nothing happened");
    } catch (ExecutionException expected) {
      // it stopped on the refusal
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the pipeline did not stop", e);
    }
    return pipeline.metrics().failure().get();
  }

  private void produce(int clicks, long seed) {
    ClickTopic.produce(
        kafka.bootstrapServers(),
        "clicks",
        GeneratorSettings.defaults().withCounts(clicks, 0).withSeed(seed));
  }

  private SortedMap<Integer, Long> offsets() {
    try {
      return ServingTables.read(dataSource, settings.name(), settings.clicksTopic()).nextOffsets();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }

  private static Set<String> topics(Admin admin) {
    try {
      return admin.listTopics().names().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
