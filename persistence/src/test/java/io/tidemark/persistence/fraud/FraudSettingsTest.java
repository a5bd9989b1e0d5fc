package io.tidemark.persistence.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class FraudSettingsTest {

  @Test
  void referenceConfHoldsTheSpecDefaults() {
    FraudSettings settings = FraudSettings.create(ConfigFactory.load());

    assertEquals(FraudSettings.defaults(), settings);
    assertEquals(new FraudSettings(600_000, 3, 300_000), settings);
    assertEquals("more-than-3-countries-in-10m", settings.rule());
  }

  @Test
  void applicationConfigOverridesTheDefaults() {
    FraudSettings settings =
        FraudSettings.create(
            ConfigFactory.parseString(
                    "tidemark.fraud { window = 90s, max-countries = 2, allowed-lateness = 0 }")
                .withFallback(ConfigFactory.load()));

    assertEquals(new FraudSettings(90_000, 2, 0), settings);
    assertEquals("more-than-2-countries-in-90s", settings.rule());
  }

  @Test
  void ruleNameUsesTheLargestExactUnit() {
    assertEquals("more-than-4-countries-in-1h", new FraudSettings(3_600_000, 4, 0).rule());
    assertEquals("more-than-1-countries-in-1500ms", new FraudSettings(1_500, 1, 0).rule());
  }

  @Test
  void nonsenseSettingsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new FraudSettings(0, 3, 0));
    assertThrows(IllegalArgumentException.class, () -> new FraudSettings(1_000, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new FraudSettings(1_000, 3, -1));
  }
}
