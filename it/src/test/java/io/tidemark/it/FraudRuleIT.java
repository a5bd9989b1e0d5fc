package io.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.persistence.fraud.FraudAlert;
import io.tidemark.persistence.fraud.KafkaPartitionMessageExtractor;
import io.tidemark.service.infra.EmbeddedKafka;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fraud rule changed at run time on a cluster of two service JVMs, on a real Kafka broker and
 * PostgreSQL: a PUT on node A is in force on node B within seconds (replicated with Distributed
 * Data: the periodic re-read is set far beyond the test's deadlines), the next transactions of
 * users on both partitions are decided with it on whichever node holds them, and a restarted node
 * comes back with the changed rule from the database.
 */
class FraudRuleIT {

  static final String TOKEN = "rule-it-token";
  static final String SCHEMA = FraudLog.newSchema();
  static final Path LOGS = FraudServiceProcess.logDir("FraudRuleIT");
  static final long T0 = 1_732_300_000_000L;
  static final long MINUTE = 60_000L;
  static final int PARTITIONS = 2;
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  static EmbeddedKafka kafka;
  static final List<FraudServiceProcess> nodes = new ArrayList<>();
  static List<Integer> remotePorts;
  static List<Integer> httpPorts;
  static List<String> users;
  static JsonNode put;
  static JsonNode seenOnB;
  static long propagationMillis;
  static List<FraudAlert> alertsBeforeChange;
  static List<FraudAlert> alertsAfterChange;
  static JsonNode afterRestart;

  @BeforeAll
  static void changeTheRuleOnOneNodeOfTwo() throws Exception {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(
        Map.of("transactions", PARTITIONS, "fraud-alerts", PARTITIONS, "dead-letters", 1));
    users = usersOnEveryPartition(3);
    remotePorts = List.of(FraudClusterIT.freePort(), FraudClusterIT.freePort());
    httpPorts = List.of(FraudClusterIT.freePort(), FraudClusterIT.freePort());
    for (int i = 0; i < 2; i++) {
      nodes.add(startNode(i, "node-" + i));
    }
    // Two countries per user: no alert under any rule that matters here; both nodes consume.
    List<ProducerRecord<byte[], byte[]>> firstTwo = new ArrayList<>();
    for (String user : users) {
      firstTwo.add(txn(user, "a", "DE", T0));
      firstTwo.add(txn(user, "b", "FR", T0 + MINUTE));
    }
    produce(firstTwo);
    awaitConsumed(firstTwo.size());
    // Both nodes in the cluster and sharing the partitions before the change.
    Await.until(
        Duration.ofSeconds(120),
        () -> ready(0) && ready(1) && groupMembers() == 2,
        () -> "ready " + ready(0) + "/" + ready(1) + ", group members " + groupMembers());
    alertsBeforeChange = FraudLog.committedAlerts(kafka.bootstrapServers(), "fraud-alerts");

    // Node A: more than 2 countries (the default is 3).
    put = send(0, "PUT", "{\"maxCountries\": 2}");
    long changed = System.nanoTime();
    Await.until(
        Duration.ofSeconds(20),
        () -> ruleOn(1).map(r -> r.path("version").equals(put.path("version"))).orElse(false),
        () ->
            "node B answers " + ruleOn(1) + ", node A stored " + put + "\n" + nodes.get(1).tail());
    propagationMillis = (System.nanoTime() - changed) / 1_000_000;
    seenOnB = ruleOn(1).orElseThrow();

    // A third country: an alert only under the changed rule.
    List<ProducerRecord<byte[], byte[]>> third = new ArrayList<>();
    for (String user : users) {
      third.add(txn(user, "c", "IT", T0 + 2 * MINUTE));
    }
    produce(third);
    awaitConsumed(firstTwo.size() + third.size());
    Await.until(
        Duration.ofSeconds(30),
        () ->
            FraudLog.committedAlerts(kafka.bootstrapServers(), "fraud-alerts").size()
                >= users.size(),
        () -> "alerts " + FraudLog.committedAlerts(kafka.bootstrapServers(), "fraud-alerts"));
    alertsAfterChange = FraudLog.committedAlerts(kafka.bootstrapServers(), "fraud-alerts");

    // Node B stops and starts again: the stored rule wins over the configured default.
    nodes.get(1).close();
    nodes.set(1, startNode(1, "node-1-restarted"));
    Await.until(
        Duration.ofSeconds(120),
        () -> ruleOn(1).isPresent(),
        () -> "restarted node B does not answer\n" + nodes.get(1).tail());
    afterRestart = ruleOn(1).orElseThrow();
    System.out.printf(
        "FraudRuleIT: rule version %s in force on the other node after %d ms%n",
        put.path("version"), propagationMillis);
  }

  @AfterAll
  static void stop() {
    nodes.forEach(FraudServiceProcess::close);
    FraudLog.dropSchema(SCHEMA);
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void putAnswersTheStoredRuleWithItsVersion() {
    assertEquals(2, put.path("maxCountries").asInt());
    assertEquals(600_000, put.path("windowMs").asLong(), "unchanged fields keep their value");
    assertEquals(1, put.path("version").asLong(), "the first stored change");
  }

  @Test
  void otherNodeAnswersTheChangedRule() {
    assertEquals(put, seenOnB);
  }

  @Test
  void transactionsAfterTheChangeAreDecidedWithIt() {
    assertEquals(List.of(), alertsBeforeChange, "two countries are no alert");
    Set<String> expected = users.stream().map(u -> u + "-c").collect(Collectors.toSet());
    Set<String> alerted = new TreeSet<>();
    for (FraudAlert alert : alertsAfterChange) {
      assertTrue(alerted.add(alert.alertId()), "alert repeated: " + alert.alertId());
      assertEquals("more-than-2-countries-in-10m", alert.rule());
      assertEquals(List.of("DE", "FR", "IT"), alert.countries());
    }
    assertEquals(new TreeSet<>(expected), alerted);
  }

  @Test
  void restartedNodeKeepsTheChangedRule() {
    assertEquals(put, afterRestart);
  }

  /** {@code perPartition} users whose key falls in each partition of the transactions topic. */
  static List<String> usersOnEveryPartition(int perPartition) {
    List<String> chosen = new ArrayList<>();
    int[] counts = new int[PARTITIONS];
    for (int i = 0; chosen.size() < perPartition * PARTITIONS; i++) {
      String user = "rule-user-" + i;
      int p = KafkaPartitionMessageExtractor.partition(user, PARTITIONS);
      if (counts[p] < perPartition) {
        counts[p]++;
        chosen.add(user);
      }
    }
    return chosen;
  }

  static FraudServiceProcess startNode(int node, String log) throws IOException {
    Map<String, String> env = FraudLog.serviceEnv(kafka.bootstrapServers(), SCHEMA);
    env.put("FRAUD_SHARDS", Integer.toString(PARTITIONS));
    env.put("PEKKO_REMOTE_PORT", Integer.toString(remotePorts.get(node)));
    env.put(
        "PEKKO_SEED_NODES",
        remotePorts.stream()
            .map(p -> "pekko://tidemark@127.0.0.1:" + p)
            .collect(Collectors.joining(",")));
    env.put("PEKKO_SBR_STABLE_AFTER", "5s");
    env.put("FRAUD_TRANSACTIONAL_ID", "fraud-rule-it-" + node);
    env.put("FRAUD_COMMIT_INTERVAL", "100ms");
    env.put("FRAUD_RULE_REFRESH", "10m");
    env.put("HTTP_PORT", Integer.toString(httpPorts.get(node)));
    env.put("ADMIN_TOKEN", TOKEN);
    return FraudServiceProcess.start(env, LOGS.resolve(log + ".log"));
  }

  static ProducerRecord<byte[], byte[]> txn(String user, String suffix, String country, long ts) {
    String value =
        String.format(
            "{\"txnId\":\"%s-%s\",\"userId\":\"%s\",\"amount\":10.0,\"currency\":\"EUR\","
                + "\"country\":\"%s\",\"ts\":%d}",
            user, suffix, user, country, ts);
    return new ProducerRecord<>(
        "transactions",
        user.getBytes(StandardCharsets.UTF_8),
        value.getBytes(StandardCharsets.UTF_8));
  }

  static void produce(List<ProducerRecord<byte[], byte[]>> records) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      records.forEach(producer::send);
      producer.flush();
    }
  }

  /** Waits until the fraud pipeline's committed offsets cover {@code records} records. */
  static void awaitConsumed(long records) {
    Await.until(
        Duration.ofSeconds(120),
        () -> FraudLog.sum(committed()) >= records,
        () ->
            "committed "
                + committed()
                + " < "
                + records
                + "\nnode A:\n"
                + nodes.get(0).tail()
                + "\nnode B:\n"
                + nodes.get(1).tail());
  }

  static Map<Integer, Long> committed() {
    return FraudLog.committedOffsets(kafka.bootstrapServers(), "tidemark-fraud", "transactions");
  }

  static int groupMembers() {
    return FraudLog.groupMembers(kafka.bootstrapServers(), "tidemark-fraud");
  }

  /** Whether GET /health/ready on a node answers 200. */
  static boolean ready(int node) {
    return FraudServiceProcess.ready(httpPorts.get(node));
  }

  /** GET /admin/fraud-rule on a node, empty while it does not answer 200. */
  static Optional<JsonNode> ruleOn(int node) {
    try {
      return Optional.of(send(node, "GET", null));
    } catch (IOException | IllegalStateException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  static JsonNode send(int node, String method, String body)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPorts.get(node) + "/admin/fraud-rule"))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(method + " answered " + response.statusCode());
    }
    return JSON.readTree(response.body());
  }
}
