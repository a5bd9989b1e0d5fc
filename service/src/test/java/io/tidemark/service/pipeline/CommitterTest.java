package io.tidemark.service.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tidemark.persistence.schema.Schema;
import io.tidemark.persistence.serving.CommitOutcome;
import io.tidemark.persistence.serving.PageViewDelta;
import io.tidemark.persistence.serving.ServingBatch;
import io.tidemark.persistence.serving.ServingRepository;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The committer against the real PostgreSQL (127.0.0.1:5432, database {@code test}), in a fresh
 * schema per test: what it retries and what stops it. Triggers stand for the database's refusals.
 */
class CommitterTest {

  private static final long T0 = 1_732_300_020_000L;

  private final String schema = "committer_" + UUID.randomUUID().toString().substring(0, 8);
  private final ExecutorService blocking = Executors.newFixedThreadPool(2);
  private final PipelineMetrics metrics = new PipelineMetrics();
  private HikariDataSource dataSource;
  private Committer committer;

  @BeforeEach
  void migrate() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + schema);
    config.setUsername("postgres");
    config.setMaximumPoolSize(2);
    dataSource = new HikariDataSource(config);
    Schema.migrate(dataSource, schema);
    DeadLetterProducer deadLetters =
        new DeadLetterProducer(
            new MockProducer<>(true, new ByteArraySerializer(), new ByteArraySerializer()),
            "dead-letters");
    committer =
        new Committer(
            new ServingRepository(dataSource),
            deadLetters,
            blocking,
            Duration.ofMillis(1),
            Duration.ofMillis(20),
            metrics,
            () -> false);
  }

  @AfterEach
  void dropSchema() throws SQLException {
    blocking.shutdownNow();
    execute("DROP SCHEMA " + schema + " CASCADE");
    dataSource.close();
  }

  @Test
  void commitTheDatabaseRefusesForGoodFailsAtOnceNamingPartitionOffsetAndState() throws Exception {
    execute(
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            + " RAISE EXCEPTION 'no' USING ERRCODE = 'check_violation'; END $$");
    execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON page_views"
            + " FOR EACH ROW EXECUTE FUNCTION refuse()");

    ExecutionException failed =
        assertThrows(
            ExecutionException.class,
            () -> committer.commit(batch(7, 120)).toCompletableFuture().get(20, TimeUnit.SECONDS));

    Committer.CommitRejectedException rejected =
        assertInstanceOf(Committer.CommitRejectedException.class, failed.getCause());
    assertTrue(
        rejected
            .getMessage()
            .startsWith(
                "The database rejected the commit of clicks-7 up to offset 120 (SQLSTATE 23514"),
        rejected.getMessage());
    assertEquals(1, metrics.rejectedCommits());
    assertEquals(0, metrics.retries());
    assertEquals(0, count("input_offsets"));
  }

  @Test
  void failuresThatCanHealAreRetriedUntilTheCommitGoesThrough() throws Exception {
    // a sequence is not rolled back: the first three transactions fail, the fourth commits
    execute("CREATE SEQUENCE attempts");
    execute(
        "CREATE FUNCTION conflict() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            + " IF nextval('attempts') <= 3 THEN"
            + " RAISE EXCEPTION 'conflict' USING ERRCODE = 'serialization_failure'; END IF;"
            + " RETURN NEW; END $$");
    execute(
        "CREATE TRIGGER conflict BEFORE INSERT ON page_views"
            + " FOR EACH ROW EXECUTE FUNCTION conflict()");

    CommitOutcome outcome =
        committer.commit(batch(2, 50)).toCompletableFuture().get(20, TimeUnit.SECONDS);

    assertEquals(CommitOutcome.COMMITTED, outcome);
    assertEquals(3, metrics.retries());
    assertEquals(0, metrics.rejectedCommits());
    assertEquals(1, count("page_views"));
  }

  private static ServingBatch batch(int partition, long nextOffset) {
    return new ServingBatch(
        "clicks",
        "clicks",
        partition,
        Optional.empty(),
        nextOffset,
        List.of(new PageViewDelta("/p", T0, T0 + 60_000, 3, 1)),
        List.of(),
        Optional.empty());
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private long count(String table) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
