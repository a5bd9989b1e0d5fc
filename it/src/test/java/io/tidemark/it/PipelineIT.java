package io.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.tidemark.service.Main;
import io.tidemark.service.generate.GeneratorSettings;
import io.tidemark.service.infra.EmbeddedKafka;
import io.tidemark.service.pipeline.ClickstreamPipeline;
import io.tidemark.service.pipeline.LiveUpdates;
import io.tidemark.service.pipeline.PipelineSettings;
import io.tidemark.service.reconcile.Recomputation;
import io.tidemark.service.reconcile.ServingRows;
import io.tidemark.service.reconcile.ServingTables;
import io.tidemark.service.run.DatabaseSettings;
import io.tidemark.streams.event.Reason;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The live pipeline in-process against a real broker and PostgreSQL: generated clicks (bad, late
 * and too-late ones included) on a 4-partition topic are consumed to the end; the tables then hold
 * exactly what the engine computes per partition and combines, every bad record is a dead letter,
 * and {@code tidemark reconcile} agrees.
 */
class PipelineIT {

  static final int CLICKS = 50_000;
  static final String SCHEMA = "it_" + UUID.randomUUID().toString().replace("-", "");

  static EmbeddedKafka kafka;
  static ActorSystem<Void> system;
  static HikariDataSource dataSource;
  static PipelineSettings settings;
  static SortedMap<Integer, Long> ends;
  static ServingRows tables;
  static long drainMillis;

  @BeforeAll
  static void runPipelineToTheEnd() {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(Map.of("clicks", 4, "dead-letters", 1));
    ClickTopic.produce(
        kafka.bootstrapServers(), "clicks", GeneratorSettings.defaults().withCounts(CLICKS, 0));
    ends = ClickTopic.endOffsets(kafka.bootstrapServers(), "clicks");
    configure(kafka.bootstrapServers(), SCHEMA);
    var config = ConfigFactory.load();
    settings = PipelineSettings.create(config);
    dataSource = DatabaseSettings.create(config).openMigrated("it-pipeline");
    system = ActorSystem.create(Behaviors.empty(), "pipeline-it", config);
    long start = System.nanoTime();
    ClickstreamPipeline pipeline =
        ClickstreamPipeline.start(system, settings, dataSource, LiveUpdates.NONE);
    Await.until(
        Duration.ofMinutes(3), () -> offsets().equals(ends), () -> offsets() + " / " + ends);
    drainMillis = (System.nanoTime() - start) / 1_000_000;
    pipeline.close();
    tables = read();
    System.out.printf(
        "PipelineIT: drained %d clicks in %d ms (%.0f clicks/s), %d commits%n",
        CLICKS, drainMillis, CLICKS * 1000.0 / drainMillis, pipeline.metrics().commits());
  }

  /** Points the service configuration (as ConfigFactory.load() reads it) at the test's infra. */
  static void configure(String bootstrap, String schema) {
    System.setProperty("tidemark.kafka.bootstrap-servers", bootstrap);
    System.setProperty("tidemark.db.url", PgSchema.url());
    System.setProperty("tidemark.db.user", PgSchema.user());
    System.setProperty("tidemark.db.password", PgSchema.password());
    System.setProperty("tidemark.db.schema", schema);
    System.setProperty("tidemark.pipeline.commit-interval", "300ms");
    System.setProperty("tidemark.streams.visitors.estimator", "exact");
    // The generator's clock runs at 1000 clicks per second of event time: short windows let
    // tens of thousands of clicks fire, update late and purge many of them.
    System.setProperty("tidemark.streams.pageviews.window", "10s");
    System.setProperty("tidemark.streams.visitors.window", "30s");
    ConfigFactory.invalidateCaches();
  }

  static SortedMap<Integer, Long> offsets() {
    return read().nextOffsets();
  }

  static ServingRows read() {
    try {
      return ServingTables.read(dataSource, settings.name(), settings.clicksTopic());
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterAll
  static void stop() throws SQLException {
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

  private static Recomputation recompute() {
    return Recomputation.fromKafka(
        kafka.bootstrapServers(), "clicks", ends, settings.clickstream(), Duration.ofMinutes(2));
  }

  @Test
  void tablesHoldExactlyWhatTheEngineComputesPerPartition() {
    Recomputation log = recompute();
    ServingRows expected = log.rows(ends);
    assertTrue(
        expected.pageViews().size() > 1000, "many page view rows: " + expected.pageViews().size());
    assertTrue(expected.visitorCounts().size() > 1, "several visitor windows");
    assertEquals(expected.pageViews(), tables.pageViews());
    assertEquals(expected.visitorCounts(), tables.visitorCounts());
    assertEquals(ends, tables.nextOffsets());
  }

  @Test
  void everyConsumedClickIsCountedOrDeadLettered() {
    Recomputation log = recompute();
    long views = tables.pageViews().values().stream().mapToLong(Long::longValue).sum();
    long deadForPageViews =
        log.deadLetters().stream()
            .filter(d -> d.reason() != Reason.TOO_LATE || d.detail().contains("pageviews"))
            .count();
    assertEquals(CLICKS, log.consumed());
    assertEquals(log.countedPageViews(), views + log.openPageViews());
    assertEquals(CLICKS, views + log.openPageViews() + deadForPageViews);
  }

  @Test
  void everyBadOrTooLateClickIsOnTheDeadLetterTopic() {
    Recomputation log = recompute();
    Set<String> expected =
        log.deadLetters().stream()
            .map(d -> "clicks-" + d.partition() + "-" + d.offset())
            .collect(Collectors.toSet());
    assertTrue(expected.size() > 500, "bad and late records were generated: " + expected.size());
    assertTrue(
        log.deadLetters().stream().anyMatch(d -> d.reason() == Reason.TOO_LATE), "too late ones");
    assertEquals(expected, ClickTopic.deadLetterKeys(kafka.bootstrapServers(), "dead-letters"));
  }

  @Test
  void lateUpdatesRaisedRevisions() throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT max(revision), min(revision) FROM page_views")) {
      assertTrue(rs.next());
      assertTrue(rs.getInt(1) > 4, "some window was updated late: " + rs.getInt(1));
      assertTrue(rs.getInt(2) >= 1);
    }
  }

  @Test
  void reconcileAgreesWithTheTables() {
    assertEquals(0, Main.commandLine().execute("reconcile", "--require-caught-up"));
  }
}
