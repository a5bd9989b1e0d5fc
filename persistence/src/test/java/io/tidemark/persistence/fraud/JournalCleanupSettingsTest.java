package io.tidemark.persistence.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JournalCleanupSettingsTest {

  @Test
  void referenceConfRunsTheCleanupEveryMinute() {
    assertEquals(
        new JournalCleanupSettings(true, Duration.ofMinutes(1), 10_000),
        JournalCleanupSettings.create(ConfigFactory.defaultReference()));
  }

  @Test
  void invalidValuesAreRejected() {
    assertThrows(
        IllegalArgumentException.class, () -> new JournalCleanupSettings(true, Duration.ZERO, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> new JournalCleanupSettings(true, Duration.ofSeconds(1), 0));
    assertThrows(IllegalArgumentException.class, () -> new JournalCleanup(null, 0));
  }
}
