package io.tidemark.service.fraud;

import com.typesafe.config.Config;
import io.tidemark.persistence.fraud.JournalCleanupSettings;
import io.tidemark.persistence.fraud.UserFraudSettings;
import java.time.Duration;

/**
 * Everything the fraud pipeline reads from configuration ({@code tidemark.kafka}, {@code
 * tidemark.topics}, {@code tidemark.fraud}), read once.
 *
 * @param enabled whether the service runs the fraud pipeline
 * @param bootstrapServers Kafka {@code bootstrap.servers}
 * @param groupId consumer group of the transactions consumers (and of their Kafka transactions)
 * @param transactionsTopic input topic
 * @param alertsTopic output topic of alerts
 * @param deadLettersTopic output topic of bad and too-late transactions
 * @param transactionalId Kafka {@code transactional.id} of this node's producer; empty derives
 *     {@code tidemark-fraud-<host>-<remote port>}. It must be unique per node and should survive a
 *     restart, so that the restarted node fences the transaction its predecessor left open.
 * @param sessionTimeout Kafka {@code session.timeout.ms} of the consumer: how soon the partitions
 *     of a crashed node move to the others (or to its restarted self)
 * @param parallelism entity asks in flight per node (one ask per user per batch)
 * @param batchSize most records in one micro-batch
 * @param batchWindow longest wait for a micro-batch to fill: a record waits at most this long for
 *     others to share its user's ask and journal write
 * @param askTimeout how long one ask of an entity may take before it is asked again
 * @param commitInterval how often the Kafka transaction commits (alerts visible to {@code
 *     read_committed} consumers)
 * @param transactionTimeout Kafka {@code transaction.timeout.ms}: how long a transaction left open
 *     by a crashed node with another transactional id holds back {@code read_committed} consumers
 * @param restartMinBackoff first backoff of a restarted stream
 * @param restartMaxBackoff largest backoff of a restarted stream
 * @param alertsTable whether this node fills the {@code fraud_alerts} table from the alerts topic
 * @param alertsTablePoolSize connections of the alerts table's writer and the journal cleanup
 * @param journalCleanup whether and how often a node running the alerts table deletes the events a
 *     snapshot covers
 * @param entity the entity's settings (shards = partitions of the transactions topic)
 */
public record FraudPipelineSettings(
    boolean enabled,
    String bootstrapServers,
    String groupId,
    String transactionsTopic,
    String alertsTopic,
    String deadLettersTopic,
    String transactionalId,
    Duration sessionTimeout,
    int parallelism,
    int batchSize,
    Duration batchWindow,
    Duration askTimeout,
    Duration commitInterval,
    Duration transactionTimeout,
    Duration restartMinBackoff,
    Duration restartMaxBackoff,
    boolean alertsTable,
    int alertsTablePoolSize,
    JournalCleanupSettings journalCleanup,
    UserFraudSettings entity) {

  public FraudPipelineSettings {
    if (parallelism < 1) {
      throw new IllegalArgumentException("tidemark.fraud.pipeline.parallelism must be positive");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("tidemark.fraud.pipeline.batch-size must be positive");
    }
    if (batchWindow.isNegative() || batchWindow.isZero()) {
      throw new IllegalArgumentException("tidemark.fraud.pipeline.batch-window must be positive");
    }
  }

  /** Reads the settings from a configuration holding the service's application.conf. */
  public static FraudPipelineSettings create(Config config) {
    Config p = config.getConfig("tidemark.fraud.pipeline");
    return new FraudPipelineSettings(
        p.getBoolean("enabled"),
        config.getString("tidemark.kafka.bootstrap-servers"),
        p.getString("group-id"),
        config.getString("tidemark.topics.transactions"),
        config.getString("tidemark.topics.fraud-alerts"),
        config.getString("tidemark.topics.dead-letters"),
        p.getString("transactional-id"),
        p.getDuration("session-timeout"),
        p.getInt("parallelism"),
        p.getInt("batch-size"),
        p.getDuration("batch-window"),
        p.getDuration("ask-timeout"),
        p.getDuration("commit-interval"),
        p.getDuration("transaction-timeout"),
        p.getDuration("restart-min-backoff"),
        p.getDuration("restart-max-backoff"),
        config.getBoolean("tidemark.fraud.alerts-table.enabled"),
        config.getInt("tidemark.fraud.alerts-table.pool-size"),
        JournalCleanupSettings.create(config),
        UserFraudSettings.create(config));
  }
}
