package io.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.persistence.fraud.FraudAlert;
import io.tidemark.persistence.fraud.FraudSettings;
import io.tidemark.service.infra.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service as a JVM of its own, killed with SIGKILL three times while it works through the
 * transactions topic and restarted each time. Once it has drained the topic, a {@code
 * read_committed} reader of {@code fraud-alerts} sees every alert the pure rule computes exactly
 * once (none missing, none repeated), the {@code fraud_alerts} table holds the same, every bad or
 * too-late record is exactly one dead letter, and users whose transactions straddled a crash had
 * their entity recovered from the journal (their alerts are right, so their state was).
 */
class FraudCrashIT {

  static final int TRANSACTIONS = 40_000;
  static final int CRASHES = 3;
  static final String SCHEMA = FraudLog.newSchema();
  static final Path LOGS = FraudServiceProcess.logDir("FraudCrashIT");

  static EmbeddedKafka kafka;
  static FraudLog.Expected expected;
  static SortedMap<Integer, Long> ends;
  static long total;
  static final List<Long> killedAt = new ArrayList<>();
  static final List<Map<String, Long>> journalAtKill = new ArrayList<>();
  static Map<String, Long> journalAtEnd;
  static Map<String, FraudAlert> table;

  @BeforeAll
  static void crashServiceThreeTimesThenDrain() throws Exception {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(
        Map.of("transactions", 4, "fraud-alerts", 4, "dead-letters", 1, "clicks", 1));
    FraudLog.produce(kafka.bootstrapServers(), "transactions", FraudLog.generator(TRANSACTIONS));
    ends = FraudLog.endOffsets(kafka.bootstrapServers(), "transactions");
    total = ends.values().stream().mapToLong(Long::longValue).sum();
    expected =
        FraudLog.expected(kafka.bootstrapServers(), "transactions", FraudSettings.defaults());
    long start = System.nanoTime();
    for (int i = 0; i <= CRASHES; i++) {
      final int run = i;
      Path log = LOGS.resolve("service-" + run + ".log");
      try (FraudServiceProcess service = FraudServiceProcess.start(env(), log)) {
        if (run < CRASHES) {
          // Kill once the committed progress passed the next quarter and before the end.
          long target = committedSum() + total / (CRASHES + 2);
          // polled closely: the pipeline drains thousands of transactions a second
          Await.closely(
              Duration.ofSeconds(90),
              () -> committedSum() >= target || !service.isAlive(),
              () ->
                  "run " + run + ": committed " + committedSum() + " < " + target + service.tail());
          assertTrue(service.isAlive(), "service died on its own:\n" + service.tail());
          service.kill();
          killedAt.add(committedSum());
          journalAtKill.add(FraudLog.journal(SCHEMA));
        } else {
          Await.until(
              Duration.ofSeconds(120),
              () -> committed().equals(ends),
              () -> "drain: offsets " + committed() + " / " + ends + "\n" + service.tail());
          journalAtEnd = FraudLog.journal(SCHEMA);
          Map<String, FraudAlert> rows = FraudLog.asTableRows(expected.alerts());
          Await.until(
              Duration.ofSeconds(60),
              () -> FraudLog.table(SCHEMA).size() >= rows.size(),
              () -> "alerts table has " + FraudLog.table(SCHEMA).size() + " of " + rows.size());
          table = FraudLog.table(SCHEMA);
        }
      }
    }
    System.out.printf(
        "FraudCrashIT: %d transactions, killed at committed %s, drained after %d ms, %d alerts%n",
        total, killedAt, (System.nanoTime() - start) / 1_000_000, expected.alerts().size());
  }

  static Map<String, String> env() {
    Map<String, String> env = FraudLog.serviceEnv(kafka.bootstrapServers(), SCHEMA);
    // The same transactional id after every restart: the new producer aborts the dead one's
    // open transaction at once instead of leaving it to the transaction timeout.
    env.put("FRAUD_TRANSACTIONAL_ID", "fraud-crash-it");
    return env;
  }

  static SortedMap<Integer, Long> committed() {
    return FraudLog.committedOffsets(kafka.bootstrapServers(), "tidemark-fraud", "transactions");
  }

  static long committedSum() {
    return FraudLog.sum(committed());
  }

  @AfterAll
  static void stop() {
    FraudLog.dropSchema(SCHEMA);
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void everyKillHappenedMidStream() {
    assertEquals(CRASHES, killedAt.size());
    for (long at : killedAt) {
      assertTrue(at > 0 && at < total, "killed mid-stream: " + killedAt + " of " + total);
    }
  }

  @Test
  void readCommittedConsumerSeesEveryExpectedAlertExactlyOnce() {
    assertTrue(expected.alerts().size() > 20, "fraud patterns raise alerts");
    Map<String, FraudAlert> byId =
        FraudLog.committedAlertsOnce(kafka.bootstrapServers(), "fraud-alerts");
    Set<String> missing = new HashSet<>(expected.alerts().keySet());
    missing.removeAll(byId.keySet());
    assertEquals(Set.of(), missing, "alerts missing");
    assertEquals(expected.alerts(), byId);
  }

  @Test
  void tableHoldsTheSameAlerts() {
    assertEquals(FraudLog.asTableRows(expected.alerts()), table);
  }

  @Test
  void everyBadOrTooLateTransactionIsExactlyOneDeadLetter() {
    List<String> keys = FraudLog.committedDeadLetterKeys(kafka.bootstrapServers(), "dead-letters");
    assertEquals(expected.deadLetterKeys().size(), keys.size(), "one dead letter per record");
    assertEquals(expected.deadLetterKeys(), new HashSet<>(keys));
  }

  @Test
  void entitiesRecoveredFromTheirJournalAcrossCrashes() {
    // An entity with events before a kill and more after it was recovered from the journal by
    // the next process; the exact alerts above show its recovered state was right.
    Set<String> spanning = new HashSet<>();
    for (Map<String, Long> atKill : journalAtKill) {
      atKill.forEach(
          (id, seqNr) -> {
            if (journalAtEnd.getOrDefault(id, 0L) > seqNr) {
              spanning.add(id);
            }
          });
    }
    assertTrue(
        spanning.size() > 10, "entities whose journal grew across a crash: " + spanning.size());
    long events = journalAtEnd.values().stream().mapToLong(Long::longValue).sum();
    long accepted = expected.consumed() - expected.deadLetterKeys().size() - expected.duplicates();
    assertEquals(accepted, events, "one event per accepted transaction, none repeated");
  }
}
