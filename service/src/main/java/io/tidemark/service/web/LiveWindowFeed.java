package io.tidemark.service.web;

import io.tidemark.http.live.LiveHub;
import io.tidemark.http.live.LiveMessage;
import io.tidemark.service.pipeline.LiveUpdates;
import io.tidemark.streams.clicks.Visitors;
import io.tidemark.streams.time.WindowResult;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Window results of the pipeline's partitions, combined for the live feed the way the serving layer
 * combines them (values of the partitions add up: clicks are keyed by user, so the partitions'
 * visitors are disjoint too). Final results (fired, late updates) are published at once;
 * provisional ones are coalesced and published by {@link #flush()}, once per window and interval,
 * only when the window changed. Windows far behind the newest one are forgotten, so memory stays
 * bounded.
 */
public final class LiveWindowFeed implements LiveUpdates {

  /** How far behind the newest window end a window is still tracked. */
  static final long RETENTION_MS = 2 * 60 * 60_000L;

  private final LiveHub hub;
  private final Map<WindowId, Combined> windows = new HashMap<>();
  private final Map<WindowId, WindowResult<String, Long>> provisional = new LinkedHashMap<>();
  private long newestEnd = Long.MIN_VALUE;

  public LiveWindowFeed(LiveHub hub) {
    this.hub = hub;
  }

  @Override
  public void accept(int partition, WindowResult<?, ?> result) {
    WindowResult<String, Long> combined = combine(partition, result);
    if (combined.isFinal()) {
      hub.publish(LiveMessage.window(combined));
    }
  }

  /** Publishes the provisional values that changed since the previous flush. */
  public void flush() {
    for (WindowResult<String, Long> result : drain()) {
      hub.publish(LiveMessage.window(result));
    }
  }

  /** Windows tracked now. */
  public synchronized int tracked() {
    return windows.size();
  }

  private synchronized Iterable<WindowResult<String, Long>> drain() {
    var pending = java.util.List.copyOf(provisional.values());
    provisional.clear();
    return pending;
  }

  private synchronized WindowResult<String, Long> combine(int partition, WindowResult<?, ?> r) {
    WindowId id = new WindowId(r.computation(), String.valueOf(r.key()), r.windowStart());
    Combined window = windows.computeIfAbsent(id, k -> new Combined(new HashMap<>()));
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
    if (combined.isFinal()) {
      provisional.remove(id);
    } else {
      provisional.put(id, combined);
    }
    if (r.windowEnd() > newestEnd) {
      newestEnd = r.windowEnd();
      forgetOldWindows();
    }
    return combined;
  }

  private void forgetOldWindows() {
    long horizon = newestEnd - RETENTION_MS;
    for (Iterator<WindowId> ids = windows.keySet().iterator(); ids.hasNext(); ) {
      WindowId id = ids.next();
      if (id.windowStart() < horizon) {
        ids.remove();
        provisional.remove(id);
      }
    }
  }

  private static long value(Object result) {
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
