package io.tidemark.persistence.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tidemark.persistence.TestSchema;
import io.tidemark.persistence.fraud.UserFraud.Command;
import io.tidemark.persistence.fraud.UserFraud.GetState;
import io.tidemark.persistence.fraud.UserFraud.Outcome;
import io.tidemark.persistence.fraud.UserFraud.Process;
import io.tidemark.persistence.fraud.UserFraud.Processed;
import io.tidemark.persistence.fraud.UserFraud.StateView;
import io.tidemark.streams.event.Transaction;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The entity and the journal cleanup on the real journal (Tidemark's journal over the local
 * PostgreSQL, a fresh schema): the entity deletes no events, and the cleanup deletes exactly the
 * events a snapshot covers, never an entity's highest; the entity then recovers the same state and
 * the journal goes on after it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JournalCleanupTest {

  private static final long T0 = 1_732_300_000_000L;
  private static final long MINUTE = 60_000L;
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private static final UserFraudSettings SETTINGS =
      UserFraudSettings.defaults().withSnapshotEvery(5);

  private TestSchema schema;
  private ActorTestKit testKit;

  @BeforeAll
  void migrateAndStart() {
    schema = TestSchema.create("cleanup", 4);
    testKit = ActorTestKit.create("JournalCleanupTest", config());
  }

  @AfterAll
  void stopAndDrop() throws SQLException {
    testKit.shutdownTestKit();
    schema.close();
  }

  @Test
  void cleanupDeletesOnlySnapshottedEventsAndTheEntityRecoversTheSameState() throws SQLException {
    String userId = "u-busy";
    String persistenceId = "UserFraud|" + userId;
    String quietId = "u-quiet";
    // A batch smaller than the deletions below: a run goes on until a batch is not full.
    JournalCleanup cleanup = new JournalCleanup(schema.dataSource(), 7);
    List<FraudAlert> alerts = new ArrayList<>();

    ActorRef<Command> entity = testKit.spawn(UserFraud.create(userId, SETTINGS));
    ActorRef<Command> quiet = testKit.spawn(UserFraud.create(quietId, SETTINGS));
    for (int i = 0; i < 3; i++) {
      alerts.addAll(process(quiet, txn(quietId, i, "DE", T0 + i * MINUTE)));
    }
    // 1..6: a fourth, fifth and sixth country within 10 minutes raise alerts; 7..40 (seven
    // snapshot intervals more) stay in one country and raise none.
    String[] countries = {"DE", "FR", "IT", "ES", "PL", "NL"};
    for (int i = 0; i < 6; i++) {
      alerts.addAll(process(entity, txn(userId, i, countries[i], T0 + i * MINUTE)));
    }
    for (int i = 6; i < 40; i++) {
      alerts.addAll(process(entity, txn(userId, i, "DE", T0 + 3_600_000L + i * 20 * MINUTE)));
    }
    assertEquals(Set.of("t-3", "t-4", "t-5"), ids(alerts), "alerts raised early");
    awaitAssert(() -> assertEquals(List.of(35L, 40L), snapshots(persistenceId)));
    assertEquals(range(1, 40), events(persistenceId), "the entity deletes no events");

    // 1..39 are covered by the snapshot at 40; 40 is the highest and stays. The quiet user has
    // no snapshot: nothing of it goes.
    assertEquals(39, cleanup.run());
    assertEquals(List.of(40L), events(persistenceId));
    assertEquals(range(1, 3), events("UserFraud|" + quietId), "without snapshot nothing goes");
    assertEquals(0, cleanup.run(), "a second run finds nothing more");

    // The entity recovers the same state, and the journal continues at 41.
    StateView before = view(entity);
    testKit.stop(entity, TIMEOUT);
    ActorRef<Command> recovered = testKit.spawn(UserFraud.create(userId, SETTINGS));
    assertEquals(before, view(recovered));
    for (int i = 40; i < 44; i++) {
      long ts = T0 + 86_400_000L + i * MINUTE;
      alerts.addAll(process(recovered, txn(userId, i, countries[i - 40], ts)));
    }
    assertEquals(List.of(40L, 41L, 42L, 43L, 44L), events(persistenceId));
    assertTrue(ids(alerts).contains("t-43"), "a fourth country again");
  }

  private Config config() {
    Config overrides =
        ConfigFactory.parseString(
            "tidemark.db { url = \"jdbc:postgresql://127.0.0.1:5432/test?currentSchema="
                + schema.name()
                + "\", user = postgres, password = \"\" }");
    return ConfigFactory.load(
        overrides.withFallback(ConfigFactory.parseResources("persistence.conf")));
  }

  private static Transaction txn(String userId, int i, String country, long ts) {
    return new Transaction("t-" + i, userId, 5.0, "EUR", country, ts);
  }

  private List<FraudAlert> process(ActorRef<Command> entity, Transaction txn) {
    TestProbe<Processed> replies = testKit.createTestProbe();
    entity.tell(new Process(txn, replies.ref()));
    Processed reply = replies.receiveMessage(TIMEOUT);
    assertEquals(Outcome.ACCEPTED, reply.outcome(), txn.toString());
    return reply.alerts();
  }

  private StateView view(ActorRef<Command> entity) {
    TestProbe<StateView> probe = testKit.createTestProbe();
    entity.tell(new GetState(probe.ref()));
    return probe.receiveMessage(TIMEOUT);
  }

  private void awaitAssert(Runnable assertion) {
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(
        TIMEOUT,
        () -> {
          assertion.run();
          return null;
        });
  }

  private static Set<String> ids(List<FraudAlert> alerts) {
    return alerts.stream().map(FraudAlert::alertId).collect(Collectors.toCollection(TreeSet::new));
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  private List<Long> events(String persistenceId) {
    return longs(
        "SELECT sequence_number FROM event_journal WHERE persistence_id = ?"
            + " ORDER BY sequence_number",
        persistenceId);
  }

  private List<Long> snapshots(String persistenceId) {
    return longs(
        "SELECT sequence_number FROM snapshot WHERE persistence_id = ? ORDER BY sequence_number",
        persistenceId);
  }

  private long count(String sql) {
    return longs(sql).get(0);
  }

  private List<Long> longs(String sql, Object... parameters) {
    return strings(sql, parameters).stream().map(Long::valueOf).toList();
  }

  private List<String> strings(String sql, Object... parameters) {
    return schema.strings(sql, parameters);
  }
}
