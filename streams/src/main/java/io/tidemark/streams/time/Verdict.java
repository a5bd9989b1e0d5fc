package io.tidemark.streams.time;

import java.util.Set;

/**
 * What became of one input record: emitted exactly once per record, after the results it caused.
 * The record counts in every computation except those in {@code tooLateFor}; when that set is not
 * empty it is one {@code TOO_LATE} dead letter whose detail is {@link #detail()}.
 *
 * @param offset the record's offset in its partition
 * @param event the record's event
 * @param tooLateFor names of the computations the record was too late for, in computation order
 * @param watermark the partition's watermark after the record (for metrics: watermark and lag)
 * @param <E> the event type
 */
public record Verdict<E>(long offset, E event, Set<String> tooLateFor, long watermark)
    implements WindowOutput {

  /** True when the record was too late for at least one computation. */
  public boolean isTooLate() {
    return !tooLateFor.isEmpty();
  }

  /** Whether the record counted in the named computation. */
  public boolean countedIn(String computation) {
    return !tooLateFor.contains(computation);
  }

  /** The dead letter detail: the computations it was too late for, comma separated. */
  public String detail() {
    return String.join(",", tooLateFor);
  }
}
