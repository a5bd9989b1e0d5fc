package io.tidemark.http.metrics;

import java.util.concurrent.atomic.AtomicLong;

/** A value that goes up and down (one label combination of a gauge family); thread-safe. */
public final class Gauge {

  private final AtomicLong value = new AtomicLong();

  /** Sets the value. */
  public void set(long newValue) {
    value.set(newValue);
  }

  /** Adds one. */
  public void inc() {
    value.incrementAndGet();
  }

  /** Subtracts one. */
  public void dec() {
    value.decrementAndGet();
  }

  /** The current value. */
  public long value() {
    return value.get();
  }
}
