package io.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.persistence.fraud.FraudAlert;
import io.tidemark.persistence.fraud.FraudSettings;
import io.tidemark.service.infra.EmbeddedKafka;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three service JVMs on localhost form one Pekko cluster through seed nodes, with the split brain
 * resolver on, and share the transactions topic's partitions. One node is killed with SIGKILL
 * mid-stream: the resolver downs it, its partitions move to the survivors, and so do the shards of
 * its users, whose entities recover from the journal there. Alerts stay exactly once for a {@code
 * read_committed} reader and in the table. Then a new user's fraud reaches the live feed of both
 * survivors, whichever raised it, once each (the alert feed reads every partition on every node).
 */
class FraudClusterIT {

  static final int TRANSACTIONS = 40_000;
  static final int NODES = 3;
  static final String SCHEMA = FraudLog.newSchema();
  static final Path LOGS = FraudServiceProcess.logDir("FraudClusterIT");
  static final String CROSS_NODE_USER = "u-cross-node";

  static EmbeddedKafka kafka;
  static FraudLog.Expected expected;
  static SortedMap<Integer, Long> ends;
  static long total;
  static long killedAt;
  static Map<String, Long> journalAtKill;
  static Map<String, Long> journalAtEnd;
  static Map<String, FraudAlert> table;
  static List<Integer> httpPorts = new ArrayList<>();
  static Map<Integer, List<String>> crossNodeAlerts;

  @BeforeAll
  static void killOneOfThreeNodesMidStream() throws Exception {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(
        Map.of("transactions", 4, "fraud-alerts", 4, "dead-letters", 1, "clicks", 1));
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      ports.add(freePort());
      httpPorts.add(freePort());
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
      // three JVMs start on a shared machine: the input goes in once all three serve and share
      // the partitions, so that the victim is killed while it consumes its own
      Await.until(
          Duration.ofSeconds(240),
          () ->
              httpPorts.stream().allMatch(FraudServiceProcess::ready)
                  && FraudLog.groupMembers(kafka.bootstrapServers(), "tidemark-fraud") == NODES,
          () -> "nodes not ready or not all in the group\n" + victim.tail());
      FraudLog.produce(kafka.bootstrapServers(), "transactions", FraudLog.generator(TRANSACTIONS));
      ends = FraudLog.endOffsets(kafka.bootstrapServers(), "transactions");
      total = ends.values().stream().mapToLong(Long::longValue).sum();
      long target = total / 3;
      // polled closely: the pipeline drains thousands of transactions a second
      Await.closely(
          Duration.ofSeconds(180),
          () -> FraudLog.sum(committed()) >= target,
          () -> "committed " + committed() + " < " + target + "\n" + victim.tail());
      victim.kill();
      killedAt = FraudLog.sum(committed());
      journalAtKill = FraudLog.journal(SCHEMA);
      Await.until(
          Duration.ofSeconds(180),
          () -> committed().equals(ends),
          () -> "drain: offsets " + committed() + " / " + ends + "\n" + nodes.get(0).tail());
      journalAtEnd = FraudLog.journal(SCHEMA);
      expected =
          FraudLog.expected(kafka.bootstrapServers(), "transactions", FraudSettings.defaults());
      Map<String, FraudAlert> rows = FraudLog.asTableRows(expected.alerts());
      Await.until(
          Duration.ofSeconds(60),
          () -> FraudLog.table(SCHEMA).size() >= rows.size(),
          () -> "alerts table has " + FraudLog.table(SCHEMA).size() + " of " + rows.size());
      table = FraudLog.table(SCHEMA);
      crossNodeAlerts = newUserAlertsOnTheSurvivorsLiveFeeds();
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
    env.put("HTTP_PORT", Integer.toString(httpPorts.get(node)));
    return env;
  }

  /**
   * Connects to the live feed of both survivors, produces five transactions of a new user from five
   * countries (the fourth and fifth are flagged) and returns, per survivor, the alerts of that user
   * its feed sent before its next stats message.
   */
  static Map<Integer, List<String>> newUserAlertsOnTheSurvivorsLiveFeeds() throws Exception {
    Map<Integer, LiveClient> clients = new TreeMap<>();
    try {
      for (int i = 0; i < NODES - 1; i++) {
        clients.put(
            i, LiveClient.connect(URI.create("ws://127.0.0.1:" + httpPorts.get(i) + "/ws/live")));
      }
      try (KafkaProducer<String, String> producer =
          KafkaRecords.producer(kafka.bootstrapServers(), Map.of())) {
        String[] countries = {"DE", "FR", "ES", "IT", "NL"};
        long t0 = 1_732_400_000_000L;
        for (int i = 0; i < countries.length; i++) {
          String txn =
              String.format(
                  "{\"txnId\":\"t-x%d\",\"userId\":\"%s\",\"amount\":5,\"country\":\"%s\","
                      + "\"ts\":%d}",
                  i + 1, CROSS_NODE_USER, countries[i], t0 + i * 60_000L);
          producer.send(new ProducerRecord<>("transactions", CROSS_NODE_USER, txn));
        }
        producer.flush();
      }
      Map<Integer, List<String>> seen = new TreeMap<>();
      for (var client : clients.entrySet()) {
        Await.until(
            Duration.ofSeconds(120),
            () -> client.getValue().statsAfterAlertsOf(CROSS_NODE_USER, 2),
            () ->
                "node "
                    + client.getKey()
                    + " live feed: "
                    + client.getValue().alertIds(CROSS_NODE_USER));
        seen.put(client.getKey(), client.getValue().alertIds(CROSS_NODE_USER));
      }
      return seen;
    } finally {
      clients.values().forEach(LiveClient::close);
    }
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
      if (alert.userId().equals(CROSS_NODE_USER)) {
        continue;
      }
      if (byId.put(alert.alertId(), alert) != null) {
        repeated.add(alert.alertId());
      }
    }
    assertEquals(Set.of(), repeated, "alerts seen more than once");
    assertEquals(expected.alerts(), byId);
  }

  @Test
  void everySurvivorsLiveFeedShowsTheNewUsersAlertsOnce() {
    List<String> flagged = List.of("t-x4", "t-x5");
    assertEquals(Map.of(0, flagged, 1, flagged), sortedValues(crossNodeAlerts));
  }

  static Map<Integer, List<String>> sortedValues(Map<Integer, List<String>> lists) {
    Map<Integer, List<String>> sorted = new HashMap<>();
    lists.forEach((k, v) -> sorted.put(k, v.stream().sorted().toList()));
    return sorted;
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
