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
 * table holds the same; every bad or too-late record is one dead letter.
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
    List<FraudAlert> alerts = FraudLog.committedAlerts(kafka.bootstrapServers(), "fraud-alerts");
    Map<String, FraudAlert> byId = new HashMap<>();
    Set<String> repeated = new HashSet<>();
    for (FraudAlert alert : alerts) {
      if (byId.put(alert.alertId(), alert) != null) {
        repeated.add(alert.alertId());
      }
    }
    assertEquals(Set.of(), repeated, "alerts seen more than once");
    assertEquals(expected.alerts(), byId);
  }

  @Test
  void tableHoldsTheSameAlerts() {
    Map<String, FraudAlert> rows = FraudLog.asTableRows(expected.alerts());
    Await.until(
        Duration.ofSeconds(60),
        () -> FraudLog.table(SCHEMA).size() >= rows.size(),
        () -> "projection wrote " + FraudLog.table(SCHEMA).size() + " of " + rows.size());
    assertEquals(rows, FraudLog.table(SCHEMA));
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
    assertFalse(live.isEmpty(), "the alert listener saw alerts");
    assertTrue(live.keySet().containsAll(expected.alerts().keySet()), "listener saw every alert");
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
