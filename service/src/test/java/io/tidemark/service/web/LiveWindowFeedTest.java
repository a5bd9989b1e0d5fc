package io.tidemark.service.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.http.live.LiveHub;
import io.tidemark.http.live.LiveMessage;
import io.tidemark.streams.time.WindowResult;
import io.tidemark.streams.time.WindowResult.Kind;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;

class LiveWindowFeedTest {

  static final long MINUTE = 60_000;

  /** A hub that keeps what is published. */
  static final class Recording implements LiveHub {
    final List<LiveMessage.Window> published = new ArrayList<>();

    @Override
    public boolean publish(LiveMessage message) {
      published.add((LiveMessage.Window) message);
      return true;
    }

    @Override
    public Source<String, NotUsed> feed() {
      return Source.empty();
    }
  }

  static WindowResult<String, Long> views(String page, long start, long views, Kind kind) {
    return new WindowResult<>(
        "pageviews", page, start, start + MINUTE, views, kind == Kind.PROVISIONAL ? 0 : 1, kind);
  }

  @Test
  void manyLongKeysStayWithinTheByteBoundAndTheNewestWindowsAreKept() {
    long maxBytes = 200_000;
    Recording hub = new Recording();
    LiveWindowFeed feed = new LiveWindowFeed(hub, 100, maxBytes);
    String longPage = "/" + "p".repeat(1000);
    for (int i = 0; i < 10_000; i++) {
      // all within the retention: only the byte bound can forget them
      feed.accept(0, views(longPage + i, (i / 100) * MINUTE, 1, Kind.FIRED));
    }
    assertTrue(feed.bytes() <= maxBytes, "bytes " + feed.bytes());
    assertTrue(feed.tracked() < 100, "tracked " + feed.tracked());
    assertTrue(feed.tracked() > 50, "tracked " + feed.tracked());
    feed.flush();
    assertEquals(
        longPage + 9_999,
        hub.published.stream().map(LiveMessage.Window::key).reduce((a, b) -> b).get());
  }

  @Test
  void partitionsAddUpAndOnlyTheLatestValueIsPublished() {
    Recording hub = new Recording();
    LiveWindowFeed feed = new LiveWindowFeed(hub, 100);
    feed.accept(0, views("/a", 0, 3, Kind.PROVISIONAL));
    feed.accept(1, views("/a", 0, 4, Kind.PROVISIONAL));
    feed.accept(0, views("/a", 0, 5, Kind.FIRED));
    feed.flush();
    assertEquals(1, hub.published.size());
    LiveMessage.Window message = hub.published.get(0);
    assertEquals(9, message.value(), "partition 0 final 5 + partition 1 provisional 4");
    assertEquals("FIRED", message.kind());
    feed.flush();
    assertEquals(1, hub.published.size(), "nothing changed since");
  }

  @Test
  void flushPublishesAtMostItsShareLongestWaitingFirst() {
    Recording hub = new Recording();
    LiveWindowFeed feed = new LiveWindowFeed(hub, 2);
    for (int page = 0; page < 5; page++) {
      feed.accept(0, views("/p" + page, 0, page, Kind.PROVISIONAL));
    }
    feed.accept(0, views("/p0", 0, 10, Kind.PROVISIONAL));
    feed.flush();
    assertEquals(List.of("/p0", "/p1"), hub.published.stream().map(m -> m.key()).toList());
    assertEquals(10, hub.published.get(0).value(), "the waiting window took the latest value");
    assertEquals(3, feed.pending());
    feed.flush();
    feed.flush();
    assertEquals(5, hub.published.size());
    assertEquals(0, feed.pending());
  }

  @Test
  void windowsFarBehindTheNewestAreForgotten() {
    Recording hub = new Recording();
    LiveWindowFeed feed = new LiveWindowFeed(hub, 100);
    feed.accept(0, views("/old", 0, 1, Kind.FIRED));
    long later = LiveWindowFeed.RETENTION_MS + 10 * MINUTE;
    feed.accept(0, views("/new", later, 1, Kind.PROVISIONAL));
    assertEquals(1, feed.tracked());
    feed.flush();
    assertEquals(List.of("/new"), hub.published.stream().map(m -> m.key()).toList());
  }
}
