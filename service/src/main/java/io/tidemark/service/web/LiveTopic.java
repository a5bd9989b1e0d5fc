package io.tidemark.service.web;

import io.tidemark.http.live.LiveMessage;
import io.tidemark.persistence.CborSerializable;
import io.tidemark.streams.time.WindowResult;
import java.util.List;

/**
 * What the nodes of a cluster tell each other for the live feed, over the Pekko distributed pub-sub
 * topic {@link #NAME}: each node publishes the window results of the partitions it consumes and its
 * own statistics; each node subscribes and combines what all nodes publish for its own WebSocket
 * clients (see {@link ClusterLiveFeed}). Jackson CBOR on the wire.
 */
public sealed interface LiveTopic extends CborSerializable {

  /** Name of the topic. */
  String NAME = "tidemark-live";

  /** The node that published the message, its actor system's address. */
  String node();

  /**
   * Window results of some of the node's partitions since its previous flush, the latest per window
   * and partition.
   */
  record Windows(String node, List<PartitionWindow> windows) implements LiveTopic {

    public Windows {
      windows = List.copyOf(windows);
    }
  }

  /** The node's own statistics: its consumption, dead letters, partitions, entities, clients. */
  record NodeStats(String node, LiveMessage.Stats stats) implements LiveTopic {}

  /**
   * The value of one window in one input partition, as {@link WindowResult} has it.
   *
   * @param partition the input partition whose records the value counts
   * @param computation {@code pageviews} or {@code visitors}
   * @param key the window key, as text
   * @param windowStart epoch ms, inclusive
   * @param windowEnd epoch ms, exclusive
   * @param value views, or distinct visitors
   * @param revision 0 while provisional, then 1, 2... for the firing and late updates
   * @param kind why the value was emitted
   */
  record PartitionWindow(
      int partition,
      String computation,
      String key,
      long windowStart,
      long windowEnd,
      long value,
      int revision,
      WindowResult.Kind kind) {

    /** The partition's result, its value as a number. */
    static PartitionWindow of(int partition, WindowResult<?, ?> result) {
      return new PartitionWindow(
          partition,
          result.computation(),
          String.valueOf(result.key()),
          result.windowStart(),
          result.windowEnd(),
          LiveWindowFeed.value(result.result()),
          result.revision(),
          result.kind());
    }

    /** Back to a window result, for {@link LiveWindowFeed#accept}. */
    WindowResult<String, Long> result() {
      return new WindowResult<>(computation, key, windowStart, windowEnd, value, revision, kind);
    }
  }
}
