package io.tidemark.streams.time;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The event-time window engine of one input partition (SPEC §2): a watermark and, for each of
 * several computations over the same events, their tumbling windows. Single-threaded and free of
 * clocks: its outputs depend only on the order of its input, so a replay gives the same rows as the
 * live run. The Pekko stage {@link WindowStage} wraps one instance per partition.
 *
 * <p>For each record, in order:
 *
 * <ol>
 *   <li>per computation, the record is too late when the watermark before it is at or past its
 *       window's end plus the allowed lateness; it then changes nothing there. Otherwise it is
 *       added to its window, and if that window has fired its value is emitted again at once as a
 *       {@code LATE_UPDATE} with the next revision;
 *   <li>the watermark advances to {@code ts - maxOutOfOrderness} if that is higher;
 *   <li>per computation, every window not yet fired whose end is at or below the watermark fires
 *       ({@code FIRED}, revision 1), by window start then key, and every window whose end plus the
 *       allowed lateness is at or below the watermark is purged.
 * </ol>
 *
 * At the end of a finite input the watermark becomes {@link Long#MAX_VALUE}: everything fires and
 * is purged. Memory is bounded by the windows within {@code maxOutOfOrderness + allowedLateness +
 * size} of the largest event time seen.
 *
 * @param <E> the event type
 */
public final class WindowOperator<E> {

  /** Event times beyond ±2^62 ms are refused, which keeps window arithmetic exact. */
  private static final long MAX_ABS_TS = 1L << 62;

  private final List<ComputationWindows<E, ?, ?, ?>> computations;
  private final long maxOutOfOrderness;
  private long watermark = Long.MIN_VALUE;

  private WindowOperator(List<ComputationWindows<E, ?, ?, ?>> computations, long maxOoo) {
    this.computations = computations;
    this.maxOutOfOrderness = maxOoo;
  }

  /**
   * An operator for the given computations (their names must differ), empty, watermark at {@link
   * Long#MIN_VALUE}.
   */
  public static <E> WindowOperator<E> create(
      List<? extends WindowAggregation<E, ?, ?, ?>> aggregations, WindowSettings settings) {
    long lateness = settings.allowedLateness().toMillis();
    List<ComputationWindows<E, ?, ?, ?>> computations = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (WindowAggregation<E, ?, ?, ?> aggregation : aggregations) {
      if (!names.add(aggregation.name())) {
        throw new IllegalArgumentException("duplicate computation " + aggregation.name());
      }
      computations.add(windowsOf(aggregation, lateness));
    }
    return new WindowOperator<>(List.copyOf(computations), settings.maxOutOfOrderness().toMillis());
  }

  private static <E, K extends Comparable<K>, A, R> ComputationWindows<E, K, A, R> windowsOf(
      WindowAggregation<E, K, A, R> aggregation, long allowedLateness) {
    return new ComputationWindows<>(aggregation, allowedLateness);
  }

  /**
   * Processes one valid record: emits the late updates and firings it causes to {@code out} and
   * returns the names of the computations it was too late for (empty, or in computation order).
   */
  public Set<String> onRecord(long ts, E event, Consumer<? super WindowResult<?, ?>> out) {
    if (ts > MAX_ABS_TS || ts < -MAX_ABS_TS) {
      throw new IllegalArgumentException("event time out of range: " + ts);
    }
    Set<String> tooLate = Set.of();
    for (ComputationWindows<E, ?, ?, ?> computation : computations) {
      if (!computation.add(ts, event, watermark, out)) {
        if (tooLate.isEmpty()) {
          tooLate = new LinkedHashSet<>();
        }
        tooLate.add(computation.name());
      }
    }
    advanceTo(Math.max(watermark, ts - maxOutOfOrderness), out);
    return tooLate.isEmpty() ? tooLate : Collections.unmodifiableSet(tooLate);
  }

  /** End of a finite input: the watermark becomes +∞, every window fires and is purged. */
  public void endOfInput(Consumer<? super WindowResult<?, ?>> out) {
    advanceTo(Long.MAX_VALUE, out);
  }

  /** Emits the current value of every open (unfired) window as {@code PROVISIONAL}. */
  public void provisional(Consumer<? super WindowResult<?, ?>> out) {
    for (ComputationWindows<E, ?, ?, ?> computation : computations) {
      computation.provisional(watermark, out);
    }
  }

  /** The watermark: {@link Long#MIN_VALUE} before the first record, never decreasing. */
  public long watermark() {
    return watermark;
  }

  /** Number of windows held (open, or fired and within allowed lateness), all computations. */
  public int windowCount() {
    int count = 0;
    for (ComputationWindows<E, ?, ?, ?> computation : computations) {
      count += computation.windowCount();
    }
    return count;
  }

  /** Names of the computations, in the order results and verdicts list them. */
  public List<String> computationNames() {
    return computations.stream().map(ComputationWindows::name).toList();
  }

  /** The complete state, to be restored with {@link #restore} after a restart. */
  public WindowSnapshot snapshot() {
    return new WindowSnapshot(
        watermark, computations.stream().map(ComputationWindows::snapshot).toList());
  }

  /**
   * Replaces the state by a snapshot. A computation missing from the snapshot starts empty; a
   * snapshot computation this operator does not run is ignored.
   *
   * @throws IllegalArgumentException if a computation's window size differs from the snapshot's
   */
  public void restore(WindowSnapshot snapshot) {
    for (ComputationWindows<E, ?, ?, ?> computation : computations) {
      computation.clear();
      for (WindowSnapshot.ComputationState state : snapshot.computations()) {
        if (state.name().equals(computation.name())) {
          computation.restore(state, snapshot.watermark());
        }
      }
    }
    watermark = snapshot.watermark();
  }

  private void advanceTo(long next, Consumer<? super WindowResult<?, ?>> out) {
    long before = watermark;
    watermark = next;
    for (ComputationWindows<E, ?, ?, ?> computation : computations) {
      computation.advance(before, next, out);
    }
  }
}
