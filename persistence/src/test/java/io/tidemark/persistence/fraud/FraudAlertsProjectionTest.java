package io.tidemark.persistence.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tidemark.persistence.TestSchema;
import io.tidemark.persistence.fraud.UserFraud.Command;
import io.tidemark.persistence.fraud.UserFraud.Outcome;
import io.tidemark.persistence.fraud.UserFraud.Process;
import io.tidemark.persistence.fraud.UserFraud.Processed;
import io.tidemark.streams.event.Transaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.projection.ProjectionBehavior;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The {@code fraud_alerts} projection on the real journal with this module's {@code
 * persistence.conf}: an event whose write transaction is still open while later events commit is
 * waited for, not skipped (the read journal's {@code journal-sequence-retrieval} settings).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FraudAlertsProjectionTest {

  private static final long T0 = 1_732_300_000_000L;
  private static final long MINUTE = 60_000L;
  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final Duration PROJECTION_TIMEOUT = Duration.ofSeconds(45);

  /** Well below the configured give-up time (max-tries × query-delay). */
  private static final Duration HOLD = Duration.ofSeconds(3);

  private static final UserFraudSettings SETTINGS = UserFraudSettings.defaults();

  private TestSchema schema;
  private ActorTestKit testKit;

  @BeforeAll
  void migrateAndStart() {
    schema = TestSchema.create("projection", 4);
    Config overrides =
        ConfigFactory.parseString(
            "tidemark.db { url = \"jdbc:postgresql://127.0.0.1:5432/test?currentSchema="
                + schema.name()
                + "\", user = postgres, password = \"\" }");
    testKit =
        ActorTestKit.create(
            "FraudAlertsProjectionTest",
            ConfigFactory.load(
                overrides.withFallback(ConfigFactory.parseResources("persistence.conf"))));
  }

  @AfterAll
  void stopAndDrop() throws SQLException {
    testKit.shutdownTestKit();
    schema.close();
  }

  @Test
  void eventOfAnOpenWriteTransactionIsWaitedForNotSkipped() throws SQLException {
    String userId = "u-writer";
    int partition = KafkaPartitionMessageExtractor.partition(userId, SETTINGS.shards());
    String tag = UserFraud.tag(partition);
    String otherId = userElsewhere(partition);

    // Another user's fourth country raises alert o-3; its tag's projection does not run.
    ActorRef<Command> other = testKit.spawn(UserFraud.create(otherId, SETTINGS));
    String[] countries = {"DE", "FR", "IT", "ES"};
    for (int i = 0; i < 4; i++) {
      process(other, new Transaction("o-" + i, otherId, 5, "EUR", countries[i], T0 + i * MINUTE));
    }
    ActorRef<Command> writer = testKit.spawn(UserFraud.create(userId, SETTINGS));
    process(writer, txn(userId, 0));
    testKit.spawn(
        ProjectionBehavior.create(
            FraudAlertsProjection.projection(testKit.system(), schema.dataSource(), partition)));
    awaitOffset(tag, ordering("UserFraud|" + userId, 1));

    // A write transaction takes the next ordering and stays open: a copy of the alert event,
    // tagged for the running projection. Later events commit meanwhile.
    try (Connection held = schema.dataSource().getConnection()) {
      held.setAutoCommit(false);
      long heldOrdering = insertCopy(held, "UserFraud|" + otherId, 4, tag);
      process(writer, txn(userId, 1));
      process(writer, txn(userId, 2));
      long last = ordering("UserFraud|" + userId, 3);
      assertTrue(last > heldOrdering);

      // The projection does not pass the open transaction's ordering while it is open.
      TestProbe<Object> during = testKit.createTestProbe();
      long until = System.nanoTime() + HOLD.toNanos();
      while (System.nanoTime() < until) {
        assertTrue(offset(tag) < heldOrdering, "projection skipped ordering " + heldOrdering);
        during.expectNoMessage(Duration.ofMillis(100));
      }
      assertFalse(alertIds().contains("o-3"));
      held.commit();

      // Once committed, the held event is projected, and the events after it.
      awaitOffset(tag, last);
      assertTrue(alertIds().contains("o-3"), "the held event's alert is in fraud_alerts");
    }
  }

  private static Transaction txn(String userId, int i) {
    return new Transaction("w-" + i, userId, 5, "EUR", "DE", T0 + i * 20 * MINUTE);
  }

  /** A user whose events carry another tag than those of users on {@code partition}. */
  private static String userElsewhere(int partition) {
    for (int i = 0; ; i++) {
      String candidate = "u-other-" + i;
      if (KafkaPartitionMessageExtractor.partition(candidate, SETTINGS.shards()) != partition) {
        return candidate;
      }
    }
  }

  /** Inserts a copy of an event as {@code UserFraud|held}, tagged {@code tag}; its ordering. */
  private static long insertCopy(
      Connection connection, String persistenceId, long sequenceNumber, String tag)
      throws SQLException {
    long ordering;
    try (PreparedStatement insert =
        connection.prepareStatement(
            """
            INSERT INTO event_journal (persistence_id, sequence_number, writer, write_timestamp,
              adapter_manifest, event_ser_id, event_ser_manifest, event_payload)
            SELECT 'UserFraud|held', 1, writer, write_timestamp, adapter_manifest, event_ser_id,
              event_ser_manifest, event_payload
            FROM event_journal WHERE persistence_id = ? AND sequence_number = ?
            RETURNING ordering
            """)) {
      insert.setString(1, persistenceId);
      insert.setLong(2, sequenceNumber);
      try (ResultSet rs = insert.executeQuery()) {
        assertTrue(rs.next());
        ordering = rs.getLong(1);
      }
    }
    try (PreparedStatement insert =
        connection.prepareStatement("INSERT INTO event_tag (event_id, tag) VALUES (?, ?)")) {
      insert.setLong(1, ordering);
      insert.setString(2, tag);
      assertEquals(1, insert.executeUpdate());
    }
    return ordering;
  }

  private void process(ActorRef<Command> entity, Transaction txn) {
    TestProbe<Processed> replies = testKit.createTestProbe();
    entity.tell(new Process(txn, replies.ref()));
    assertEquals(Outcome.ACCEPTED, replies.receiveMessage(TIMEOUT).outcome());
  }

  private void awaitOffset(String tag, long ordering) {
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(
        PROJECTION_TIMEOUT,
        Duration.ofMillis(200),
        () -> {
          assertEquals(ordering, offset(tag));
          return null;
        });
  }

  private long ordering(String persistenceId, long sequenceNumber) {
    return Long.parseLong(
        strings(
                "SELECT ordering FROM event_journal WHERE persistence_id = ? AND sequence_number = "
                    + sequenceNumber,
                persistenceId)
            .get(0));
  }

  /** The projection's stored offset of {@code tag}, or 0 before its first commit. */
  private long offset(String tag) {
    List<String> offsets =
        strings(
            "SELECT current_offset FROM pekko_projection_offset_store"
                + " WHERE projection_name = 'fraud-alerts' AND projection_key = ?",
            tag);
    return offsets.isEmpty() ? 0 : Long.parseLong(offsets.get(0));
  }

  private List<String> alertIds() {
    return strings("SELECT alert_id FROM fraud_alerts");
  }

  private List<String> strings(String sql, Object... parameters) {
    return schema.strings(sql, parameters);
  }
}
