package io.tidemark.it;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Stopping the processes the tests start. */
final class Processes {

  private Processes() {}

  /**
   * SIGTERM, then SIGKILL if {@code process} has not exited within {@code grace}; waits for it up
   * to {@code grace} again. An interrupt kills it at once and keeps the interrupt flag.
   */
  static void stop(Process process, Duration grace) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
