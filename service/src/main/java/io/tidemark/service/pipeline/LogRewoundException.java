package io.tidemark.service.pipeline;

import org.apache.kafka.common.TopicPartition;

/**
 * The position stored with the serving tables lies outside the partition's log: the log the tables
 * were computed from is gone (the topic was deleted and created again, or records were deleted
 * before they were consumed). Consuming would skip records without a trace, so the pipeline
 * refuses.
 */
final class LogRewoundException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  LogRewoundException(
      TopicPartition partition,
      long stored,
      long logStart,
      long logEnd,
      PipelineSettings settings) {
    super(
        "Partition "
            + partition
            + ": the tables hold the results up to offset "
            + stored
            + ", but the log now spans offsets "
            + logStart
            + " to "
            + logEnd
            + (stored > logEnd
                ? " (the topic was deleted and created again, or truncated)"
                : " (records were deleted before they were consumed)")
            + ". Refusing to consume, so that no record is skipped silently. To start over from"
            + " this log, rebuild the tables (e.g. reprocess into a new version), or delete the"
            + " rows of pipeline '"
            + settings.name()
            + "' in input_offsets and window_checkpoints.");
  }
}
