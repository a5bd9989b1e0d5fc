package io.tidemark.service.fraud;

import io.tidemark.persistence.fraud.FraudAlert;
import io.tidemark.persistence.fraud.FraudAlertsTable;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills the {@code fraud_alerts} table from the committed {@code fraud-alerts} topic (DESIGN "Data
 * flow"): a {@code read_committed} consumer group whose partitions start at the offsets stored in
 * the database, and for each partition, groups of alerts written with the partition's next offset
 * in one transaction ({@link FraudAlertsTable}). An alert is in the table exactly when it is
 * committed to the topic, however the fraud pipeline crashes or rebalances, and the entities'
 * journal needs no tags for it. A slow database slows this reader only; a failed write restarts it
 * from the stored offsets.
 */
public final class AlertsTableWriter {

  private static final Logger log = LoggerFactory.getLogger(AlertsTableWriter.class);
  private static final int GROUP = 500;

  private final ActorSystem<?> system;
  private final FraudPipelineSettings settings;
  private final FraudAlertsTable table;
  private final Executor blocking;
  private final AtomicReference<Consumer.Control> control = new AtomicReference<>();
  private final LongAdder written = new LongAdder();
  private final LongAdder undecodable = new LongAdder();
  private UniqueKillSwitch killSwitch;
  private CompletionStage<Done> done;

  private AlertsTableWriter(
      ActorSystem<?> system, FraudPipelineSettings settings, DataSource dataSource) {
    this.system = system;
    this.settings = settings;
    this.table = new FraudAlertsTable(dataSource);
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
  }

  /** Starts the writer; it stops with the actor system's coordinated shutdown. */
  public static AlertsTableWriter start(
      ActorSystem<?> system, FraudPipelineSettings settings, DataSource dataSource) {
    AlertsTableWriter writer = new AlertsTableWriter(system, settings, dataSource);
    var running = RestartingStream.run(system, settings, writer::stream);
    writer.killSwitch = running.first();
    writer.done = running.second();
    CoordinatedShutdown.get(system)
        .addTask(CoordinatedShutdown.PhaseServiceStop(), "stop-alerts-table", writer::stop);
    log.info("Alerts table filled from {} (read_committed)", settings.alertsTopic());
    return writer;
  }

  /**
   * Alerts written to the table by this node (an alert read again after a restart counts again).
   */
  public long writtenCount() {
    return written.sum();
  }

  /** Stops reading; completes when the stream has stopped. */
  public CompletionStage<Done> stop() {
    Consumer.Control c = control.get();
    if (c != null) {
      c.shutdown().whenComplete((d, e) -> killSwitch.shutdown());
    } else {
      killSwitch.shutdown();
    }
    return done;
  }

  private Source<Done, Consumer.Control> stream() {
    return Consumer.plainPartitionedManualOffsetSource(
            consumerSettings(), Subscriptions.topics(settings.alertsTopic()), this::storedOffsets)
        .mapMaterializedValue(
            c -> {
              control.set(c);
              return c;
            })
        // Each partition on its own: its records in groups, each group one transaction.
        .flatMapMerge(Integer.MAX_VALUE, this::partition);
  }

  private Source<Done, NotUsed> partition(
      Pair<TopicPartition, Source<ConsumerRecord<byte[], byte[]>, NotUsed>> partition) {
    TopicPartition tp = partition.first();
    return partition
        .second()
        .groupedWithin(GROUP, settings.commitInterval())
        .mapAsync(1, records -> write(tp, records));
  }

  private CompletionStage<Done> write(
      TopicPartition tp, List<ConsumerRecord<byte[], byte[]>> records) {
    List<FraudAlert> alerts = new ArrayList<>(records.size());
    for (ConsumerRecord<byte[], byte[]> record : records) {
      try {
        alerts.add(FraudAlertJson.decode(record.value()));
      } catch (RuntimeException e) {
        // Not an alert (another writer of the topic): nothing to store, the offset moves on.
        undecodable.increment();
        log.warn(
            "Skipping {}-{} offset {}: not an alert", tp.topic(), tp.partition(), record.offset());
      }
    }
    long next = records.get(records.size() - 1).offset() + 1;
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            table.write(tp.topic(), tp.partition(), next, alerts);
          } catch (SQLException e) {
            throw new IllegalStateException("writing fraud_alerts failed: " + e.getMessage(), e);
          }
          written.add(alerts.size());
          return Done.getInstance();
        },
        blocking);
  }

  private CompletionStage<Map<TopicPartition, Object>> storedOffsets(Set<TopicPartition> assigned) {
    return CompletableFuture.supplyAsync(
        () -> {
          Map<Integer, Long> stored;
          try {
            stored = table.offsets(settings.alertsTopic());
          } catch (SQLException e) {
            throw new IllegalStateException("reading fraud_alerts offsets failed", e);
          }
          Map<TopicPartition, Object> offsets = new HashMap<>();
          // A partition without a stored offset starts at the beginning (auto.offset.reset).
          assigned.forEach(
              tp -> {
                Long next = stored.get(tp.partition());
                if (next != null) {
                  offsets.put(tp, next);
                }
              });
          return offsets;
        },
        blocking);
  }

  private ConsumerSettings<byte[], byte[]> consumerSettings() {
    return ConsumerSettings.create(system, new ByteArrayDeserializer(), new ByteArrayDeserializer())
        .withBootstrapServers(settings.bootstrapServers())
        .withGroupId(settings.groupId() + "-alerts-table")
        .withClientId("tidemark-alerts-table")
        .withProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        .withProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")
        .withProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
        // A crashed node's partitions move as soon as the fraud pipeline's do, not after 45 s.
        .withProperty(
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
            Long.toString(settings.sessionTimeout().toMillis()))
        .withProperty(
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
            Long.toString(Math.max(100, settings.sessionTimeout().toMillis() / 4)));
  }
}
