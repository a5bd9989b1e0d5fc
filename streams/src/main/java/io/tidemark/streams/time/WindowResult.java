package io.tidemark.streams.time;

/**
 * The value of one window of one computation, as of a firing, a late update or an early
 * (provisional) firing.
 *
 * @param computation the computation's {@link WindowAggregation#name()}
 * @param key the window key
 * @param windowStart start of the window, epoch ms, inclusive
 * @param windowEnd end of the window, epoch ms, exclusive
 * @param result the aggregation's result, immutable
 * @param revision 1 at the firing, +1 with every late update; 0 for provisional values
 * @param kind why the result was emitted
 * @param <K> the key type
 * @param <R> the result type
 */
public record WindowResult<K, R>(
    String computation, K key, long windowStart, long windowEnd, R result, int revision, Kind kind)
    implements WindowOutput {

  /** Why a result was emitted. */
  public enum Kind {
    /** The watermark reached the window's end: first final value, revision 1. */
    FIRED,
    /** An in-time late event changed a fired window: the final value again, revision + 1. */
    LATE_UPDATE,
    /** Early firing of a window still open: live value only, never stored, revision 0. */
    PROVISIONAL
  }

  /** True for values that belong in the serving tables ({@code FIRED} and {@code LATE_UPDATE}). */
  public boolean isFinal() {
    return kind != Kind.PROVISIONAL;
  }
}
