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
 * behind the newest are forgotten, so memory stays bounded.
 */
final class PartitionWindows implements LiveUpdates {

  private final Map<Key, PartitionWindow> changed = new LinkedHashMap<>();
  private final Map<Key, PartitionWindow> drained = new HashMap<>();
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
    changed.put(key, window);
    newestEnd = Math.max(newestEnd, window.windowEnd());
  }

  /** The windows changed since the previous drain, in the order they first changed. */
  synchronized List<PartitionWindow> drain() {
    List<PartitionWindow> windows = new ArrayList<>(changed.values());
    drained.putAll(changed);
    changed.clear();
    if (newestEnd != prunedAt) {
      prunedAt = newestEnd;
      long horizon = newestEnd - LiveWindowFeed.RETENTION_MS;
      for (Iterator<Key> keys = drained.keySet().iterator(); keys.hasNext(); ) {
        if (keys.next().windowStart() < horizon) {
          keys.remove();
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
