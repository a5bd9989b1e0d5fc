package io.tidemark.persistence.serving;

/** How a {@link ServingBatch} commit ended. */
public enum CommitOutcome {
  /** The batch, its offsets and checkpoint are stored. */
  COMMITTED,
  /**
   * The partition's offset already stood at the batch's next offset: an earlier attempt whose
   * acknowledgement was lost committed it (or another owner computed the same range, with the same
   * result, since processing is deterministic). Nothing was written.
   */
  ALREADY_COMMITTED,
  /** Another consumer moved the partition's offset: this one no longer owns it. Nothing written. */
  FENCED
}
