package io.tidemark.service.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FraudPipelineSettingsTest {

  @Test
  void defaultsComeFromTheServiceConfiguration() {
    FraudPipelineSettings settings = FraudPipelineSettings.create(ConfigFactory.load());
    assertTrue(settings.enabled());
    assertTrue(settings.alertsTable());
    assertEquals("tidemark-fraud", settings.groupId());
    assertEquals("transactions", settings.transactionsTopic());
    assertEquals("fraud-alerts", settings.alertsTopic());
    assertEquals("dead-letters", settings.deadLettersTopic());
    assertEquals("", settings.transactionalId());
    assertEquals(Duration.ofMillis(100), settings.commitInterval());
    assertEquals(16, settings.entity().shards());
    assertEquals(1000, settings.batchSize());
    assertEquals(Duration.ofMillis(20), settings.batchWindow());
    assertTrue(settings.journalCleanup().enabled());
    assertEquals(Duration.ofMinutes(1), settings.journalCleanup().interval());
  }

  @Test
  void batchFollowsItsKeysAndMustBePositive() {
    var config =
        ConfigFactory.parseString("tidemark.fraud.pipeline { batch-size = 7, batch-window = 50ms }")
            .withFallback(ConfigFactory.load());
    FraudPipelineSettings settings = FraudPipelineSettings.create(config);
    assertEquals(7, settings.batchSize());
    assertEquals(Duration.ofMillis(50), settings.batchWindow());
    var none =
        ConfigFactory.parseString("tidemark.fraud.pipeline.batch-size = 0")
            .withFallback(ConfigFactory.load());
    assertThrows(IllegalArgumentException.class, () -> FraudPipelineSettings.create(none));
  }

  @Test
  void journalCleanupFollowsItsKeys() {
    var config =
        ConfigFactory.parseString(
                "tidemark.fraud.journal-cleanup { enabled = off, interval = 5s, batch-size = 10 }")
            .withFallback(ConfigFactory.load());
    FraudPipelineSettings settings = FraudPipelineSettings.create(config);
    assertFalse(settings.journalCleanup().enabled());
    assertEquals(Duration.ofSeconds(5), settings.journalCleanup().interval());
    assertEquals(10, settings.journalCleanup().batchSize());
  }

  @Test
  void journalTablesFollowTheServiceSchema() {
    var config =
        ConfigFactory.parseString("tidemark.db.schema = tenant_a")
            .withFallback(ConfigFactory.parseResources("application.conf"))
            .withFallback(ConfigFactory.defaultReferenceUnresolved())
            .resolve();
    assertEquals("tenant_a", config.getString("tidemark.journal.schema"));
  }
}
