package io.tidemark.streams.time;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Event-time settings of the window engine (SPEC §2), read from {@code tidemark.streams.windows}.
 *
 * @param maxOutOfOrderness the watermark trails the largest event time seen by this much
 * @param allowedLateness how long after firing a window still accepts late events
 * @param earlyFiringInterval how often the stage emits provisional values; zero disables
 * @param checkpointInterval how often the stage emits a {@link Checkpoint}; zero disables
 */
public record WindowSettings(
    Duration maxOutOfOrderness,
    Duration allowedLateness,
    Duration earlyFiringInterval,
    Duration checkpointInterval) {

  /** Bound on sizes and delays, so that event-time arithmetic never overflows. */
  static final long MAX_MILLIS = 1L << 60;

  public WindowSettings {
    requireRange("max-out-of-orderness", maxOutOfOrderness);
    requireRange("allowed-lateness", allowedLateness);
    requireRange("early-firing-interval", earlyFiringInterval);
    requireRange("checkpoint-interval", checkpointInterval);
  }

  /** The SPEC defaults: 5 s out of orderness, 60 s lateness, 1 s early firings, no checkpoints. */
  public static WindowSettings defaults() {
    return new WindowSettings(
        Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ZERO);
  }

  /** Reads the settings from the {@code tidemark.streams.windows} section of a configuration. */
  public static WindowSettings create(Config config) {
    Config c = config.getConfig("tidemark.streams.windows");
    return new WindowSettings(
        c.getDuration("max-out-of-orderness"),
        c.getDuration("allowed-lateness"),
        c.getDuration("early-firing-interval"),
        c.getDuration("checkpoint-interval"));
  }

  /** The same settings with another early firing interval. */
  public WindowSettings withEarlyFiringInterval(Duration interval) {
    return new WindowSettings(maxOutOfOrderness, allowedLateness, interval, checkpointInterval);
  }

  /** The same settings with another checkpoint interval. */
  public WindowSettings withCheckpointInterval(Duration interval) {
    return new WindowSettings(maxOutOfOrderness, allowedLateness, earlyFiringInterval, interval);
  }

  private static void requireRange(String name, Duration value) {
    if (value.isNegative() || value.toMillis() >= MAX_MILLIS) {
      throw new IllegalArgumentException(name + " out of range: " + value);
    }
  }
}
