package io.tidemark.persistence.fraud;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the {@link JournalCleanup}, read once from {@code tidemark.fraud.journal-cleanup}
 * (defaults in this module's {@code reference.conf}).
 *
 * @param enabled whether a node that runs the projection also runs the cleanup
 * @param interval how often it runs; positive
 * @param batchSize the most events one transaction deletes; positive
 */
public record JournalCleanupSettings(boolean enabled, Duration interval, int batchSize) {

  /** Configuration section read by {@link #create(Config)}. */
  public static final String CONFIG_PATH = "tidemark.fraud.journal-cleanup";

  public JournalCleanupSettings {
    Objects.requireNonNull(interval, "interval");
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("interval must be positive, was " + interval);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch-size must be positive, was " + batchSize);
    }
  }

  /**
   * Reads {@code tidemark.fraud.journal-cleanup}.
   *
   * @param config the application configuration (its root), e.g. {@code system.settings().config()}
   */
  public static JournalCleanupSettings create(Config config) {
    Config cleanup = config.getConfig(CONFIG_PATH);
    return new JournalCleanupSettings(
        cleanup.getBoolean("enabled"),
        cleanup.getDuration("interval"),
        cleanup.getInt("batch-size"));
  }
}
