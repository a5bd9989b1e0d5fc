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
 * The entity on the real journal: Tidemark's batching journal and snapshot store over the local
 * PostgreSQL (database {@code test}, user {@code postgres}), in a fresh schema migrated by {@link
 * Schema} and dropped afterwards, configured by this module's {@code persistence.conf} with only
 * the URL changed. After a stop it recovers the same state from the snapshot and the events after
 * it, and answers redeliveries as the first time; thousands of entities write and recover at once;
 * a userId of the longest allowed length is stored; a write the database refuses fails only the
 * entity that made it.
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
    // up to 12 - 2 * 3 = 6, and no events (JournalCleanup deletes them). The entity
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
    assertEquals(0, count("SELECT count(*) FROM " + schema + ".event_tag"), "events carry no tags");

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

  @Test
  void thousandsOfEntitiesWriteAndRecoverAtOnce() throws SQLException {
    UserFraudSettings settings = UserFraudSettings.defaults();
    int users = 2_000;
    TestProbe<Processed> replies = testKit.createTestProbe();
    List<ActorRef<Command>> entities = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      entities.add(testKit.spawn(UserFraud.create("bulk-" + u, settings)));
    }
    // Two transactions each, all entities at once: their recoveries and writes share round trips.
    for (int round = 0; round < 2; round++) {
      for (int u = 0; u < users; u++) {
        Transaction txn =
            new Transaction(
                "b-" + u + "-" + round, "bulk-" + u, 1.0, "EUR", "DE", T0 + round * MINUTE);
        entities.get(u).tell(new Process(txn, round, replies.ref()));
      }
      for (Processed reply : replies.receiveSeveralMessages(users, TIMEOUT)) {
        assertEquals(Outcome.ACCEPTED, reply.outcome());
      }
    }
    entities.forEach(e -> testKit.stop(e, TIMEOUT));
    assertEquals(
        2L * users,
        count(
            "SELECT count(*) FROM "
                + schema
                + ".event_journal WHERE persistence_id LIKE 'UserFraud|bulk-%'"));

    // Recovered together: each knows its two transactions (a repeat from offset 1 is the same).
    List<ActorRef<Command>> recovered = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      recovered.add(testKit.spawn(UserFraud.create("bulk-" + u, settings)));
    }
    for (int u = 0; u < users; u++) {
      Transaction again =
          new Transaction("b-" + u + "-1", "bulk-" + u, 1.0, "EUR", "DE", T0 + MINUTE);
      recovered.get(u).tell(new Process(again, 5, replies.ref()));
    }
    for (Processed reply : replies.receiveSeveralMessages(users, TIMEOUT)) {
      assertEquals(Outcome.DUPLICATE, reply.outcome(), reply.detail());
    }
    recovered.forEach(e -> testKit.stop(e, TIMEOUT));
  }

  @Test
  void aUserIdOfTheLongestAllowedLengthIsStoredUnderAHashedId() {
    UserFraudSettings settings = UserFraudSettings.defaults();
    String userId = "\u20ac".repeat(1024);
    TestProbe<Processed> replies = testKit.createTestProbe();
    ActorRef<Command> entity = testKit.spawn(UserFraud.create(userId, settings));
    entity.tell(
        new Process(new Transaction("long-1", userId, 1.0, "EUR", "DE", T0), 0, replies.ref()));
    assertEquals(Outcome.ACCEPTED, replies.receiveMessage(TIMEOUT).outcome());
    StateView before = view(entity);
    testKit.stop(entity, TIMEOUT);

    String persistenceId = UserFraud.persistenceId(userId).id();
    assertTrue(persistenceId.startsWith("UserFraud#"), persistenceId);
    assertEquals(List.of(1L), sequenceNumbers("event_journal", persistenceId, ""));
    ActorRef<Command> recovered = testKit.spawn(UserFraud.create(userId, settings));
    assertEquals(before, view(recovered));
    assertEquals(userId, view(recovered).userId());
    testKit.stop(recovered, TIMEOUT);
  }

  @Test
  void aWriteTheDatabaseRefusesFailsOnlyItsOwnEntity() throws SQLException {
    UserFraudSettings settings = UserFraudSettings.defaults();
    TestProbe<Processed> replies = testKit.createTestProbe();
    ActorRef<Command> poisoned = testKit.spawn(UserFraud.create("poisoned", settings));
    poisoned.tell(
        new Process(new Transaction("p-1", "poisoned", 1.0, "EUR", "DE", T0), 0, replies.ref()));
    assertEquals(Outcome.ACCEPTED, replies.receiveMessage(TIMEOUT).outcome());
    // Another writer took the entity's next sequence number: its next write can never succeed.
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO "
              + schema
              + ".event_journal (persistence_id, sequence_number, writer, event_ser_id,"
              + " event_ser_manifest, event_payload)"
              + " VALUES ('UserFraud|poisoned', 2, 'other', 0, '', '\\x00')");
    }
    List<ActorRef<Command>> healthy = new ArrayList<>();
    for (int u = 0; u < 50; u++) {
      healthy.add(testKit.spawn(UserFraud.create("healthy-" + u, settings)));
    }
    TestProbe<Processed> poisonedReplies = testKit.createTestProbe();
    poisoned.tell(
        new Process(
            new Transaction("p-2", "poisoned", 1.0, "EUR", "FR", T0 + 1),
            1,
            poisonedReplies.ref()));
    for (int u = 0; u < healthy.size(); u++) {
      Transaction txn = new Transaction("h-" + u, "healthy-" + u, 1.0, "EUR", "DE", T0);
      healthy.get(u).tell(new Process(txn, 0, replies.ref()));
    }
    for (Processed reply : replies.receiveSeveralMessages(healthy.size(), TIMEOUT)) {
      assertEquals(Outcome.ACCEPTED, reply.outcome());
    }
    poisonedReplies.expectNoMessage(Duration.ofMillis(500));
    healthy.forEach(e -> testKit.stop(e, TIMEOUT));
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
