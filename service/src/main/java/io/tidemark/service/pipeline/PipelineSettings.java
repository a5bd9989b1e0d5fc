package io.tidemark.service.pipeline;

import com.typesafe.config.Config;
import io.tidemark.streams.clicks.ClickstreamSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything the clickstream pipeline reads from configuration ({@code tidemark.kafka}, {@code
 * tidemark.topics}, {@code tidemark.pipeline}, {@code tidemark.streams}), read once.
 *
 * @param bootstrapServers Kafka {@code bootstrap.servers}
 * @param groupId consumer group that spreads partitions over nodes
 * @param clicksTopic input topic
 * @param deadLettersTopic dead letter topic
 * @param name pipeline name in {@code input_offsets} and {@code window_checkpoints}
 * @param commitInterval window checkpoint (and so commit) interval per partition
 * @param idleCommitInterval quiet time after which a partition commits offsets of bad records
 * @param maxPartitions partitions consumed at once by this node
 * @param retryMinBackoff first backoff of a retried database transaction
 * @param retryMaxBackoff largest backoff of a retried database transaction
 * @param restartMinBackoff first backoff of a restarted consumer
 * @param restartMaxBackoff largest backoff of a restarted consumer
 * @param statusInterval status line interval of the commands
 * @param maxBatch most records of a partition that go through decoding and the windows as one batch
 * @param maxBatchBytes most bytes (keys and values) of the records of one such batch
 * @param maxPendingBytes most bytes of results a partition holds while it waits for the database
 * @param kafkaClients Kafka consumer properties of the pipeline, over {@code pekko.kafka.consumer}
 * @param clickstream the window computations
 */
public record PipelineSettings(
    String bootstrapServers,
    String groupId,
    String clicksTopic,
    String deadLettersTopic,
    String name,
    Duration commitInterval,
    Duration idleCommitInterval,
    int maxPartitions,
    Duration retryMinBackoff,
    Duration retryMaxBackoff,
    Duration restartMinBackoff,
    Duration restartMaxBackoff,
    Duration statusInterval,
    int maxBatch,
    long maxBatchBytes,
    long maxPendingBytes,
    Map<String, String> kafkaClients,
    ClickstreamSettings clickstream) {

  public PipelineSettings {
    if (commitInterval.isZero() || commitInterval.isNegative()) {
      throw new IllegalArgumentException("tidemark.pipeline.commit-interval must be positive");
    }
    if (maxPartitions < 1) {
      throw new IllegalArgumentException("tidemark.pipeline.max-partitions must be positive");
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("tidemark.pipeline.max-batch must be positive");
    }
    if (maxBatchBytes < 1) {
      throw new IllegalArgumentException("tidemark.pipeline.max-batch-bytes must be positive");
    }
    if (maxPendingBytes < 1) {
      throw new IllegalArgumentException("tidemark.pipeline.max-pending-bytes must be positive");
    }
    kafkaClients = Map.copyOf(kafkaClients);
  }

  /** Reads the settings from a configuration holding the service's application.conf. */
  public static PipelineSettings create(Config config) {
    Config p = config.getConfig("tidemark.pipeline");
    return new PipelineSettings(
        config.getString("tidemark.kafka.bootstrap-servers"),
        config.getString("tidemark.kafka.group-id"),
        config.getString("tidemark.topics.clicks"),
        config.getString("tidemark.topics.dead-letters"),
        p.getString("name"),
        p.getDuration("commit-interval"),
        p.getDuration("idle-commit-interval"),
        p.getInt("max-partitions"),
        p.getDuration("retry-min-backoff"),
        p.getDuration("retry-max-backoff"),
        p.getDuration("restart-min-backoff"),
        p.getDuration("restart-max-backoff"),
        p.getDuration("status-interval"),
        p.getInt("max-batch"),
        p.getBytes("max-batch-bytes"),
        p.getBytes("max-pending-bytes"),
        properties(p.getConfig("kafka-clients")),
        ClickstreamSettings.create(config));
  }

  private static Map<String, String> properties(Config config) {
    Map<String, String> properties = new HashMap<>();
    config.entrySet().forEach(e -> properties.put(e.getKey(), config.getString(e.getKey())));
    return properties;
  }

  /** The same settings against another Kafka cluster. */
  public PipelineSettings withBootstrapServers(String servers) {
    return new PipelineSettings(
        servers,
        groupId,
        clicksTopic,
        deadLettersTopic,
        name,
        commitInterval,
        idleCommitInterval,
        maxPartitions,
        retryMinBackoff,
        retryMaxBackoff,
        restartMinBackoff,
        restartMaxBackoff,
        statusInterval,
        maxBatch,
        maxBatchBytes,
        maxPendingBytes,
        kafkaClients,
        clickstream);
  }

  /** The same settings with other clickstream computations. */
  public PipelineSettings withClickstream(ClickstreamSettings other) {
    return new PipelineSettings(
        bootstrapServers,
        groupId,
        clicksTopic,
        deadLettersTopic,
        name,
        commitInterval,
        idleCommitInterval,
        maxPartitions,
        retryMinBackoff,
        retryMaxBackoff,
        restartMinBackoff,
        restartMaxBackoff,
        statusInterval,
        maxBatch,
        maxBatchBytes,
        maxPendingBytes,
        kafkaClients,
        other);
  }
}
