package io.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.persistence.fraud.FraudAlert;
import io.tidemark.persistence.fraud.FraudSettings;
import io.tidemark.service.infra.EmbeddedKafka;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three service JVMs on localhost form one Pekko cluster through seed nodes, with the split brain
 * resolver on, and share the transactions topic's partitions. One node is killed with SIGKILL
 * mid-stream: the resolver downs it, its partitions move to the survivors, and so do the shards of
 * its users, whose entities recover from the journal there. Alerts stay exactly once for a {@code
 * read_committed} reader and in the table.
 */
class FraudClusterIT {

  static final int TRANSACTIONS = 4_000;
  static final int NODES = 3;
  static final String SCHEMA = FraudLog.newSchema();
  static final Path LOGS = FraudServiceProcess.logDir("FraudClusterIT");

  static EmbeddedKafka kafka;
  static FraudLog.Expected expected;
  static SortedMap<Integer, Long> ends;
  static long total;
  static long killedAt;
  static Map<String, Long> journalAtKill;
  static Map<String, Long> journalAtEnd;
  static Map<String, FraudAlert> table;

  @BeforeAll
  static void killOneOfThreeNodesMidStream() throws Exception {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(
        Map.of("transactions", 4, "fraud-alerts", 4, "dead-letters", 1, "clicks", 1));
    FraudLog.produce(kafka.bootstrapServers(), "transactions", FraudLog.generator(TRANSACTIONS));
    ends = FraudLog.endOffsets(kafka.bootstrapServers(), "transactions");
    total = ends.values().stream().mapToLong(Long::longValue).sum();
    expected =
        FraudLog.expected(kafka.bootstrapServers(), "transactions", FraudSettings.defaults());
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      ports.add(freePort());
    }
    String seeds =
        ports.stream().map(p -> "pekko://tidemark@127.0.0.1:" + p).collect(Collectors.joining(","));
    List<FraudServiceProcess> nodes = new ArrayList<>();
    long start = System.nanoTime();
    try {
      for (int i = 0; i < NODES; i++) {
        nodes.add(
            FraudServiceProcess.start(
                env(ports.get(i), seeds, i), LOGS.resolve("node-" + i + ".log")));
      }
      FraudServiceProcess victim = nodes.get(NODES - 1);
      long target = total / 3;
      Await.until(
          Duration.ofSeconds(120),
          () -> FraudLog.sum(committed()) >= target,
          () -> "committed " + committed() + " < " + target + "\n" + victim.tail());
      victim.kill();
      killedAt = FraudLog.sum(committed());
      journalAtKill = FraudLog.journal(SCHEMA);
      Await.until(
          Duration.ofSeconds(120),
          () -> committed().equals(ends),
          () -> "drain: offsets " + committed() + " / " + ends + "\n" + nodes.get(0).tail());
      journalAtEnd = FraudLog.journal(SCHEMA);
      Map<String, FraudAlert> rows = FraudLog.asTableRows(expected.alerts());
      Await.until(
          Duration.ofSeconds(60),
          () -> FraudLog.table(SCHEMA).size() >= rows.size(),
          () -> "projection wrote " + FraudLog.table(SCHEMA).size() + " of " + rows.size());
      table = FraudLog.table(SCHEMA);
    } finally {
      nodes.forEach(FraudServiceProcess::close);
    }
    System.out.printf(
        "FraudClusterIT: %d transactions, node killed at committed %d, drained after %d ms%n",
        total, killedAt, (System.nanoTime() - start) / 1_000_000);
  }

  static Map<String, String> env(int port, String seeds, int node) {
    Map<String, String> env = FraudLog.serviceEnv(kafka.bootstrapServers(), SCHEMA);
    env.put("PEKKO_REMOTE_PORT", Integer.toString(port));
    env.put("PEKKO_SEED_NODES", seeds);
    env.put("PEKKO_SBR_STABLE_AFTER", "5s");
    env.put("FRAUD_TRANSACTIONAL_ID", "fraud-cluster-it-" + node);
    return env;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static SortedMap<Integer, Long> committed() {
    return FraudLog.committedOffsets(kafka.bootstrapServers(), "tidemark-fraud", "transactions");
  }

  @AfterAll
  static void stop() {
    FraudLog.dropSchema(SCHEMA);
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void nodeWasKilledMidStream() {
    assertTrue(killedAt > 0 && killedAt < total, "killed at " + killedAt + " of " + total);
  }

  @Test
  void readCommittedConsumerSeesEveryExpectedAlertExactlyOnce() {
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
    assertEquals(FraudLog.asTableRows(expected.alerts()), table);
  }

  @Test
  void entitiesCameBackOnTheSurvivorsFromTheirJournal() {
    long grew =
        journalAtKill.entrySet().stream()
            .filter(e -> journalAtEnd.getOrDefault(e.getKey(), 0L) > e.getValue())
            .count();
    assertTrue(grew > 10, "entities whose journal grew after the kill: " + grew);
    long events = journalAtEnd.values().stream().mapToLong(Long::longValue).sum();
    long accepted = expected.consumed() - expected.deadLetterKeys().size() - expected.duplicates();
    assertEquals(accepted, events, "one event per accepted transaction, none repeated");
  }
}
