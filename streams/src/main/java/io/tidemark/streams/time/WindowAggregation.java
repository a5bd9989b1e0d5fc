package io.tidemark.streams.time;

import java.util.function.Function;

/**
 * One windowed computation over a stream of events, in the style of Flink's {@code
 * AggregateFunction}: how to key an event, how to fold it into a per-window accumulator, and how to
 * turn an accumulator into an immutable result. The {@link WindowOperator} owns the windows, the
 * watermark and the firing; an aggregation only says what a window computes.
 *
 * <p>Accumulators may be mutable ({@link #add} may update in place and return its argument); {@link
 * #result} must return a value that later {@code add} calls do not change. Accumulators and keys
 * are serialized for checkpoints ({@link WindowSnapshot}), so a restarted pipeline continues
 * exactly where it stopped.
 *
 * @param <E> the event type
 * @param <K> the window key; its natural order is the emission order among windows of one start,
 *     and its {@code equals} and {@code hashCode} agree with that order (keys are hashed too)
 * @param <A> the accumulator
 * @param <R> the result of a window
 */
public interface WindowAggregation<E, K extends Comparable<K>, A, R> {

  /** Name of the computation, used in results, snapshots and {@code TOO_LATE} details. */
  String name();

  /** Size of the tumbling windows in milliseconds, positive. */
  long sizeMillis();

  /** The key of an event's window. */
  K key(E event);

  /** A new, empty accumulator. */
  A createAccumulator();

  /** Folds one event into an accumulator and returns it (possibly the same instance). */
  A add(A accumulator, E event);

  /** The current result of an accumulator, unaffected by later {@link #add} calls. */
  R result(A accumulator);

  /** The accumulator as bytes, read back by {@link #deserializeAccumulator}. */
  byte[] serializeAccumulator(A accumulator);

  /** Reads an accumulator written by {@link #serializeAccumulator}. */
  A deserializeAccumulator(byte[] bytes);

  /** The key as bytes, read back by {@link #deserializeKey}. */
  byte[] serializeKey(K key);

  /** Reads a key written by {@link #serializeKey}. */
  K deserializeKey(byte[] bytes);

  /**
   * This computation over events of another type that carry an {@code E}: e.g. a decoded click
   * together with the original record bytes, so that a {@code TOO_LATE} verdict can dead-letter the
   * record as it was received.
   */
  default <T> WindowAggregation<T, K, A, R> on(Function<? super T, ? extends E> view) {
    WindowAggregation<E, K, A, R> self = this;
    return new WindowAggregation<>() {
      @Override
      public String name() {
        return self.name();
      }

      @Override
      public long sizeMillis() {
        return self.sizeMillis();
      }

      @Override
      public K key(T event) {
        return self.key(view.apply(event));
      }

      @Override
      public A createAccumulator() {
        return self.createAccumulator();
      }

      @Override
      public A add(A accumulator, T event) {
        return self.add(accumulator, view.apply(event));
      }

      @Override
      public R result(A accumulator) {
        return self.result(accumulator);
      }

      @Override
      public byte[] serializeAccumulator(A accumulator) {
        return self.serializeAccumulator(accumulator);
      }

      @Override
      public A deserializeAccumulator(byte[] bytes) {
        return self.deserializeAccumulator(bytes);
      }

      @Override
      public byte[] serializeKey(K key) {
        return self.serializeKey(key);
      }

      @Override
      public K deserializeKey(byte[] bytes) {
        return self.deserializeKey(bytes);
      }
    };
  }
}
