package io.tidemark.persistence.fraud;

import com.typesafe.config.Config;

/**
 * Parameters of the fraud rule of SPEC §3.3, read once from {@code tidemark.fraud} in the
 * configuration (defaults in this module's {@code reference.conf}).
 *
 * @param windowMillis length of the sliding window: a transaction's window is {@code (ts -
 *     windowMillis, ts]}; positive
 * @param maxCountries a transaction is flagged when its window holds more than this many distinct
 *     countries; at least 1
 * @param allowedLatenessMillis a transaction with {@code ts < maxTs - allowedLatenessMillis} is too
 *     late; not negative
 */
public record FraudSettings(long windowMillis, int maxCountries, long allowedLatenessMillis) {

  /** Configuration section read by {@link #create(Config)}. */
  public static final String CONFIG_PATH = "tidemark.fraud";

  public FraudSettings {
    if (windowMillis <= 0) {
      throw new IllegalArgumentException("window must be positive, was " + windowMillis + " ms");
    }
    if (maxCountries < 1) {
      throw new IllegalArgumentException("max-countries must be at least 1, was " + maxCountries);
    }
    if (allowedLatenessMillis < 0) {
      throw new IllegalArgumentException(
          "allowed-lateness must not be negative, was " + allowedLatenessMillis + " ms");
    }
  }

  /** The defaults of SPEC §3.3: more than 3 countries in 10 minutes, 5 minutes of lateness. */
  public static FraudSettings defaults() {
    return new FraudSettings(10 * 60_000L, 3, 5 * 60_000L);
  }

  /**
   * Reads {@code tidemark.fraud.window}, {@code max-countries} and {@code allowed-lateness}.
   *
   * @param config the application configuration (its root, not the {@code tidemark.fraud} section),
   *     e.g. {@code system.settings().config()}
   */
  public static FraudSettings create(Config config) {
    Config fraud = config.getConfig(CONFIG_PATH);
    return new FraudSettings(
        fraud.getDuration("window").toMillis(),
        fraud.getInt("max-countries"),
        fraud.getDuration("allowed-lateness").toMillis());
  }

  /** The rule's name as alerts carry it (SPEC §4.2), e.g. {@code more-than-3-countries-in-10m}. */
  public String rule() {
    return "more-than-" + maxCountries + "-countries-in-" + formatDuration(windowMillis);
  }

  /** Largest whole unit of h, m, s, ms that expresses the duration exactly, as HOCON writes it. */
  private static String formatDuration(long millis) {
    if (millis % 3_600_000L == 0) {
      return millis / 3_600_000L + "h";
    }
    if (millis % 60_000L == 0) {
      return millis / 60_000L + "m";
    }
    if (millis % 1_000L == 0) {
      return millis / 1_000L + "s";
    }
    return millis + "ms";
  }
}
