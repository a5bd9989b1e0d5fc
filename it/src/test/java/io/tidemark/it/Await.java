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
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not reached within " + timeout + ": " + message.get());
      }
      LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
    }
  }
}
