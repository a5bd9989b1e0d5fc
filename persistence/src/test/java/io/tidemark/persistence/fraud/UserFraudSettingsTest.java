package io.tidemark.persistence.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The entity's settings and the journal configuration the service includes. */
class UserFraudSettingsTest {

  @Test
  void referenceConfDefaultsAreTheDocumentedOnes() {
    assertEquals(
        UserFraudSettings.defaults(), UserFraudSettings.create(ConfigFactory.defaultReference()));
  }

  @Test
  void keysOverrideDefaults() {
    Config config =
        ConfigFactory.parseString(
                """
                tidemark.fraud { window = 5m, max-countries = 2 }
                tidemark.fraud.entity {
                  snapshot-every = 10, shards = 3, passivate-idle-after = 30s
                  allocation-timeout = 1s
                }
                """)
            .withFallback(ConfigFactory.defaultReference());

    assertEquals(
        new UserFraudSettings(
            new FraudSettings(5 * 60_000L, 2, 5 * 60_000L),
            10,
            3,
            Duration.ofSeconds(30),
            Duration.ofSeconds(1)),
        UserFraudSettings.create(config));
  }

  @Test
  void invalidValuesAreRejected() {
    FraudSettings rule = FraudSettings.defaults();
    Duration s = Duration.ofSeconds(1);
    assertThrows(IllegalArgumentException.class, () -> new UserFraudSettings(rule, 0, 1, s, s));
    assertThrows(IllegalArgumentException.class, () -> new UserFraudSettings(rule, 1, 0, s, s));
    assertThrows(
        IllegalArgumentException.class, () -> new UserFraudSettings(rule, 1, 1, Duration.ZERO, s));
    assertThrows(
        IllegalArgumentException.class,
        () -> new UserFraudSettings(rule, 1, 1, s, Duration.ofSeconds(-1)));
  }

  @Test
  void persistenceConfPutsJournalAndSnapshotsInThePostgresDatabase() {
    Config config =
        ConfigFactory.parseString("tidemark.db.url = \"jdbc:postgresql://db:5432/x\"")
            .withFallback(ConfigFactory.parseResources("persistence.conf"))
            .withFallback(ConfigFactory.defaultReference())
            .resolve();

    assertEquals("tidemark-journal", config.getString("pekko.persistence.journal.plugin"));
    assertEquals(
        "tidemark-snapshot-store", config.getString("pekko.persistence.snapshot-store.plugin"));
    assertEquals("jdbc:postgresql://db:5432/x", config.getString("tidemark.journal.url"));
    assertEquals(
        "io.tidemark.persistence.journal.PostgresJournal",
        config.getString("tidemark-journal.class"));
  }
}
