package io.tidemark.persistence.serving;

import java.util.Optional;

/**
 * Where a pipeline stands on one input partition: the next offset to consume and the open windows
 * as of just before it, both written by the same transaction.
 *
 * @param nextOffset next offset to consume; empty when nothing was ever committed
 * @param snapshot serialized window snapshot; empty when none was stored
 */
public record PartitionPosition(Optional<Long> nextOffset, Optional<byte[]> snapshot) {

  /** The position of a partition the pipeline never committed: the beginning, no windows. */
  public static PartitionPosition beginning() {
    return new PartitionPosition(Optional.empty(), Optional.empty());
  }

  /** The offset to start consuming at (0 for the beginning). */
  public long startOffset() {
    return nextOffset.orElse(0L);
  }
}
