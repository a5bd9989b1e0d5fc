package io.tidemark.service.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;

/**
 * {@link ClusterJoin} with {@code join = bootstrap}, in one actor system: the node starts Pekko
 * Management, finds itself through the {@code config} discovery method, forms a cluster of one and
 * answers {@code GET /cluster/members} on the management port.
 */
class ClusterBootstrapTest {

  static final Duration DEADLINE = Duration.ofSeconds(60);

  @Test
  void bootstrapFormsAClusterThroughDiscoveryAndServesTheMembers() throws Exception {
    int management = freePort();
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), "tidemark", bootstrapConfig(management));
    try {
      ClusterJoin.join(system);
      Cluster cluster = Cluster.get(system);
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (!cluster.selfMember().status().equals(MemberStatus.up())) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("not Up within " + DEADLINE + ": " + cluster.selfMember());
        }
        LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
      }
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + management + "/cluster/members"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
      JsonNode members = new ObjectMapper().readTree(response.body());
      String self = cluster.selfMember().address().toString();
      assertEquals(self, members.path("selfNode").asText());
      assertEquals(1, members.path("members").size(), response.body());
      assertEquals(self, members.path("members").get(0).path("node").asText());
      assertEquals("Up", members.path("members").get(0).path("status").asText());
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get();
    }
  }

  /** Bootstrap through the config discovery method, which lists this node alone. */
  static Config bootstrapConfig(int management) {
    return ConfigFactory.parseMap(
            Map.of(
                "tidemark.cluster.join",
                "bootstrap",
                "pekko.remote.artery.canonical.port",
                0,
                "pekko.management.http.port",
                management,
                "pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method",
                "config",
                "pekko.management.cluster.bootstrap.contact-point-discovery"
                    + ".required-contact-point-nr",
                1,
                "pekko.management.cluster.bootstrap.contact-point-discovery.stable-margin",
                "1s",
                "pekko.discovery.config.services.tidemark.endpoints.0.host",
                "127.0.0.1",
                "pekko.discovery.config.services.tidemark.endpoints.0.port",
                management))
        .withFallback(ConfigFactory.load())
        .resolve();
  }

  @Test
  void nodeStopsWhenItsManagementEndpointCannotBind() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      ActorSystem<Void> system =
          ActorSystem.create(Behaviors.empty(), "tidemark", bootstrapConfig(taken.getLocalPort()));
      try {
        ClusterJoin.join(system);
        system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
      } finally {
        system.terminate();
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
