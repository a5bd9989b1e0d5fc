package io.tidemark.service.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tidemark.http.live.LiveMessage;
import io.tidemark.http.live.LiveStats;
import io.tidemark.http.live.LocalLiveHub;
import io.tidemark.http.metrics.TidemarkMetrics;
import io.tidemark.streams.time.WindowResult;
import io.tidemark.streams.time.WindowResult.Kind;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two cluster nodes in this JVM (two actor systems on free localhost ports, joined): window results
 * published by either node's pipeline reach both nodes' hubs, combined over the partitions, and the
 * statistics add up over the nodes. Messages between the nodes go through Artery and Jackson CBOR.
 */
class ClusterLiveFeedTest {

  static final Duration DEADLINE = Duration.ofSeconds(60);
  static final long MINUTE = 60_000;
  static final ObjectMapper JSON = new ObjectMapper();

  static Node a;
  static Node b;

  /** One node: its actor system, hub, metrics, live feed and what its hub sent. */
  record Node(
      ActorSystem<Void> system,
      LocalLiveHub hub,
      TidemarkMetrics metrics,
      ClusterLiveFeed feed,
      BlockingQueue<String> frames) {

    static Node start() {
      Config config =
          ConfigFactory.parseMap(
                  Map.of(
                      "pekko.remote.artery.canonical.port", 0,
                      "pekko.remote.artery.canonical.hostname", "127.0.0.1",
                      "pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on"))
              .withFallback(ConfigFactory.load());
      ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "tidemark", config);
      TidemarkMetrics metrics = new TidemarkMetrics();
      LocalLiveHub hub =
          LocalLiveHub.start(
              Materializer.matFromSystem(system), 1024, metrics.liveMessagesDropped());
      BlockingQueue<String> frames = new LinkedBlockingQueue<>();
      hub.feed().runWith(Sink.foreach(frames::add), system);
      ClusterLiveFeed feed =
          ClusterLiveFeed.start(
              system,
              hub,
              new LiveStats(metrics, Clock.systemUTC()),
              100,
              Duration.ofMillis(50),
              Duration.ofMillis(200));
      return new Node(system, hub, metrics, feed, frames);
    }

    /** Waits for a message on this node's hub that {@code wanted} accepts. */
    JsonNode await(Predicate<JsonNode> wanted, String what) throws Exception {
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (System.nanoTime() < deadline) {
        String frame = frames.poll(100, TimeUnit.MILLISECONDS);
        if (frame == null) {
          continue;
        }
        JsonNode parsed = JSON.readTree(frame);
        for (JsonNode message : parsed.isArray() ? parsed : List.of(parsed)) {
          if (wanted.test(message)) {
            return message;
          }
        }
      }
      throw new AssertionError("not on the hub of " + system.address() + ": " + what);
    }
  }

  @BeforeAll
  static void startTwoNodes() throws Exception {
    a = Node.start();
    b = Node.start();
    Cluster.get(a.system()).manager().tell(Join.create(a.system().address()));
    Cluster.get(b.system()).manager().tell(Join.create(a.system().address()));
    for (Node node : List.of(a, b)) {
      until(
          () ->
              java.util.stream.StreamSupport.stream(
                          Cluster.get(node.system()).state().getMembers().spliterator(), false)
                      .filter(m -> m.status().equals(MemberStatus.up()))
                      .count()
                  == 2,
          "two members up");
      // the topic knows both instances once the receptionist has spread the registrations
      until(
          () ->
              node.feed()
                      .topicStats(Duration.ofSeconds(3))
                      .toCompletableFuture()
                      .get()
                      .topicInstanceCount()
                  >= 2,
          "both topic instances known");
    }
  }

  @AfterAll
  static void stopNodes() {
    for (Node node : new Node[] {b, a}) {
      if (node != null) {
        node.feed().stop();
        node.system().terminate();
        node.system().getWhenTerminated().toCompletableFuture().join();
      }
    }
  }

  interface Check {
    boolean holds() throws Exception;
  }

  static void until(Check check, String what) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!check.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + DEADLINE + ": " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  @Test
  void topicMessagesStayBelowTheFrameWhateverTheLengthOfTheKeys() {
    String widest = "/" + "中".repeat(1023);
    List<LiveTopic.PartitionWindow> windows = new java.util.ArrayList<>();
    for (int i = 0; i < 1_200; i++) {
      windows.add(
          LiveTopic.PartitionWindow.of(0, views(i % 2 == 0 ? widest : "/p" + i, i, 1, Kind.FIRED)));
    }
    List<List<LiveTopic.PartitionWindow>> messages = ClusterLiveFeed.messages(windows);
    int total = 0;
    for (List<LiveTopic.PartitionWindow> message : messages) {
      int bytes = 0;
      for (LiveTopic.PartitionWindow w : message) {
        bytes += 64 + w.key().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      }
      assertTrue(bytes <= ClusterLiveFeed.MESSAGE_BYTES, "message of " + bytes + " bytes");
      assertTrue(message.size() <= ClusterLiveFeed.WINDOWS_PER_MESSAGE);
      total += message.size();
    }
    assertEquals(windows.size(), total);
    assertEquals(windows, messages.stream().flatMap(List::stream).toList());
  }

  static WindowResult<String, Long> views(String page, long views, int revision, Kind kind) {
    return new WindowResult<>("pageviews", page, 0, MINUTE, views, revision, kind);
  }

  static Predicate<JsonNode> window(String page, long value) {
    return m ->
        "window".equals(m.path("type").asText())
            && page.equals(m.path("key").asText())
            && m.path("value").asLong() == value;
  }

  @Test
  void partitionsOfBothNodesCombineOnEveryNode() throws Exception {
    a.feed().liveUpdates().accept(0, views("/combined", 3, 1, Kind.FIRED));
    b.feed().liveUpdates().accept(1, views("/combined", 4, 1, Kind.FIRED));

    JsonNode onB = b.await(window("/combined", 7), "/combined = 3 (node a) + 4 (node b)");
    assertEquals("FIRED", onB.path("kind").asText());
    a.await(window("/combined", 7), "/combined = 3 + 4 on node a too");
  }

  @Test
  void partitionThatMovedIsCountedOnceFromItsNewOwner() throws Exception {
    a.feed().liveUpdates().accept(0, views("/moved", 5, 0, Kind.PROVISIONAL));
    b.feed().liveUpdates().accept(1, views("/moved", 1, 0, Kind.PROVISIONAL));
    b.await(window("/moved", 6), "/moved = 5 + 1");

    // partition 0 moves from a to b, which restores the window and goes on counting
    b.feed().liveUpdates().accept(0, views("/moved", 8, 0, Kind.PROVISIONAL));

    a.await(window("/moved", 9), "/moved = 8 (partition 0, now on b) + 1, not 5 + 8 + 1");
    b.await(window("/moved", 9), "/moved = 9 on node b too");
  }

  @Test
  void throughputAndClientsAddUpOverTheNodes() throws Exception {
    a.metrics().consumed("pageviews").inc(10);
    b.metrics().consumed("pageviews").inc(20);
    a.metrics().webSocketClients().inc();
    b.metrics().webSocketClients().inc();
    b.metrics().webSocketClients().inc();

    Predicate<JsonNode> both =
        m ->
            "stats".equals(m.path("type").asText())
                && m.path("consumed").path("pageviews").asLong() == 30
                && m.path("clients").asLong() == 3;
    a.await(both, "stats of a + b: 30 consumed, 3 clients");
    b.await(both, "stats of b + a: 30 consumed, 3 clients");
    assertEquals(1, a.feed().nodesHeard());
  }

  @Test
  void topicMessagesRoundTripThroughJacksonCbor() throws Exception {
    var serialization = SerializationExtension.get(a.system().classicSystem());
    List<LiveTopic> messages =
        List.of(
            new LiveTopic.Windows(
                "pekko://tidemark@127.0.0.1:1",
                List.of(
                    LiveTopic.PartitionWindow.of(3, views("/p/1", 12, 2, Kind.LATE_UPDATE)),
                    LiveTopic.PartitionWindow.of(0, views("/p/2", 1, 0, Kind.PROVISIONAL)))),
            new LiveTopic.NodeStats(
                "pekko://tidemark@127.0.0.1:2",
                new LiveMessage.Stats(
                    1,
                    1000,
                    Map.of("pageviews", 5L),
                    Map.of("pageviews", 2.5),
                    Map.of("MALFORMED_JSON", 1L),
                    List.of(new LiveMessage.Stats.Partition("clicks", 2, 100, 5, -1)),
                    4,
                    6,
                    7)));
    for (LiveTopic message : messages) {
      Serializer serializer = serialization.findSerializerFor(message);
      assertEquals("JacksonCborSerializer", serializer.getClass().getSimpleName());
      SerializerWithStringManifest cbor =
          assertInstanceOf(SerializerWithStringManifest.class, serializer);
      byte[] bytes = cbor.toBinary(message);
      assertEquals(message, cbor.fromBinary(bytes, cbor.manifest(message)));
      assertTrue(bytes.length < 400, "compact: " + bytes.length + " bytes");
    }
  }
}
