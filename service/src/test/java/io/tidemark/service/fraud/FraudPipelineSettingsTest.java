package io.tidemark.service.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FraudPipelineSettingsTest {

  @Test
  void defaultsComeFromTheServiceConfiguration() {
    FraudPipelineSettings settings = FraudPipelineSettings.create(ConfigFactory.load());
    assertTrue(settings.enabled());
    assertTrue(settings.projection());
    assertEquals("tidemark-fraud", settings.groupId());
    assertEquals("transactions", settings.transactionsTopic());
    assertEquals("fraud-alerts", settings.alertsTopic());
    assertEquals("dead-letters", settings.deadLettersTopic());
    assertEquals("", settings.transactionalId());
    assertEquals(Duration.ofMillis(100), settings.commitInterval());
    assertEquals(16, settings.entity().shards());
  }

  @Test
  void journalAndProjectionTablesFollowTheServiceSchema() {
    var config =
        ConfigFactory.parseString("tidemark.db.schema = tenant_a")
            .withFallback(ConfigFactory.parseResources("application.conf"))
            .withFallback(ConfigFactory.defaultReferenceUnresolved())
            .resolve();
    assertEquals("tenant_a", config.getString("jdbc-journal.tables.event_journal.schemaName"));
    assertEquals("tenant_a", config.getString("jdbc-read-journal.tables.event_tag.schemaName"));
    assertEquals("tenant_a", config.getString("jdbc-snapshot-store.tables.snapshot.schemaName"));
    assertEquals("tenant_a", config.getString("pekko.projection.jdbc.offset-store.schema"));
  }
}
