package io.tidemark.persistence.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.tidemark.persistence.fraud.UserFraud.Command;
import io.tidemark.persistence.fraud.UserFraud.GetState;
import io.tidemark.persistence.fraud.UserFraud.Outcome;
import io.tidemark.persistence.fraud.UserFraud.Process;
import io.tidemark.persistence.fraud.UserFraud.Processed;
import io.tidemark.persistence.fraud.UserFraud.StateView;
import io.tidemark.persistence.schema.Schema;
import io.tidemark.streams.event.Transaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The entity on the real journal: pekko-persistence-jdbc over the local PostgreSQL (database {@code
 * test}, user {@code postgres}), in a fresh schema migrated by {@link Schema} and dropped
 * afterwards, configured by this module's {@code persistence.conf} with only the URL changed. After
 * a stop it recovers the same state from the snapshot and the events after it, and answers
 * redeliveries as the first time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserFraudJdbcTest {

  private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final long T0 = 1_732_300_000_000L;
  private static final long MINUTE = 60_000L;
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final String schema = "entity_" + UUID.randomUUID().toString().replace("-", "");
  private HikariDataSource dataSource;
  private ActorTestKit testKit;

  @BeforeAll
  void migrateAndStart() {
    dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(SERVER);
    dataSource.setUsername("postgres");
    dataSource.setMaximumPoolSize(2);
    Schema.migrate(dataSource, schema);
    Config overrides =
        ConfigFactory.parseString(
            "tidemark.db { url = \""
                + SERVER
                + "?currentSchema="
                + schema
                + "\", user = postgres, password = \"\" }");
    Config config =
        ConfigFactory.load(
            overrides.withFallback(ConfigFactory.parseResources("persistence.conf")));
    testKit = ActorTestKit.create("UserFraudJdbcTest", config);
  }

  @AfterAll
  void stopAndDrop() throws SQLException {
    testKit.shutdownTestKit();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA " + schema + " CASCADE");
    }
    dataSource.close();
  }

  @Test
  void recoversStateFromJournalAndSnapshotAndAnswersRedeliveriesAlike() throws SQLException {
    UserFraudSettings settings = UserFraudSettings.defaults().withSnapshotEvery(3);
    String userId = "u-jdbc";
    String persistenceId = "UserFraud|" + userId;
    String[] countries = {"DE", "FR", "IT", "ES", "PL", "NL", "DE", "BE", "AT", "CH", "DE", "FR"};
    List<Transaction> txns = new ArrayList<>();
    for (int i = 0; i < countries.length; i++) {
      txns.add(new Transaction("t-" + i, userId, 5.0, "EUR", countries[i], T0 + i * MINUTE));
    }
    TestProbe<Processed> replies = testKit.createTestProbe();

    ActorRef<Command> entity = testKit.spawn(UserFraud.create(userId, settings));
    List<Processed> first = new ArrayList<>();
    for (int i = 0; i < txns.size(); i++) {
      entity.tell(new Process(txns.get(i), i, replies.ref()));
      first.add(replies.receiveMessage(TIMEOUT));
    }
    assertTrue(first.stream().allMatch(p -> p.outcome() == Outcome.ACCEPTED));
    assertTrue(first.stream().anyMatch(p -> !p.alerts().isEmpty()), "the history raises alerts");
    StateView before = view(entity);

    // 12 events, a snapshot every 3, keep 2: after the snapshot at 12 Pekko deletes the snapshots
    // up to 12 - 2 * 3 = 6, and no events (JournalCleanup deletes them once projected). The entity
    // deletes them after saving the snapshot, so it stays alive until they are gone.
    replies.awaitAssert(
        TIMEOUT,
        () -> {
          assertEquals(List.of(9L, 12L), sequenceNumbers("snapshot", persistenceId, ""));
          return null;
        });
    List<Long> events = sequenceNumbers("event_journal", persistenceId, "AND NOT deleted");
    assertEquals(LongStream.rangeClosed(1, 12).boxed().toList(), events);
    testKit.stop(entity, TIMEOUT);
    assertTrue(
        count("SELECT count(*) FROM " + schema + ".event_tag") > 0,
        "events are tagged for projections");

    ActorRef<Command> recovered = testKit.spawn(UserFraud.create(userId, settings));
    assertEquals(before, view(recovered));
    for (int i = 0; i < txns.size(); i++) {
      recovered.tell(new Process(txns.get(i), i, replies.ref()));
      assertEquals(first.get(i), replies.receiveMessage(TIMEOUT), "redelivery of " + txns.get(i));
    }
    recovered.tell(new Process(txns.get(3), 99, replies.ref()));
    assertEquals(Outcome.DUPLICATE, replies.receiveMessage(TIMEOUT).outcome());
    assertEquals(before, view(recovered));
  }

  private StateView view(ActorRef<Command> entity) {
    TestProbe<StateView> probe = testKit.createTestProbe();
    entity.tell(new GetState(probe.ref()));
    return probe.receiveMessage(TIMEOUT);
  }

  private List<Long> sequenceNumbers(String table, String persistenceId, String condition) {
    String sql =
        "SELECT sequence_number FROM "
            + schema
            + "."
            + table
            + " WHERE persistence_id = ? "
            + condition
            + " ORDER BY sequence_number";
    List<Long> numbers = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, persistenceId);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          numbers.add(rs.getLong(1));
        }
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
    return numbers;
  }

  private long count(String sql) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
