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
import org.apache.pekko.projection.ProjectionBehavior;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The entity, the {@code fraud_alerts} projection and the journal cleanup on the real journal
 * (pekko-persistence-jdbc over the local PostgreSQL, a fresh schema): a projection that is stopped
 * while a user's events run many snapshot intervals ahead still finds every event when it resumes,
 * and the cleanup deletes exactly the events that are both covered by a snapshot and projected.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JournalCleanupTest {

  private static final long T0 = 1_732_300_000_000L;
  private static final long MINUTE = 60_000L;
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  /** Covers the read journal's wait for ordering gaps (max-tries × query-delay = 10 s). */
  private static final Duration PROJECTION_TIMEOUT = Duration.ofSeconds(45);

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
  void lateProjectionGetsEveryAlertAndCleanupDeletesOnlyProjectedSnapshottedEvents()
      throws SQLException {
    String userId = "u-busy";
    String persistenceId = "UserFraud|" + userId;
    int partition = KafkaPartitionMessageExtractor.partition(userId, SETTINGS.shards());
    String tag = UserFraud.tag(partition);
    String quietId = userOnPartition(partition);
    // A batch smaller than the deletions below: a run goes on until a batch is not full.
    JournalCleanup cleanup = new JournalCleanup(schema.dataSource(), 7);
    List<FraudAlert> alerts = new ArrayList<>();

    ActorRef<Command> entity = testKit.spawn(UserFraud.create(userId, SETTINGS));
    ActorRef<Command> quiet = testKit.spawn(UserFraud.create(quietId, SETTINGS));
    for (int i = 0; i < 3; i++) {
      alerts.addAll(process(quiet, txn(quietId, i, "DE", T0 + i * MINUTE)));
    }
    // 1..3: three countries, no alert yet. The projection reads them, then stops.
    String[] countries = {"DE", "FR", "IT", "ES", "PL", "NL"};
    for (int i = 0; i < 3; i++) {
      alerts.addAll(process(entity, txn(userId, i, countries[i], T0 + i * MINUTE)));
    }
    ActorRef<ProjectionBehavior.Command> projection = startProjection(testKit, partition);
    awaitOffset(tag, ordering(persistenceId, 3));
    stop(projection);

    // 4..6: a fourth, fifth and sixth country within 10 minutes raise alerts; 7..40 (seven
    // snapshot intervals more) stay in one country and raise none. Nothing projects them.
    for (int i = 3; i < 6; i++) {
      alerts.addAll(process(entity, txn(userId, i, countries[i], T0 + i * MINUTE)));
    }
    for (int i = 6; i < 40; i++) {
      alerts.addAll(process(entity, txn(userId, i, "DE", T0 + 3_600_000L + i * 20 * MINUTE)));
    }
    assertEquals(Set.of("t-3", "t-4", "t-5"), ids(alerts), "alerts raised early");
    awaitAssert(() -> assertEquals(List.of(35L, 40L), snapshots(persistenceId)));
    assertEquals(range(1, 40), events(persistenceId), "the entity deletes no events");

    // Only the projected 1..3 are deleted: the unprojected ones, alerts among them, stay.
    assertEquals(3, cleanup.run());
    assertEquals(range(4, 40), events(persistenceId));
    assertEquals(range(1, 3), events("UserFraud|" + quietId), "without snapshot nothing goes");
    assertEquals(0, cleanup.run(), "a second run finds nothing more");

    // The projection resumes from its offset and writes every alert.
    projection = startProjection(testKit, partition);
    awaitOffset(tag, ordering(persistenceId, 40));
    stop(projection);
    assertEquals(ids(alerts), alertIds());

    // Now 4..39 are projected and covered by the snapshot at 40; 40 is the highest and stays.
    assertEquals(36, cleanup.run());
    assertEquals(List.of(40L), events(persistenceId));
    assertEquals(range(1, 3), events("UserFraud|" + quietId));
    assertEquals(4, count("SELECT count(*) FROM event_tag"), "tags go with their events");

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

    // A fresh read journal (another node, a restart) starts below the deleted orderings: it
    // skips them as gaps and the projection still gets the new alert.
    ActorTestKit otherNode = ActorTestKit.create("JournalCleanupTestOther", config());
    try {
      long started = System.nanoTime();
      startProjection(otherNode, partition);
      awaitOffset(tag, ordering(persistenceId, 44));
      System.out.printf(
          "fresh read journal projected past deleted orderings in %d ms%n",
          (System.nanoTime() - started) / 1_000_000);
      assertEquals(ids(alerts), alertIds());
    } finally {
      otherNode.shutdownTestKit();
    }
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

  /** A user whose events carry the same tag as those of users on {@code partition}. */
  private static String userOnPartition(int partition) {
    for (int i = 0; ; i++) {
      String candidate = "u-quiet-" + i;
      if (KafkaPartitionMessageExtractor.partition(candidate, SETTINGS.shards()) == partition) {
        return candidate;
      }
    }
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

  private ActorRef<ProjectionBehavior.Command> startProjection(ActorTestKit kit, int partition) {
    return kit.spawn(
        ProjectionBehavior.create(
            FraudAlertsProjection.projection(kit.system(), schema.dataSource(), partition)));
  }

  private void stop(ActorRef<ProjectionBehavior.Command> projection) {
    TestProbe<Object> probe = testKit.createTestProbe();
    projection.tell(ProjectionBehavior.stopMessage());
    probe.expectTerminated(projection, TIMEOUT);
  }

  /** Waits until the projection stored {@code ordering} as its offset of {@code tag}. */
  private void awaitOffset(String tag, long ordering) {
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(
        PROJECTION_TIMEOUT,
        Duration.ofMillis(200),
        () -> {
          assertEquals(List.of("SEQ:" + ordering), offsets(tag));
          return null;
        });
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

  private long ordering(String persistenceId, long sequenceNumber) {
    return longs(
            "SELECT ordering FROM event_journal WHERE persistence_id = ? AND sequence_number = "
                + sequenceNumber,
            persistenceId)
        .get(0);
  }

  private long count(String sql) {
    return longs(sql).get(0);
  }

  private List<String> offsets(String tag) {
    return strings(
        "SELECT manifest || ':' || current_offset FROM pekko_projection_offset_store"
            + " WHERE projection_name = '"
            + FraudAlertsProjection.NAME
            + "' AND projection_key = ?",
        tag);
  }

  private Set<String> alertIds() {
    return new TreeSet<>(strings("SELECT alert_id FROM fraud_alerts"));
  }

  private List<Long> longs(String sql, Object... parameters) {
    return strings(sql, parameters).stream().map(Long::valueOf).toList();
  }

  private List<String> strings(String sql, Object... parameters) {
    return schema.strings(sql, parameters);
  }
}
