package io.tidemark.streams.clicks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import io.tidemark.streams.clicks.UniqueVisitors.Estimator;
import io.tidemark.streams.time.WindowSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClickstreamSettingsTest {

  @Test
  void referenceConfHoldsTheSpecDefaults() {
    ClickstreamSettings settings = ClickstreamSettings.create(ConfigFactory.load());
    assertEquals(
        new ClickstreamSettings(
            WindowSettings.defaults(),
            Duration.ofMinutes(1),
            Duration.ofMinutes(5),
            Estimator.HLL,
            14),
        settings);
  }

  @Test
  void keysCanBeOverridden() {
    ClickstreamSettings settings =
        ClickstreamSettings.create(
            ConfigFactory.parseString(
                    "tidemark.streams.visitors { estimator = exact, lg-k = 12 }\n"
                        + "tidemark.streams.windows.allowed-lateness = 2m\n"
                        + "tidemark.streams.windows.checkpoint-interval = 1s")
                .withFallback(ConfigFactory.load()));
    assertEquals(Estimator.EXACT, settings.estimator());
    assertEquals(12, settings.lgK());
    assertEquals(Duration.ofMinutes(2), settings.windows().allowedLateness());
    assertEquals(Duration.ofSeconds(1), settings.windows().checkpointInterval());
  }

  @Test
  void unknownEstimatorIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ClickstreamSettings.create(
                ConfigFactory.parseString("tidemark.streams.visitors.estimator = magic")
                    .withFallback(ConfigFactory.load())));
  }
}
