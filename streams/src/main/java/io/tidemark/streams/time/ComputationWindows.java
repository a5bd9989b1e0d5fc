package io.tidemark.streams.time;

import io.tidemark.streams.time.WindowResult.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The open windows of one computation in one partition, ordered by start then key, and the rules
 * that add to, fire and purge them. Driven by {@link WindowOperator}, which owns the watermark.
 *
 * <p>Invariant between two records: every window whose end is at or below the watermark has fired.
 */
final class ComputationWindows<E, K extends Comparable<K>, A, R> {

  /** One window's accumulator and revision (0 until it fires). */
  private static final class Slot<A> {
    A accumulator;
    int revision;

    Slot(A accumulator, int revision) {
      this.accumulator = accumulator;
      this.revision = revision;
    }
  }

  /**
   * The windows of one start: ordered by key for firing, snapshots and early firings, and hashed
   * for the lookup every record makes (a tree lookup compares long URL keys many times over).
   */
  private static final class Group<K, A> {
    final NavigableMap<K, Slot<A>> ordered = new TreeMap<>();
    final Map<K, Slot<A>> index = new HashMap<>();

    Slot<A> get(K key) {
      return index.get(key);
    }

    void put(K key, Slot<A> slot) {
      ordered.put(key, slot);
      index.put(key, slot);
    }
  }

  private final WindowAggregation<E, K, A, R> aggregation;
  private final long size;
  private final long allowedLateness;
  private final NavigableMap<Long, Group<K, A>> windows = new TreeMap<>();

  /** A window created or fed at or below the watermark that never fired: fires in this step. */
  private Slot<A> due;

  private K dueKey;
  private long dueStart;

  ComputationWindows(WindowAggregation<E, K, A, R> aggregation, long allowedLateness) {
    long size = aggregation.sizeMillis();
    if (size <= 0 || size >= WindowSettings.MAX_MILLIS) {
      throw new IllegalArgumentException(aggregation.name() + ": bad window size " + size);
    }
    this.aggregation = aggregation;
    this.size = size;
    this.allowedLateness = allowedLateness;
  }

  String name() {
    return aggregation.name();
  }

  /**
   * Adds an event unless it is too late at {@code watermark} (the watermark before this record);
   * emits a late update when its window has fired already.
   *
   * @return false when the event was too late for this computation
   */
  boolean add(long ts, E event, long watermark, Consumer<? super WindowResult<?, ?>> out) {
    long start = ts - Math.floorMod(ts, size);
    long end = start + size;
    if (watermark >= end + allowedLateness) {
      return false;
    }
    K key = aggregation.key(event);
    Group<K, A> group = windows.computeIfAbsent(start, s -> new Group<>());
    Slot<A> slot = group.get(key);
    if (slot == null) {
      slot = new Slot<>(aggregation.createAccumulator(), 0);
      group.put(key, slot);
    }
    slot.accumulator = aggregation.add(slot.accumulator, event);
    if (slot.revision > 0) {
      slot.revision++;
      out.accept(result(key, start, slot, Kind.LATE_UPDATE));
    } else if (end <= watermark) {
      due = slot;
      dueKey = key;
      dueStart = start;
    }
    return true;
  }

  /**
   * Fires the windows the watermark's move from {@code before} to {@code after} closes (and a
   * window made due by this record), then purges those past their allowed lateness.
   */
  void advance(long before, long after, Consumer<? super WindowResult<?, ?>> out) {
    if (due != null) {
      fire(dueKey, dueStart, due, out);
      due = null;
      dueKey = null;
    }
    if (after <= before) {
      return;
    }
    // Windows ending in (before, after]: their start is in (before - size, after - size].
    long lastStart = minus(after, size);
    Long first = windows.higherKey(minus(before, size));
    if (first != null && first <= lastStart) {
      for (Map.Entry<Long, Group<K, A>> group :
          windows.subMap(first, true, lastStart, true).entrySet()) {
        for (Map.Entry<K, Slot<A>> window : group.getValue().ordered.entrySet()) {
          if (window.getValue().revision == 0) {
            fire(window.getKey(), group.getKey(), window.getValue(), out);
          }
        }
      }
    }
    // Purged once end + allowedLateness <= watermark: start <= after - size - allowedLateness.
    long lastPurged = minus(lastStart, allowedLateness);
    while (!windows.isEmpty() && windows.firstKey() <= lastPurged) {
      windows.pollFirstEntry();
    }
  }

  /** Emits the current value of every window that has not fired, as {@code PROVISIONAL}. */
  void provisional(long watermark, Consumer<? super WindowResult<?, ?>> out) {
    for (Map.Entry<Long, Group<K, A>> group :
        windows.tailMap(minus(watermark, size), false).entrySet()) {
      for (Map.Entry<K, Slot<A>> window : group.getValue().ordered.entrySet()) {
        out.accept(result(window.getKey(), group.getKey(), window.getValue(), Kind.PROVISIONAL));
      }
    }
  }

  int windowCount() {
    int count = 0;
    for (Group<K, A> group : windows.values()) {
      count += group.ordered.size();
    }
    return count;
  }

  WindowSnapshot.ComputationState snapshot() {
    List<WindowSnapshot.Window> state = new ArrayList<>();
    for (Map.Entry<Long, Group<K, A>> group : windows.entrySet()) {
      for (Map.Entry<K, Slot<A>> window : group.getValue().ordered.entrySet()) {
        Slot<A> slot = window.getValue();
        state.add(
            new WindowSnapshot.Window(
                aggregation.serializeKey(window.getKey()),
                group.getKey(),
                slot.revision,
                aggregation.serializeAccumulator(slot.accumulator)));
      }
    }
    return new WindowSnapshot.ComputationState(aggregation.name(), size, state);
  }

  void restore(WindowSnapshot.ComputationState state, long watermark) {
    if (state.sizeMillis() != size) {
      throw new IllegalArgumentException(
          name() + ": snapshot window size " + state.sizeMillis() + " != " + size);
    }
    windows.clear();
    for (WindowSnapshot.Window w : state.windows()) {
      boolean closed = w.windowStart() <= minus(watermark, size);
      if (Math.floorMod(w.windowStart(), size) != 0
          || w.revision() < 0
          || (closed && w.revision() == 0)) {
        throw new IllegalArgumentException(name() + ": bad window in snapshot " + w);
      }
      windows
          .computeIfAbsent(w.windowStart(), s -> new Group<>())
          .put(
              aggregation.deserializeKey(w.key()),
              new Slot<>(aggregation.deserializeAccumulator(w.accumulator()), w.revision()));
    }
  }

  void clear() {
    windows.clear();
    due = null;
    dueKey = null;
  }

  private void fire(K key, long start, Slot<A> slot, Consumer<? super WindowResult<?, ?>> out) {
    slot.revision = 1;
    out.accept(result(key, start, slot, Kind.FIRED));
  }

  private WindowResult<K, R> result(K key, long start, Slot<A> slot, Kind kind) {
    int revision = kind == Kind.PROVISIONAL ? 0 : slot.revision;
    return new WindowResult<>(
        aggregation.name(),
        key,
        start,
        start + size,
        aggregation.result(slot.accumulator),
        revision,
        kind);
  }

  /** {@code a - b} for {@code b >= 0}, saturating at {@link Long#MIN_VALUE}. */
  private static long minus(long a, long b) {
    return a < Long.MIN_VALUE + b ? Long.MIN_VALUE : a - b;
  }
}
