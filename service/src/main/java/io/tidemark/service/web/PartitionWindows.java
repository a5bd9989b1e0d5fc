package io.tidemark.service.web;

import io.tidemark.service.pipeline.LiveUpdates;
import io.tidemark.service.web.LiveTopic.PartitionWindow;
import io.tidemark.streams.time.WindowResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The window results of this node's partitions waiting to be published to the cluster: the latest
 * value per window and partition since the previous {@link #drain()}, so that a node publishes each
 * window at most once per flush interval however often its partitions emit it. A provisional value
 * equal to the one last drained is skipped (early firings repeat every open window). Windows far
 * behind the newest are forgotten, and both maps are bounded in bytes: a new window that does not
 * fit before the next drain is dropped (the live feed samples, it never holds the pipeline), and
 * the memory of drained values is cleared when it is full (it only saves repeated messages).
 */
final class PartitionWindows implements LiveUpdates {

  /** Heap bytes of one window besides its key's text. */
  private static final int WINDOW_BYTES = 300;

  private final Map<Key, PartitionWindow> changed = new LinkedHashMap<>();
  private final Map<Key, PartitionWindow> drained = new HashMap<>();
  private final long maxBytes;
  private long changedBytes;
  private long drainedBytes;
  private long dropped;

  PartitionWindows() {
    this(LiveWindowFeed.DEFAULT_MAX_BYTES);
  }

  /** Windows of this node's partitions, each of the two maps within {@code maxBytes}. */
  PartitionWindows(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  private long newestEnd = Long.MIN_VALUE;
  private long prunedAt = Long.MIN_VALUE;

  @Override
  public synchronized void accept(int partition, WindowResult<?, ?> result) {
    PartitionWindow window = PartitionWindow.of(partition, result);
    Key key = new Key(partition, window.computation(), window.key(), window.windowStart());
    if (window.kind() == WindowResult.Kind.PROVISIONAL
        && !changed.containsKey(key)
        && window.equals(drained.get(key))) {
      return;
    }
    if (!changed.containsKey(key)) {
      if (changedBytes + cost(key) > maxBytes) {
        dropped++;
        return;
      }
      changedBytes += cost(key);
    }
    changed.put(key, window);
    newestEnd = Math.max(newestEnd, window.windowEnd());
  }

  /** Window updates dropped because the windows waiting for the next drain were at their bound. */
  synchronized long dropped() {
    return dropped;
  }

  private static long cost(Key key) {
    return WINDOW_BYTES + 2L * (key.key().length() + key.computation().length());
  }

  /** The windows changed since the previous drain, in the order they first changed. */
  synchronized List<PartitionWindow> drain() {
    List<PartitionWindow> windows = new ArrayList<>(changed.values());
    if (drainedBytes + changedBytes > maxBytes) {
      drained.clear();
      drainedBytes = 0;
    }
    for (Map.Entry<Key, PartitionWindow> entry : changed.entrySet()) {
      if (drained.put(entry.getKey(), entry.getValue()) == null) {
        drainedBytes += cost(entry.getKey());
      }
    }
    changed.clear();
    changedBytes = 0;
    if (newestEnd != prunedAt) {
      prunedAt = newestEnd;
      long horizon = newestEnd - LiveWindowFeed.RETENTION_MS;
      for (Iterator<Key> keys = drained.keySet().iterator(); keys.hasNext(); ) {
        Key key = keys.next();
        if (key.windowStart() < horizon) {
          keys.remove();
          drainedBytes -= cost(key);
        }
      }
    }
    return windows;
  }

  /** Windows remembered from earlier drains. */
  synchronized int remembered() {
    return drained.size();
  }

  private record Key(int partition, String computation, String key, long windowStart) {}
}
