package io.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.persistence.fraud.FraudAlert;
import io.tidemark.persistence.fraud.FraudSettings;
import io.tidemark.service.generate.GeneratorSettings;
import io.tidemark.service.infra.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A backlog the size of a real outage: 200,000 transactions of 20,000 users already in the topic
 * when the service starts, drained by a service JVM that is killed with SIGKILL once a third of it
 * is committed, and by a second one that finishes it. Asserts the fraud path's promises under that
 * load: every expected alert exactly once under {@code read_committed}, the {@code fraud_alerts}
 * table equal to the topic, one journal event per accepted transaction, and a second run that never
 * restarts its stream (a slow journal or a recovering entity slows it, nothing fails it).
 */
class FraudBacklogIT {

  static final int TRANSACTIONS = 200_000;
  static final int USERS = 20_000;
  static final String SCHEMA = FraudLog.newSchema();
  static final Path LOGS = FraudServiceProcess.logDir("FraudBacklogIT");

  static EmbeddedKafka kafka;
  static FraudLog.Expected expected;
  static SortedMap<Integer, Long> ends;
  static long total;
  static long killedAt;
  static Map<String, FraudAlert> table;
  static Map<String, Long> journal;
  static String secondRunLog;

  @BeforeAll
  static void drainWithAKillMidway() throws Exception {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(
        Map.of("transactions", 4, "fraud-alerts", 4, "dead-letters", 1, "clicks", 1));
    GeneratorSettings data =
        new GeneratorSettings(
            0, TRANSACTIONS, 7, USERS, 100, 0.01, 0.02, 0.02, GeneratorSettings.DEFAULT_START_TS);
    FraudLog.produce(kafka.bootstrapServers(), "transactions", data);
    ends = FraudLog.endOffsets(kafka.bootstrapServers(), "transactions");
    total = FraudLog.sum(ends);
    expected =
        FraudLog.expected(kafka.bootstrapServers(), "transactions", FraudSettings.defaults());
    long start = System.nanoTime();
    Path first = LOGS.resolve("service-0.log");
    try (FraudServiceProcess service = FraudServiceProcess.start(env(), first, "-Xmx768m")) {
      Await.until(
          Duration.ofSeconds(240),
          () -> committedSum() >= total / 3 || !service.isAlive(),
          () -> "committed " + committedSum() + " of " + total + service.tail());
      assertTrue(service.isAlive(), "service died on its own:\n" + service.tail());
      service.kill();
      killedAt = committedSum();
    }
    Path second = LOGS.resolve("service-1.log");
    try (FraudServiceProcess service = FraudServiceProcess.start(env(), second, "-Xmx768m")) {
      Await.until(
          Duration.ofSeconds(300),
          () -> committed().equals(ends),
          () -> "drain: offsets " + committed() + " / " + ends + "\n" + service.tail());
      Map<String, FraudAlert> rows = FraudLog.asTableRows(expected.alerts());
      Await.until(
          Duration.ofSeconds(60),
          () -> FraudLog.table(SCHEMA).size() >= rows.size(),
          () -> "alerts table has " + FraudLog.table(SCHEMA).size() + " of " + rows.size());
      table = FraudLog.table(SCHEMA);
      journal = FraudLog.journal(SCHEMA);
      secondRunLog = Files.readString(second);
    }
    System.out.printf(
        "FraudBacklogIT: %d transactions of %d users, killed at committed %d, drained after %d ms,"
            + " %d alerts%n",
        total, USERS, killedAt, (System.nanoTime() - start) / 1_000_000, expected.alerts().size());
  }

  static Map<String, String> env() {
    Map<String, String> env = FraudLog.serviceEnv(kafka.bootstrapServers(), SCHEMA);
    env.put("FRAUD_TRANSACTIONAL_ID", "fraud-backlog-it");
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
  void theKillHappenedMidDrain() {
    assertTrue(killedAt >= total / 3 && killedAt < total, "killed at " + killedAt + " of " + total);
    assertTrue(expected.users().size() > USERS * 9 / 10, "users: " + expected.users().size());
  }

  @Test
  void readCommittedConsumerSeesEveryExpectedAlertExactlyOnce() {
    assertTrue(expected.alerts().size() > 100, "fraud patterns raise alerts");
    Map<String, FraudAlert> byId =
        FraudLog.committedAlertsOnce(kafka.bootstrapServers(), "fraud-alerts");
    assertEquals(expected.alerts(), byId);
  }

  @Test
  void alertsTableEqualsTheTopic() {
    Map<String, FraudAlert> topic =
        FraudLog.committedAlertsOnce(kafka.bootstrapServers(), "fraud-alerts");
    assertEquals(FraudLog.asTableRows(topic), table);
  }

  @Test
  void everyAcceptedTransactionIsOneJournalEvent() {
    // The highest sequence number of an entity counts its events, also those a cleanup deleted
    // below a snapshot; an event written twice (a lost redelivery check) would show here.
    long events = journal.values().stream().mapToLong(Long::longValue).sum();
    long accepted = expected.consumed() - expected.deadLetterKeys().size() - expected.duplicates();
    assertEquals(accepted, events);
    assertEquals(expected.users().size(), journal.size(), "one entity per user");
  }

  @Test
  void theSecondRunNeverRestartedItsStream() {
    assertTrue(
        !secondRunLog.contains("Fraud pipeline restarting"),
        "the stream restarted:\n" + FraudServiceProcess.tail(LOGS.resolve("service-1.log"), 60));
  }
}
