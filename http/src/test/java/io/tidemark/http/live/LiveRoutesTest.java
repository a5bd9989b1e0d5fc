package io.tidemark.http.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.http.ErrorHandling;
import io.tidemark.http.HttpSettings;
import io.tidemark.http.JUnit5RouteTest;
import io.tidemark.http.Json;
import io.tidemark.http.metrics.TidemarkMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.http.javadsl.testkit.WSProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LiveRoutesTest extends JUnit5RouteTest {

  private static final int CLIENT_BUFFER = 8;

  private ScheduledExecutorService pinger;
  private LocalLiveHub hub;
  private LiveRoutes live;
  private TidemarkMetrics metrics;
  private TestRoute route;

  private void start(int maxClients, List<String> allowedOrigins) {
    pinger = Executors.newSingleThreadScheduledExecutor();
    metrics = new TidemarkMetrics();
    hub = LocalLiveHub.start(materializer(), 1024, metrics.liveMessagesDropped());
    HttpSettings.WebSocket settings =
        new HttpSettings.WebSocket(
            maxClients, CLIENT_BUFFER, 1024, allowedOrigins, Duration.ofSeconds(1));
    live = new LiveRoutes(hub, settings, metrics);
    route = testRoute(new ErrorHandling().wrap(live::routes));
  }

  @AfterEach
  void stop() {
    if (hub != null) {
      pinger.shutdownNow();
      hub.close();
      hub = null;
    }
  }

  private TestRouteResult connect(WSProbe probe, String... origin) {
    HttpRequest request = WS(uri("/ws/live"), probe.flow(), materializer());
    for (String o : origin) {
      request = request.addHeader(RawHeader.create("Origin", o));
    }
    return route.run(request);
  }

  private static org.apache.pekko.http.javadsl.model.Uri uri(String path) {
    return org.apache.pekko.http.javadsl.model.Uri.create(path);
  }

  private static LiveMessage.Window views(String page, long value) {
    return new LiveMessage.Window("pageviews", page, 0, 60_000, value, 0, "PROVISIONAL");
  }

  /**
   * The hub registers a subscriber asynchronously: publish pings until every probe has seen one, so
   * that what is published next reaches all of them.
   */
  private void awaitSubscribed(WSProbe... probes) {
    var pings =
        pinger.scheduleAtFixedRate(
            () -> hub.publish(views("ping", 0)), 0, 20, TimeUnit.MILLISECONDS);
    for (WSProbe probe : probes) {
      assertEquals(
          "ping",
          Json.parse(probe.expectMessage().asTextMessage().getStrictText()).path("key").asText());
    }
    pings.cancel(false);
  }

  /** The next message that is not a ping. */
  private static JsonNode next(WSProbe probe) {
    while (true) {
      JsonNode message = Json.parse(probe.expectMessage().asTextMessage().getStrictText());
      if (!message.path("key").asText().equals("ping")) {
        return message;
      }
    }
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.onSpinWait();
    }
  }

  @Test
  void clientReceivesPublishedMessagesAsJson() {
    start(10, List.of());
    WSProbe probe = WSProbe.create(system(), materializer());
    connect(probe).assertStatusCode(101);
    awaitSubscribed(probe);

    hub.publish(views("/p/1", 3));
    hub.publish(new LiveMessage.Alert("t-1", "u-1", "t-1", 5, List.of("DE", "FR"), "r", 6));

    JsonNode window = next(probe);
    assertEquals("window", window.path("type").asText());
    assertEquals("/p/1", window.path("key").asText());
    assertEquals(3, window.path("value").asLong());
    JsonNode alert = next(probe);
    assertEquals("alert", alert.path("type").asText());
    assertEquals("u-1", alert.path("userId").asText());
    assertEquals(1, metrics.webSocketClients().value());
  }

  @Test
  void messagesPublishedTogetherArriveAsOneFrameHoldingAnArray() {
    start(10, List.of());
    WSProbe probe = WSProbe.create(system(), materializer());
    connect(probe).assertStatusCode(101);
    awaitSubscribed(probe);

    hub.publishAll(List.of(views("/a", 1), views("/b", 2)));

    JsonNode frame = next(probe);
    assertTrue(frame.isArray(), "one frame, an array: " + frame);
    assertEquals(2, frame.size());
    assertEquals("window", frame.get(0).path("type").asText());
    assertEquals("/a", frame.get(0).path("key").asText());
    assertEquals(2, frame.get(1).path("value").asLong());
  }

  @Test
  void slowClientIsDisconnectedWhileFastClientKeepsReceiving() {
    start(10, List.of());
    WSProbe fast = WSProbe.create(system(), materializer());
    WSProbe slow = WSProbe.create(system(), materializer());
    connect(fast).assertStatusCode(101);
    connect(slow).assertStatusCode(101);
    awaitSubscribed(fast, slow);

    // The slow client reads nothing more; the fast one reads every message as it comes.
    for (int i = 0; i < CLIENT_BUFFER * 20; i++) {
      assertTrue(hub.publish(views("/p", i)), "publishing never drops here");
      assertEquals(i, next(fast).path("value").asLong());
    }

    await(() -> live.clients() == 1, "the slow client to be dropped");
    assertEquals(1, metrics.webSocketClientsDropped().value());
    assertEquals(1, metrics.webSocketClients().value());
    hub.publish(views("/after", 1));
    assertEquals("/after", next(fast).path("key").asText());
  }

  @Test
  void foreignOriginIsForbidden() {
    start(10, List.of("https://dash.example"));
    WSProbe probe = WSProbe.create(system(), materializer());
    TestRouteResult result = connect(probe, "https://evil.example");
    result.assertStatusCode(403);
    assertEquals("https://evil.example", Json.body(result).path("origin").asText());
    assertEquals(0, live.clients());
  }

  @Test
  void sameHostAndAllowedOriginsAreAccepted() {
    start(10, List.of("https://dash.example"));
    connect(WSProbe.create(system(), materializer()), "https://dash.example").assertStatusCode(101);
    connect(WSProbe.create(system(), materializer()), "http://example.com").assertStatusCode(101);
    connect(WSProbe.create(system(), materializer())).assertStatusCode(101);
    assertEquals(3, live.clients());
  }

  @Test
  void wildcardAllowsAnyOrigin() {
    start(10, List.of("*"));
    connect(WSProbe.create(system(), materializer()), "https://anywhere.example")
        .assertStatusCode(101);
  }

  @Test
  void connectionsBeyondCapAreUnavailableUntilOneCloses() {
    start(1, List.of());
    WSProbe first = WSProbe.create(system(), materializer());
    connect(first).assertStatusCode(101);

    TestRouteResult second = connect(WSProbe.create(system(), materializer()));
    second.assertStatusCode(503);
    assertEquals(1, Json.body(second).path("maxClients").asInt());

    first.sendCompletion();
    await(() -> live.clients() == 0, "the first client to leave");
    connect(WSProbe.create(system(), materializer())).assertStatusCode(101);
  }

  @Test
  void plainRequestIsBadRequestJson() {
    start(10, List.of());
    TestRouteResult result = route.run(HttpRequest.GET("/ws/live"));
    result.assertStatusCode(400);
    assertTrue(Json.body(result).path("error").asText().contains("WebSocket"));
  }

  @Test
  void publishingDropsInsteadOfBlockingWhenHubIsFull() {
    metrics = new TidemarkMetrics();
    LocalLiveHub tiny = LocalLiveHub.start(materializer(), 1, metrics.liveMessagesDropped());
    try {
      int accepted = 0;
      for (int i = 0; i < 10_000; i++) {
        accepted += tiny.publish(views("/p", i)) ? 1 : 0;
      }
      assertEquals(10_000 - accepted, metrics.liveMessagesDropped().value());
      assertTrue(accepted > 0);
    } finally {
      tiny.close();
    }
  }
}
