package io.tidemark.service.fraud;

import io.tidemark.persistence.fraud.FraudAlert;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The committed alerts, for the live feed and the alert counter: a plain {@code read_committed}
 * consumer of every partition of the {@code fraud-alerts} topic, starting at its end when the
 * service starts, that hands each alert to the listener. Only alerts whose Kafka transaction
 * committed reach the listener, each once: an aborted transaction's alerts are skipped, and the
 * redelivered transaction's are seen when it commits (SPEC §4.2).
 *
 * <p>Cross-node feed: the consumer is manually assigned all partitions and belongs to no consumer
 * group (nothing is committed), so every node sees every alert of the cluster, whichever node
 * raised it. A node's dashboard and its {@code tidemark_fraud_alerts_committed_total} therefore
 * show the cluster's alerts committed since that node started; the alerts before are in the {@code
 * fraud_alerts} table ({@code /api/alerts}).
 *
 * <p>Lifecycle: {@link #start} looks up where the partitions end before it returns, so that a
 * pipeline started after it cannot commit an alert the feed would miss. The stream remembers the
 * next offset of each partition; after a failure it restarts with backoff from there, so a restart
 * neither loses nor repeats an alert. A partition added after the start is read from its beginning.
 * It stops with coordinated shutdown.
 */
public final class AlertFeed {

  private static final Logger log = LoggerFactory.getLogger(AlertFeed.class);

  private static final String READ_COMMITTED = "read_committed";

  /** How long {@link #start} waits for the topic's end offsets before leaving it to the stream. */
  static final Duration START_LOOKUP = Duration.ofSeconds(15);

  private final ActorSystem<?> system;
  private final String bootstrapServers;
  private final String topic;
  private final AlertListener listener;
  private final Executor blocking;
  private final Map<Integer, Long> positions = new ConcurrentHashMap<>();
  private final AtomicBoolean positioned = new AtomicBoolean();
  private final AtomicInteger runs = new AtomicInteger();
  private final LongAdder restarts = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder undecodable = new LongAdder();
  private UniqueKillSwitch killSwitch;
  private CompletionStage<Done> done;

  private AlertFeed(
      ActorSystem<?> system, String bootstrapServers, String topic, AlertListener listener) {
    this.system = system;
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.listener = listener;
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
  }

  /**
   * Looks up the end of every partition of the settings' alerts topic, then starts consuming from
   * there; stops with the system's coordinated shutdown.
   *
   * @param listener gets every committed alert once, on a stream thread: must not block
   */
  public static AlertFeed start(
      ActorSystem<?> system, FraudPipelineSettings settings, AlertListener listener) {
    AlertFeed feed =
        new AlertFeed(system, settings.bootstrapServers(), settings.alertsTopic(), listener);
    try {
      feed.position(START_LOOKUP);
    } catch (RuntimeException e) {
      // the stream looks them up when it runs, and retries with backoff
      log.warn("Alert feed could not find the end of {} yet: {}", settings.alertsTopic(), e);
    }
    var running = RestartingStream.run(system, settings, feed::run);
    feed.killSwitch = running.first();
    feed.done = running.second();
    CoordinatedShutdown.get(system)
        .addTask(CoordinatedShutdown.PhaseServiceStop(), "stop-alert-feed", feed::stop);
    log.info("Alert feed reading {} (read_committed) from {}", feed.topic, feed.positions);
    return feed;
  }

  /** Stops consuming; completes when the stream has stopped. */
  public CompletionStage<Done> stop() {
    killSwitch.shutdown();
    return done;
  }

  /** Completes when the stream has stopped. */
  public CompletionStage<Done> done() {
    return done;
  }

  /** Alerts handed to the listener. */
  public long deliveredCount() {
    return delivered.sum();
  }

  /** Records of the topic that were not alerts (skipped). */
  public long undecodableCount() {
    return undecodable.sum();
  }

  /** Restarts of the consuming stream after a failure. */
  public long restartCount() {
    return restarts.sum();
  }

  /** The next offset to read, by partition. */
  public Map<Integer, Long> positions() {
    return Map.copyOf(positions);
  }

  /** One run of the consuming stream, from the remembered positions. */
  private Source<Done, ?> run() {
    if (runs.getAndIncrement() > 0) {
      restarts.increment();
      log.warn("Alert feed restarting from {}", positions);
    }
    return Source.completionStage(
            CompletableFuture.supplyAsync(() -> position(START_LOOKUP), blocking))
        .flatMapConcat(
            assignment ->
                Consumer.plainSource(
                    consumerSettings(), Subscriptions.assignmentWithOffset(assignment)))
        .map(this::deliver);
  }

  /** Decodes one record and hands it to the listener; either way, the feed moves past it. */
  private Done deliver(ConsumerRecord<byte[], byte[]> record) {
    positions.put(record.partition(), record.offset() + 1);
    FraudAlert alert;
    try {
      alert = FraudAlertJson.decode(record.value());
    } catch (RuntimeException e) {
      undecodable.increment();
      log.warn(
          "Skipping {}-{}@{}: not an alert: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.toString());
      return Done.getInstance();
    }
    delivered.increment();
    try {
      listener.onAlert(alert);
    } catch (RuntimeException e) {
      // a listener's bug must not stop the feed or make it repeat the alert to the others
      log.error("Alert listener failed on {}", alert.alertId(), e);
    }
    return Done.getInstance();
  }

  /**
   * Where to read each partition: the remembered position; for a partition without one, its end
   * (the first time) or, for a partition added since, its beginning. Blocks on Kafka metadata.
   */
  private Map<TopicPartition, Long> position(Duration timeout) {
    Map<TopicPartition, Long> assignment = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = metadataConsumer()) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, timeout).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      if (partitions.isEmpty()) {
        // created later, the topic holds only alerts committed after the start: read it all
        positioned.set(true);
        throw new IllegalStateException("topic " + topic + " does not exist (yet)");
      }
      List<TopicPartition> unknown =
          partitions.stream().filter(tp -> !positions.containsKey(tp.partition())).toList();
      Map<TopicPartition, Long> starts =
          positioned.get()
              ? consumer.beginningOffsets(unknown, timeout)
              : consumer.endOffsets(unknown, timeout);
      starts.forEach((tp, offset) -> positions.putIfAbsent(tp.partition(), offset));
      positioned.set(true);
      partitions.forEach(tp -> assignment.put(tp, positions.get(tp.partition())));
    }
    return assignment;
  }

  /** A short-lived consumer for metadata; {@code read_committed}: its end is the stable offset. */
  private KafkaConsumer<byte[], byte[]> metadataConsumer() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "tidemark-alert-feed-metadata");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, READ_COMMITTED);
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private ConsumerSettings<byte[], byte[]> consumerSettings() {
    return ConsumerSettings.create(system, new ByteArrayDeserializer(), new ByteArrayDeserializer())
        .withBootstrapServers(bootstrapServers)
        .withClientId("tidemark-alert-feed")
        .withProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, READ_COMMITTED)
        .withProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")
        .withProperty(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false")
        // a position the topic no longer holds (retention, re-created topic): all that is left
        .withProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
  }
}
