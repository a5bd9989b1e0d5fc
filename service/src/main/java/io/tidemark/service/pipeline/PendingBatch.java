package io.tidemark.service.pipeline;

import io.tidemark.persistence.serving.PageViewDelta;
import io.tidemark.persistence.serving.ServingBatch;
import io.tidemark.persistence.serving.VisitorSketch;
import io.tidemark.streams.clicks.PageViews;
import io.tidemark.streams.clicks.UniqueVisitors;
import io.tidemark.streams.clicks.Visitors;
import io.tidemark.streams.time.WindowResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The final results of one partition since its last commit, turned into row changes: page views as
 * deltas of the partition's count, visitors as the partition's latest sketch. Ends at a commit
 * point (the next offset and, usually, a window snapshot). Batches that wait for the database merge
 * into one ({@link #merge}), so a slow database gets fewer, larger transactions.
 *
 * <p>Owned by one stream stage at a time; not thread-safe.
 */
final class PendingBatch {

  private record PageKey(String page, long windowStart) {}

  private static final class PageChange {
    final long windowEnd;
    long views;
    int emissions;

    PageChange(long windowEnd) {
      this.windowEnd = windowEnd;
    }
  }

  private static final class VisitorChange {
    final long windowEnd;
    byte[] sketch;
    int emissions;

    VisitorChange(long windowEnd) {
      this.windowEnd = windowEnd;
    }
  }

  private final Map<PageKey, PageChange> pages = new HashMap<>();
  private final Map<Long, VisitorChange> visitors = new HashMap<>();
  private long nextOffset = -1;
  private Optional<byte[]> snapshot = Optional.empty();
  private long rowBytes;
  private long snapshotBytes;

  /** Heap bytes of one page row besides its page text: map entry, key, change, boxed values. */
  private static final int PAGE_ROW_BYTES = 160;

  /** Heap bytes of one visitor row besides its sketch. */
  private static final int VISITOR_ROW_BYTES = 120;

  boolean isEmpty() {
    return pages.isEmpty() && visitors.isEmpty();
  }

  /** Adds one final result of the partition. */
  void add(WindowResult<?, ?> result) {
    if (PageViews.NAME.equals(result.computation())) {
      PageChange change =
          pages.computeIfAbsent(
              new PageKey((String) result.key(), result.windowStart()),
              k -> new PageChange(result.windowEnd()));
      // A window fires once with its count; each late update is caused by exactly one more
      // record of this partition, so it adds one view.
      change.views += result.kind() == WindowResult.Kind.FIRED ? (Long) result.result() : 1L;
      change.emissions++;
    } else if (UniqueVisitors.NAME.equals(result.computation())) {
      VisitorChange change =
          visitors.computeIfAbsent(
              result.windowStart(), k -> new VisitorChange(result.windowEnd()));
      change.sketch = ((Visitors) result.result()).sketch();
      change.emissions++;
    } else {
      throw new IllegalArgumentException("unknown computation " + result.computation());
    }
  }

  /**
   * Marks the commit point: every record before {@code next} is accounted for. The batch is closed
   * then: its {@link #weight()} is fixed.
   */
  PendingBatch endAt(long next, Optional<byte[]> windows) {
    this.nextOffset = next;
    if (windows.isPresent()) {
      this.snapshot = windows;
    }
    this.rowBytes = estimatedRowBytes();
    this.snapshotBytes = snapshot.map(b -> (long) b.length).orElse(0L);
    return this;
  }

  /**
   * What the closed batch holds in memory, an estimate in bytes: its rows and its window snapshot
   * (for merged batches the rows of each, an upper bound as rows of the same key merge, and the
   * latest snapshot).
   */
  long weight() {
    return rowBytes + snapshotBytes;
  }

  private long estimatedRowBytes() {
    long bytes = 0;
    for (PageKey key : pages.keySet()) {
      bytes += PAGE_ROW_BYTES + 2L * key.page().length();
    }
    for (VisitorChange change : visitors.values()) {
      bytes += VISITOR_ROW_BYTES + (change.sketch == null ? 0 : change.sketch.length);
    }
    return bytes;
  }

  long nextOffset() {
    return nextOffset;
  }

  /** Folds a later batch of the same partition into this one. */
  PendingBatch merge(PendingBatch later) {
    long mergedRows = rowBytes + later.rowBytes;
    later.pages.forEach(
        (key, change) -> {
          PageChange mine = pages.computeIfAbsent(key, k -> new PageChange(change.windowEnd));
          mine.views += change.views;
          mine.emissions += change.emissions;
        });
    later.visitors.forEach(
        (start, change) -> {
          VisitorChange mine =
              visitors.computeIfAbsent(start, k -> new VisitorChange(change.windowEnd));
          mine.sketch = change.sketch;
          mine.emissions += change.emissions;
        });
    this.nextOffset = later.nextOffset;
    if (later.snapshot.isPresent()) {
      this.snapshot = later.snapshot;
      this.snapshotBytes = later.snapshotBytes;
    }
    this.rowBytes = mergedRows;
    return this;
  }

  /** The batch as the repository commits it. */
  ServingBatch toServingBatch(
      String pipeline, String topic, int partition, Optional<Long> expectedOffset) {
    List<PageViewDelta> pageRows = new ArrayList<>(pages.size());
    pages.forEach(
        (key, change) ->
            pageRows.add(
                new PageViewDelta(
                    key.page(),
                    key.windowStart(),
                    change.windowEnd,
                    change.views,
                    change.emissions)));
    List<VisitorSketch> visitorRows = new ArrayList<>(visitors.size());
    visitors.forEach(
        (start, change) ->
            visitorRows.add(
                new VisitorSketch(start, change.windowEnd, change.sketch, change.emissions)));
    return new ServingBatch(
        pipeline, topic, partition, expectedOffset, nextOffset, pageRows, visitorRows, snapshot);
  }
}
