package io.tidemark.service.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.streams.time.WindowResult;
import io.tidemark.streams.time.WindowResult.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionWindowsTest {

  static final long MINUTE = 60_000;

  static WindowResult<String, Long> views(String page, long start, long views, Kind kind) {
    return new WindowResult<>(
        "pageviews", page, start, start + MINUTE, views, kind == Kind.PROVISIONAL ? 0 : 1, kind);
  }

  @Test
  void newWindowsBeyondTheByteBoundAreDroppedUntilTheNextDrain() {
    PartitionWindows windows = new PartitionWindows(100_000);
    String longPage = "/" + "p".repeat(1000);
    for (int i = 0; i < 1_000; i++) {
      windows.accept(0, views(longPage + i, 0, 1, Kind.FIRED));
    }
    List<LiveTopic.PartitionWindow> drained = windows.drain();
    assertTrue(drained.size() < 50, "drained " + drained.size());
    assertTrue(drained.size() > 30, "drained " + drained.size());
    assertEquals(1_000 - drained.size(), windows.dropped());
    windows.accept(0, views("/next", 0, 1, Kind.FIRED));
    assertEquals(List.of("/next"), windows.drain().stream().map(w -> w.key()).toList());
  }

  @Test
  void latestValuePerWindowAndPartitionIsDrainedOnce() {
    PartitionWindows windows = new PartitionWindows();
    windows.accept(0, views("/a", 0, 1, Kind.PROVISIONAL));
    windows.accept(1, views("/a", 0, 2, Kind.PROVISIONAL));
    windows.accept(0, views("/a", 0, 3, Kind.PROVISIONAL));
    List<LiveTopic.PartitionWindow> drained = windows.drain();
    assertEquals(List.of(0, 1), drained.stream().map(w -> w.partition()).toList());
    assertEquals(List.of(3L, 2L), drained.stream().map(w -> w.value()).toList());
    assertEquals(List.of(), windows.drain());
  }

  @Test
  void unchangedProvisionalValueIsNotPublishedAgainButFinalOneIs() {
    PartitionWindows windows = new PartitionWindows();
    windows.accept(0, views("/a", 0, 3, Kind.PROVISIONAL));
    windows.drain();
    windows.accept(0, views("/a", 0, 3, Kind.PROVISIONAL));
    assertEquals(List.of(), windows.drain(), "early firing repeated an unchanged window");
    windows.accept(0, views("/a", 0, 3, Kind.FIRED));
    assertEquals(Kind.FIRED, windows.drain().get(0).kind());
  }

  @Test
  void windowsFarBehindTheNewestAreForgotten() {
    PartitionWindows windows = new PartitionWindows();
    windows.accept(0, views("/old", 0, 1, Kind.PROVISIONAL));
    windows.drain();
    windows.accept(0, views("/new", LiveWindowFeed.RETENTION_MS + 10 * MINUTE, 1, Kind.FIRED));
    windows.drain();
    assertEquals(1, windows.remembered());
  }
}
