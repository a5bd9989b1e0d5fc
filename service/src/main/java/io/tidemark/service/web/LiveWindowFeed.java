package io.tidemark.service.web;

import io.tidemark.http.live.LiveHub;
import io.tidemark.http.live.LiveMessage;
import io.tidemark.service.pipeline.LiveUpdates;
import io.tidemark.streams.clicks.Visitors;
import io.tidemark.streams.time.WindowResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Window results of the input partitions (of every node, see {@link ClusterLiveFeed}), combined for
 * the live feed the way the serving layer combines them (values of the partitions add up: clicks
 * are keyed by user, so the partitions' visitors are disjoint too). Final results (fired, late
 * updates) are published at once; provisional ones are coalesced and published by {@link #flush()},
 * once per window and interval, only when the window changed. Windows far behind the newest one are
 * forgotten, and so are the oldest ones whenever the windows tracked take more than {@code
 * maxBytes} (many keys, long page keys), so memory stays bounded in time and in bytes.
 */
public final class LiveWindowFeed implements LiveUpdates {

  /** How far behind the newest window end a window is still tracked. */
  static final long RETENTION_MS = 2 * 60 * 60_000L;

  /** Bytes of tracked windows by default: some ten thousand windows of long page keys. */
  static final long DEFAULT_MAX_BYTES = 16L << 20;

  /** Heap bytes of one tracked window besides its key's text (entries, records, boxed values). */
  private static final int WINDOW_BYTES = 300;

  private final LiveHub hub;
  private final int maxPerFlush;
  private final long maxBytes;
  private long bytes;
  private final Map<WindowId, Combined> windows = new HashMap<>();
  private final Map<WindowId, WindowResult<String, Long>> changed = new LinkedHashMap<>();
  private long newestEnd = Long.MIN_VALUE;

  /**
   * A feed publishing to {@code hub}.
   *
   * @param maxPerFlush most window messages one {@link #flush()} publishes
   */
  public LiveWindowFeed(LiveHub hub, int maxPerFlush) {
    this(hub, maxPerFlush, DEFAULT_MAX_BYTES);
  }

  /**
   * A feed publishing to {@code hub}.
   *
   * @param maxPerFlush most window messages one {@link #flush()} publishes
   * @param maxBytes most bytes of tracked windows (an estimate): beyond, the oldest are forgotten
   */
  public LiveWindowFeed(LiveHub hub, int maxPerFlush, long maxBytes) {
    if (maxPerFlush < 1) {
      throw new IllegalArgumentException("max-per-flush must be positive: " + maxPerFlush);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("max-bytes must be positive: " + maxBytes);
    }
    this.hub = hub;
    this.maxPerFlush = maxPerFlush;
    this.maxBytes = maxBytes;
  }

  @Override
  public synchronized void accept(int partition, WindowResult<?, ?> result) {
    combine(partition, result);
  }

  /**
   * Publishes the latest value of up to {@code maxPerFlush} changed windows, together: one frame
   * for the clients.
   */
  public void flush() {
    hub.publishAll(drain().stream().map(LiveMessage::window).toList());
  }

  /** Windows changed and not yet published. */
  public synchronized int pending() {
    return changed.size();
  }

  /** Windows tracked now. */
  public synchronized int tracked() {
    return windows.size();
  }

  /** Bytes the tracked windows take, an estimate. */
  public synchronized long bytes() {
    return bytes;
  }

  private synchronized List<WindowResult<String, Long>> drain() {
    List<WindowResult<String, Long>> batch = new ArrayList<>(Math.min(maxPerFlush, changed.size()));
    for (Iterator<WindowResult<String, Long>> it = changed.values().iterator();
        it.hasNext() && batch.size() < maxPerFlush; ) {
      batch.add(it.next());
      it.remove();
    }
    return batch;
  }

  private void combine(int partition, WindowResult<?, ?> r) {
    WindowId id = new WindowId(r.computation(), String.valueOf(r.key()), r.windowStart());
    Combined window = windows.get(id);
    if (window == null) {
      window = new Combined(new HashMap<>());
      windows.put(id, window);
      bytes += cost(id);
    }
    window.byPartition().put(partition, value(r.result()));
    long total = window.byPartition().values().stream().mapToLong(Long::longValue).sum();
    WindowResult<String, Long> combined =
        new WindowResult<>(
            id.computation(),
            id.key(),
            r.windowStart(),
            r.windowEnd(),
            total,
            r.revision(),
            r.kind());
    // a window waiting keeps its place in the queue and takes the latest value
    changed.put(id, combined);
    if (r.windowEnd() > newestEnd) {
      newestEnd = r.windowEnd();
      forgetOldWindows();
    }
    if (bytes > maxBytes) {
      forgetOldestWindows();
    }
  }

  private void forgetOldWindows() {
    long horizon = newestEnd - RETENTION_MS;
    for (Iterator<WindowId> ids = windows.keySet().iterator(); ids.hasNext(); ) {
      WindowId id = ids.next();
      if (id.windowStart() < horizon) {
        forget(ids, id);
      }
    }
  }

  /**
   * Forgets the windows that started first until a tenth of the bound is free, so that the sort is
   * paid once per many new windows.
   */
  private void forgetOldestWindows() {
    List<WindowId> oldestFirst = new ArrayList<>(windows.keySet());
    oldestFirst.sort(Comparator.comparingLong(WindowId::windowStart));
    long target = maxBytes - maxBytes / 10;
    for (WindowId id : oldestFirst) {
      if (bytes <= target) {
        return;
      }
      windows.remove(id);
      changed.remove(id);
      bytes -= cost(id);
    }
  }

  private void forget(Iterator<WindowId> ids, WindowId id) {
    ids.remove();
    changed.remove(id);
    bytes -= cost(id);
  }

  private static long cost(WindowId id) {
    return WINDOW_BYTES + 2L * (id.key().length() + id.computation().length());
  }

  static long value(Object result) {
    if (result instanceof Number number) {
      return number.longValue();
    }
    if (result instanceof Visitors visitors) {
      return visitors.visitors();
    }
    throw new IllegalArgumentException("no live value for " + result.getClass().getName());
  }

  private record WindowId(String computation, String key, long windowStart) {}

  private record Combined(Map<Integer, Long> byPartition) {}
}
