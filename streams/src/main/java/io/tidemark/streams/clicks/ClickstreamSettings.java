package io.tidemark.streams.clicks;

import com.typesafe.config.Config;
import io.tidemark.streams.clicks.UniqueVisitors.Estimator;
import io.tidemark.streams.time.WindowSettings;
import java.time.Duration;
import java.util.Locale;

/**
 * Settings of the clickstream computations, read once from {@code tidemark.streams} (reference.conf
 * documents every key).
 *
 * @param windows event-time settings shared by both computations
 * @param pageViewsWindow window size of page views (1 min)
 * @param visitorsWindow window size of unique visitors (5 min)
 * @param estimator how unique visitors are counted
 * @param lgK log2 of the HLL register count (14)
 */
public record ClickstreamSettings(
    WindowSettings windows,
    Duration pageViewsWindow,
    Duration visitorsWindow,
    Estimator estimator,
    int lgK) {

  public ClickstreamSettings {
    if (pageViewsWindow.toMillis() <= 0 || visitorsWindow.toMillis() <= 0) {
      throw new IllegalArgumentException("window sizes must be positive");
    }
  }

  /** Reads {@code tidemark.streams.windows}, {@code .pageviews} and {@code .visitors}. */
  public static ClickstreamSettings create(Config config) {
    Config streams = config.getConfig("tidemark.streams");
    return new ClickstreamSettings(
        WindowSettings.create(config),
        streams.getDuration("pageviews.window"),
        streams.getDuration("visitors.window"),
        estimator(streams.getString("visitors.estimator")),
        streams.getInt("visitors.lg-k"));
  }

  /** The same settings with another estimator. */
  public ClickstreamSettings withEstimator(Estimator other) {
    return new ClickstreamSettings(windows, pageViewsWindow, visitorsWindow, other, lgK);
  }

  /** The same settings with other event-time settings. */
  public ClickstreamSettings withWindows(WindowSettings other) {
    return new ClickstreamSettings(other, pageViewsWindow, visitorsWindow, estimator, lgK);
  }

  private static Estimator estimator(String value) {
    try {
      return Estimator.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "tidemark.streams.visitors.estimator must be hll or exact: " + value, e);
    }
  }
}
