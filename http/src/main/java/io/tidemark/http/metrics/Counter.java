package io.tidemark.http.metrics;

import java.util.concurrent.atomic.LongAdder;

/** A monotonically increasing count (one label combination of a counter family); thread-safe. */
public final class Counter {

  private final LongAdder value = new LongAdder();

  /** Adds one. */
  public void inc() {
    value.increment();
  }

  /** Adds {@code amount}, which must not be negative. */
  public void inc(long amount) {
    if (amount < 0) {
      throw new IllegalArgumentException("a counter never decreases: " + amount);
    }
    value.add(amount);
  }

  /** The current count. */
  public long value() {
    return value.sum();
  }
}
