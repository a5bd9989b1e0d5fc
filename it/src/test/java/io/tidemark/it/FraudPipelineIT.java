package io.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.tidemark.persistence.fraud.FraudAlert;
import io.tidemark.persistence.fraud.FraudSettings;
import io.tidemark.persistence.fraud.UserFraud;
import io.tidemark.service.infra.EmbeddedKafka;
import io.tidemark.service.pipeline.LiveUpdates;
import io.tidemark.service.run.ServiceRuntime;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fraud pipeline in an in-process service against a real broker and PostgreSQL: generated
 * transactions (fraud patterns, duplicates, late, too-late and bad records) on a 4-partition topic
 * are consumed to the end. A {@code read_committed} reader of {@code fraud-alerts} then sees
 * exactly the alerts the pure rule computes from the input, each once; the {@code fraud_alerts}
 * table holds the same; every bad or too-late record is one dead letter. The alert listener (as the
 * live feed) sees the same alerts, each once.
 */
class FraudPipelineIT {

  static final int TRANSACTIONS = 8_000;
  static final String SCHEMA = FraudLog.newSchema();

  static EmbeddedKafka kafka;
  static ServiceRuntime runtime;
  static FraudLog.Expected expected;
  static SortedMap<Integer, Long> ends;
  static final Map<String, Integer> live = new ConcurrentHashMap<>();

  @BeforeAll
  static void runServiceToTheEnd() {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(
        Map.of("transactions", 4, "fraud-alerts", 4, "dead-letters", 1, "clicks", 1));
    FraudLog.produce(kafka.bootstrapServers(), "transactions", FraudLog.generator(TRANSACTIONS));
    ends = FraudLog.endOffsets(kafka.bootstrapServers(), "transactions");
    expected =
        FraudLog.expected(kafka.bootstrapServers(), "transactions", FraudSettings.defaults());
    configure(kafka.bootstrapServers(), SCHEMA);
    long start = System.nanoTime();
    runtime =
        ServiceRuntime.start(
            ConfigFactory.load(),
            LiveUpdates.NONE,
            alert -> live.merge(alert.alertId(), 1, Integer::sum));
    Await.until(
        Duration.ofSeconds(150),
        () -> committed().equals(ends),
        () -> "fraud group offsets " + committed() + " / ends " + ends);
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf(
        "FraudPipelineIT: %d transactions to committed alerts in %d ms (%.0f txn/s), %d alerts%n",
        TRANSACTIONS, millis, TRANSACTIONS * 1000.0 / millis, expected.alerts().size());
  }

  static void configure(String bootstrap, String schema) {
    System.setProperty("tidemark.kafka.bootstrap-servers", bootstrap);
    System.setProperty("tidemark.db.url", PgSchema.url());
    System.setProperty("tidemark.db.user", PgSchema.user());
    System.setProperty("tidemark.db.password", PgSchema.password());
    System.setProperty("tidemark.db.schema", schema);
    System.setProperty("tidemark.http.port", "0");
    System.setProperty("tidemark.fraud.entity.shards", "4");
    // Snapshots and journal cleanups while the run lasts (~8 transactions per user).
    System.setProperty("tidemark.fraud.entity.snapshot-every", "3");
    System.setProperty("tidemark.fraud.journal-cleanup.interval", "1s");
    ConfigFactory.invalidateCaches();
  }

  static SortedMap<Integer, Long> committed() {
    return FraudLog.committedOffsets(kafka.bootstrapServers(), "tidemark-fraud", "transactions");
  }

  @AfterAll
  static void stop() throws Exception {
    if (runtime != null) {
      runtime.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    FraudLog.dropSchema(SCHEMA);
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void readCommittedConsumerSeesEveryExpectedAlertExactlyOnce() {
    assertTrue(expected.alerts().size() > 20, "fraud patterns raise alerts: " + expected);
    Map<String, FraudAlert> byId =
        FraudLog.committedAlertsOnce(kafka.bootstrapServers(), "fraud-alerts");
    assertEquals(expected.alerts(), byId);
  }

  @Test
  void tableHoldsTheSameAlerts() {
    Map<String, FraudAlert> rows = FraudLog.asTableRows(expected.alerts());
    Await.until(
        Duration.ofSeconds(60),
        () -> FraudLog.table(SCHEMA).size() >= rows.size(),
        () -> "alerts table has " + FraudLog.table(SCHEMA).size() + " of " + rows.size());
    assertEquals(rows, FraudLog.table(SCHEMA));
  }

  @Test
  void journalKeepsOnlyWhatRecoveryNeeds() {
    Map<String, FraudAlert> rows = FraudLog.asTableRows(expected.alerts());
    Await.until(
        Duration.ofSeconds(60),
        () -> FraudLog.table(SCHEMA).size() >= rows.size(),
        () -> "alerts table has " + FraudLog.table(SCHEMA).size() + " of " + rows.size());
    // Once the cleanup has run, no event lies below a snapshot: at
    // most the last snapshot interval (3 events) of each entity.
    Set<String> entities = new HashSet<>();
    expected.users().keySet().forEach(user -> entities.add("UserFraud|" + user));
    Await.until(
        Duration.ofSeconds(60),
        () ->
            FraudLog.eventsBelowNewestSnapshot(SCHEMA) == 0
                && FraudLog.rows(SCHEMA, "event_journal") <= 3L * entities.size(),
        () ->
            FraudLog.eventsBelowNewestSnapshot(SCHEMA)
                + " events below their newest snapshot, "
                + FraudLog.rows(SCHEMA, "event_journal")
                + " events of "
                + entities.size()
                + " entities");
    assertTrue(FraudLog.rows(SCHEMA, "snapshot") > 0, "entities took snapshots");
    assertEquals(rows, FraudLog.table(SCHEMA));
    assertEquals(entities, FraudLog.journal(SCHEMA).keySet(), "every entity keeps its last event");
  }

  @Test
  void everyBadOrTooLateTransactionIsOneDeadLetter() {
    List<String> keys = FraudLog.committedDeadLetterKeys(kafka.bootstrapServers(), "dead-letters");
    assertTrue(expected.deadLetterKeys().size() > 50, "bad records: " + expected.deadLetterKeys());
    assertEquals(expected.deadLetterKeys().size(), keys.size(), "one dead letter per record");
    assertEquals(expected.deadLetterKeys(), new HashSet<>(keys));
  }

  @Test
  void everyTransactionIsAcceptedDuplicateOrDeadLettered() {
    long total = ends.values().stream().mapToLong(Long::longValue).sum();
    assertEquals(total, expected.consumed());
    assertTrue(expected.duplicates() > 0, "duplicates were generated");
    assertTrue(runtime.fraud().metrics().duplicateCount() >= expected.duplicates());
  }

  @Test
  void alertListenerSeesEachCommittedAlertOnce() {
    Await.until(
        Duration.ofSeconds(60),
        () -> live.size() >= expected.alerts().size(),
        () -> "listener saw " + live.size() + " of " + expected.alerts().size() + " alerts");
    assertEquals(expected.alerts().keySet(), live.keySet());
    Map<String, Integer> repeated = new HashMap<>(live);
    repeated.values().removeIf(n -> n == 1);
    assertEquals(Map.of(), repeated, "alerts the listener saw more than once");
    assertEquals(
        expected.alerts().size(),
        runtime.http().metrics().alertsCommitted().value(),
        "committed-alerts counter");
  }

  @Test
  void entityAnswersWithTheUsersState() throws Exception {
    String user = expected.alerts().values().iterator().next().userId();
    UserFraud.StateView state =
        runtime.fraud().state(user).toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(user, state.userId());
    assertFalse(state.retained().isEmpty(), "retained transactions of " + user);
    assertTrue(state.retained().stream().anyMatch(r -> r.flagged()), "a flagged transaction");
  }
}
