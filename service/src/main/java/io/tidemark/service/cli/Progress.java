package io.tidemark.service.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A progress line printed to stderr at a fixed interval while a long command runs, so that a person
 * (or a CI log) sees it is alive and how fast it goes. Closing it stops the printing.
 */
public final class Progress implements AutoCloseable {

  private final ScheduledExecutorService timer;

  private Progress(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /** Prints {@code line.get()} every {@code interval}, first after one interval. */
  public static Progress every(Duration interval, PrintStream out, Supplier<String> line) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tidemark-progress");
              t.setDaemon(true);
              return t;
            });
    long millis = interval.toMillis();
    timer.scheduleAtFixedRate(() -> out.println(line.get()), millis, millis, TimeUnit.MILLISECONDS);
    return new Progress(timer);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** A count with thousands separators, e.g. {@code 1,234,567}. */
  public static String count(long n) {
    return String.format("%,d", n);
  }

  /** Events per second, rounded, with thousands separators. */
  public static String rate(long events, long nanos) {
    return count(nanos <= 0 ? 0 : Math.round(events * 1e9 / nanos));
  }
}
