package io.tidemark.it;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting for a condition with a deadline, polling it at a short interval. */
final class Await {

  private Await() {}

  /** Returns once {@code condition} holds; fails with {@code message()} at the deadline. */
  static void until(Duration timeout, BooleanSupplier condition, Supplier<String> message) {
    poll(timeout, Duration.ofMillis(200), condition, message);
  }

  /**
   * As {@link #until}, polling every 10 ms: for a trigger that must act soon after the condition
   * starts to hold, e.g. killing a process mid-stream once a share of the input is committed, while
   * the pipeline drains tens of thousands of records per second.
   */
  static void closely(Duration timeout, BooleanSupplier condition, Supplier<String> message) {
    poll(timeout, Duration.ofMillis(10), condition, message);
  }

  private static void poll(
      Duration timeout, Duration interval, BooleanSupplier condition, Supplier<String> message) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not reached within " + timeout + ": " + message.get());
      }
      LockSupport.parkNanos(interval.toNanos());
    }
  }
}
