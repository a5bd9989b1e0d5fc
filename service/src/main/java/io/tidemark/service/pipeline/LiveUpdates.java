package io.tidemark.service.pipeline;

import io.tidemark.streams.time.WindowResult;

/**
 * Where the pipeline sends window results as they leave a partition's window stage, for the live
 * feed (SPEC §6.2 {@code /ws/live}): provisional values of open windows and final values (fired,
 * late updates), the latter before they are committed. Values are those of one partition; a
 * consumer combines partitions like the serving layer does. Called on stream threads: must not
 * block.
 */
@FunctionalInterface
public interface LiveUpdates {

  /** Ignores everything; with it the pipeline turns early firings off. */
  LiveUpdates NONE = (partition, result) -> {};

  /** One result of one partition. */
  void accept(int partition, WindowResult<?, ?> result);
}
