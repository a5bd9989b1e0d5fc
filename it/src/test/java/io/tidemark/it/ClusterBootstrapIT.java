package io.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.service.infra.EmbeddedKafka;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three service JVMs form ONE Pekko cluster through cluster bootstrap, as on Kubernetes but with
 * the {@code config} discovery method listing the three nodes' management endpoints, and no seed
 * nodes: each node starts Pekko Management, the nodes probe each other, the one with the lowest
 * address forms the cluster and the others join it. Then one node is killed with SIGKILL: the split
 * brain resolver of the survivors downs it, they remove it and stay ready.
 */
class ClusterBootstrapIT {

  static final int NODES = 3;
  static final Duration STAY_READY = Duration.ofSeconds(15);
  static final String SCHEMA = FraudLog.newSchema();
  static final Path LOGS = FraudServiceProcess.logDir("ClusterBootstrapIT");
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static EmbeddedKafka kafka;
  static final List<ServiceProcess> nodes = new ArrayList<>();
  static final List<Integer> remotePorts = new ArrayList<>();
  static final List<Integer> managementPorts = new ArrayList<>();
  static final List<Integer> httpPorts = new ArrayList<>();
  static final Map<Integer, JsonNode> formed = new LinkedHashMap<>();
  static final Map<Integer, JsonNode> afterKill = new LinkedHashMap<>();

  /** Per survivor, the outcome of each readiness poll after the victim was removed. */
  static final Map<Integer, List<Boolean>> readyAfterKill = new LinkedHashMap<>();

  @BeforeAll
  static void formAClusterOfThreeThenKillOne() throws Exception {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(
        Map.of("transactions", 4, "fraud-alerts", 4, "dead-letters", 1, "clicks", 1));
    for (int i = 0; i < NODES; i++) {
      remotePorts.add(FraudClusterIT.freePort());
      managementPorts.add(FraudClusterIT.freePort());
      httpPorts.add(FraudClusterIT.freePort());
    }
    Files.createDirectories(LOGS);
    for (int i = 0; i < NODES; i++) {
      nodes.add(ServiceProcess.start(env(i), properties(), LOGS.resolve("node-" + i + ".log")));
    }
    Set<String> all = addresses(IntStream.range(0, NODES).boxed().toList());
    // three JVMs start on a shared machine: minutes, not seconds
    Await.until(
        Duration.ofSeconds(300),
        () ->
            IntStream.range(0, NODES)
                .allMatch(i -> ready(i) && upMembers(i).equals(all) && unreachable(i).isEmpty()),
        () -> views(List.of(0, 1, 2)) + "\n" + nodes.get(0).tail(30));
    for (int i = 0; i < NODES; i++) {
      formed.put(i, members(i).orElseThrow());
    }

    ServiceProcess victim = nodes.get(NODES - 1);
    victim.kill(Duration.ofSeconds(30));
    List<Integer> survivors = List.of(0, 1);
    Set<String> remaining = addresses(survivors);
    Await.until(
        Duration.ofSeconds(180),
        () ->
            survivors.stream()
                .allMatch(
                    i -> upMembers(i).equals(remaining) && unreachable(i).isEmpty() && ready(i)),
        () -> views(survivors) + "\n" + nodes.get(0).tail(30));
    for (int i : survivors) {
      afterKill.put(i, members(i).orElseThrow());
    }
    // and they stay ready: every poll over the next seconds finds both ready
    long end = System.nanoTime() + STAY_READY.toNanos();
    Await.until(
        STAY_READY.plusSeconds(60),
        () -> {
          survivors.forEach(
              i -> readyAfterKill.computeIfAbsent(i, k -> new ArrayList<>()).add(ready(i)));
          return System.nanoTime() > end;
        },
        () -> "readiness polls " + readyAfterKill);
  }

  /** A node configured like a Kubernetes pod, but found through the config discovery method. */
  static Map<String, String> env(int node) {
    Map<String, String> env = FraudLog.serviceEnv(kafka.bootstrapServers(), SCHEMA);
    env.put("PEKKO_CLUSTER_JOIN", "bootstrap");
    env.put("PEKKO_DISCOVERY_METHOD", "config");
    env.put("PEKKO_REQUIRED_CONTACT_POINTS", Integer.toString(NODES));
    env.put("PEKKO_REMOTE_HOST", "127.0.0.1");
    env.put("PEKKO_REMOTE_PORT", Integer.toString(remotePorts.get(node)));
    env.put("PEKKO_MANAGEMENT_PORT", Integer.toString(managementPorts.get(node)));
    env.put("HTTP_PORT", Integer.toString(httpPorts.get(node)));
    env.put("PEKKO_SBR_STABLE_AFTER", "5s");
    env.put("FRAUD_TRANSACTIONAL_ID", "cluster-bootstrap-it-" + node);
    env.remove("PEKKO_SEED_NODES");
    return env;
  }

  /**
   * The config discovery method's list of the service's management endpoints (Kubernetes lists pods
   * instead). All nodes share one host here, so bootstrap must not keep only the contact points on
   * its own management port (which it does for pods, one per IP).
   */
  static Map<String, String> properties() {
    Map<String, String> props = new HashMap<>();
    for (int i = 0; i < NODES; i++) {
      String endpoint = "pekko.discovery.config.services.tidemark.endpoints." + i;
      props.put(endpoint + ".host", "127.0.0.1");
      props.put(endpoint + ".port", Integer.toString(managementPorts.get(i)));
    }
    props.put("pekko.management.cluster.bootstrap.contact-point.filter-on-fallback-port", "false");
    return props;
  }

  static Set<String> addresses(List<Integer> indexes) {
    Set<String> addresses = new TreeSet<>();
    indexes.forEach(i -> addresses.add("pekko://tidemark@127.0.0.1:" + remotePorts.get(i)));
    return addresses;
  }

  static boolean ready(int node) {
    return FraudServiceProcess.ready(httpPorts.get(node));
  }

  /** GET /cluster/members of a node's Pekko Management, if it answers. */
  static Optional<JsonNode> members(int node) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + managementPorts.get(node) + "/cluster/members"))
              .timeout(Duration.ofSeconds(10))
              .build();
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          ? Optional.of(JSON.readTree(response.body()))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  static Set<String> upMembers(int node) {
    return members(node).map(ClusterBootstrapIT::upMembers).orElse(Set.of());
  }

  static Set<String> upMembers(JsonNode view) {
    Set<String> up = new TreeSet<>();
    for (JsonNode member : view.path("members")) {
      if (member.path("status").asText().equals("Up")) {
        up.add(member.path("node").asText());
      }
    }
    return up;
  }

  static Set<String> unreachable(int node) {
    return members(node).map(ClusterBootstrapIT::unreachable).orElse(Set.of("(no answer)"));
  }

  static Set<String> unreachable(JsonNode view) {
    Set<String> nodes = new TreeSet<>();
    view.path("unreachable").forEach(u -> nodes.add(u.path("node").asText()));
    return nodes;
  }

  static String views(List<Integer> indexes) {
    StringBuilder text = new StringBuilder();
    for (int i : indexes) {
      text.append("node ")
          .append(i)
          .append(": ready ")
          .append(ready(i))
          .append(", members ")
          .append(members(i).map(JsonNode::toString).orElse("(no answer)"))
          .append('\n');
    }
    return text.toString();
  }

  @AfterAll
  static void stop() {
    nodes.forEach(ServiceProcess::close);
    FraudLog.dropSchema(SCHEMA);
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void allThreeNodesAreUpMembersOfOneCluster() {
    Set<String> all = addresses(List.of(0, 1, 2));
    Set<String> leaders = new TreeSet<>();
    formed.forEach(
        (node, view) -> {
          assertEquals(all, upMembers(view), "node " + node + ": " + view);
          assertEquals(
              "pekko://tidemark@127.0.0.1:" + remotePorts.get(node),
              view.path("selfNode").asText());
          leaders.add(view.path("leader").asText());
        });
    assertEquals(1, leaders.size(), "one leader: " + leaders);
    assertTrue(all.containsAll(leaders), "the leader is a member: " + leaders);
  }

  @Test
  void survivorsRemovedTheKilledNode() {
    String killed = "pekko://tidemark@127.0.0.1:" + remotePorts.get(NODES - 1);
    assertEquals(Set.of(0, 1), afterKill.keySet());
    afterKill.forEach(
        (node, view) -> {
          assertEquals(addresses(List.of(0, 1)), upMembers(view), "node " + node + ": " + view);
          assertFalse(view.toString().contains(killed), "node " + node + " still knows " + killed);
          assertEquals(Set.of(), unreachable(view), "node " + node);
        });
  }

  @Test
  void survivorsStayReady() {
    assertEquals(Set.of(0, 1), readyAfterKill.keySet());
    readyAfterKill.forEach(
        (node, polls) -> {
          assertTrue(polls.size() >= 5, "node " + node + " polled " + polls.size() + " times");
          assertFalse(polls.contains(false), "node " + node + " readiness: " + polls);
        });
    assertFalse(nodes.get(NODES - 1).isAlive(), "the victim is dead");
  }
}
