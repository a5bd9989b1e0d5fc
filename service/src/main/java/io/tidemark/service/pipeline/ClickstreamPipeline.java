package io.tidemark.service.pipeline;

import io.tidemark.persistence.serving.PartitionPosition;
import io.tidemark.persistence.serving.ServingRepository;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live clickstream pipeline: Kafka {@code clicks} in, serving tables out, exactly once (SPEC
 * §4.1, DESIGN "Data flow"). Each assigned partition is a {@link PartitionStream} of its own,
 * started at the offset the database holds for it with the window snapshot stored alongside; its
 * results, offsets and snapshot commit in one transaction. Kafka offsets are never committed: the
 * consumer group only spreads the partitions. A failure (a fenced partition, a dead letter that
 * could not be written, the database unreachable at assignment) restarts the consumer with backoff,
 * which reads every position again; a commit the database refuses for good stops the pipeline, and
 * readiness says so (see {@link Committer}).
 */
public final class ClickstreamPipeline implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ClickstreamPipeline.class);

  private final PipelineSettings settings;
  private final PipelineMetrics metrics;
  private final ExecutorService blocking;
  private final DeadLetterProducer deadLetters;
  private final ConsumptionGate gate;
  private final AtomicReference<Consumer.Control> control = new AtomicReference<>();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Admin admin;
  private final Function<Set<TopicPartition>, LogBounds> logBounds;
  private final UniqueKillSwitch killSwitch;
  private final CompletionStage<Done> done;

  private ClickstreamPipeline(
      ActorSystem<?> system,
      PipelineSettings settings,
      DataSource dataSource,
      LiveUpdates live,
      PipelineMetrics metrics,
      ConsumptionGate gate) {
    this.settings = settings;
    this.metrics = metrics;
    this.gate = gate;
    AtomicInteger threads = new AtomicInteger();
    this.blocking =
        Executors.newFixedThreadPool(
            Math.min(settings.maxPartitions(), 8),
            r -> {
              Thread t = new Thread(r, "tidemark-serving-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.deadLetters =
        new DeadLetterProducer(settings.bootstrapServers(), settings.deadLettersTopic());
    this.admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                settings.bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG,
                "tidemark-" + settings.name() + "-offsets"));
    this.logBounds = this::readLogBounds;
    ServingRepository repository = new ServingRepository(dataSource);
    Committer committer =
        new Committer(
            repository,
            deadLetters,
            blocking,
            settings.retryMinBackoff(),
            settings.retryMaxBackoff(),
            metrics,
            stopping::get);
    Map<Integer, PartitionPosition> positions = new ConcurrentHashMap<>();
    RestartSettings restart =
        RestartSettings.create(settings.restartMinBackoff(), settings.restartMaxBackoff(), 0.2);
    var running =
        RestartSource.onFailuresWithBackoff(
                restart,
                () ->
                    Consumer.plainPartitionedManualOffsetSource(
                            consumerSettings(system, settings),
                            Subscriptions.topics(settings.clicksTopic()),
                            assigned -> positionsOf(repository, assigned, positions),
                            this::onRevoke)
                        .mapMaterializedValue(
                            c -> {
                              control.set(c);
                              return c;
                            })
                        .mapAsyncUnordered(
                            settings.maxPartitions(),
                            pair -> runPartition(pair, positions, committer, live, system)))
            .viaMat(KillSwitches.single(), Keep.right())
            .toMat(Sink.ignore(), Keep.both())
            .run(system);
    this.killSwitch = running.first();
    this.done = running.second();
  }

  /** Starts the pipeline; it runs until {@link #stop()}. */
  public static ClickstreamPipeline start(
      ActorSystem<?> system, PipelineSettings settings, DataSource dataSource, LiveUpdates live) {
    return start(system, settings, dataSource, live, new ConsumptionGate());
  }

  /** Starts the pipeline consuming while {@code gate} is open; it runs until {@link #stop()}. */
  public static ClickstreamPipeline start(
      ActorSystem<?> system,
      PipelineSettings settings,
      DataSource dataSource,
      LiveUpdates live,
      ConsumptionGate gate) {
    return new ClickstreamPipeline(system, settings, dataSource, live, new PipelineMetrics(), gate);
  }

  /** This pipeline's counters. */
  public PipelineMetrics metrics() {
    return metrics;
  }

  /** Completes when the pipeline has stopped. */
  public CompletionStage<Done> done() {
    return done;
  }

  private static ConsumerSettings<byte[], byte[]> consumerSettings(
      ActorSystem<?> system, PipelineSettings settings) {
    return ConsumerSettings.create(system, new ByteArrayDeserializer(), new ByteArrayDeserializer())
        .withBootstrapServers(settings.bootstrapServers())
        .withGroupId(settings.groupId())
        .withClientId("tidemark-" + settings.name())
        .withProperties(settings.kafkaClients())
        .withProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")
        .withProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
  }

  /** Reads the stored positions of newly assigned partitions; the consumer seeks to them. */
  private CompletionStage<Map<TopicPartition, Object>> positionsOf(
      ServingRepository repository,
      Set<TopicPartition> assigned,
      Map<Integer, PartitionPosition> positions) {
    return CompletableFuture.supplyAsync(
        () -> {
          List<Integer> partitions = assigned.stream().map(TopicPartition::partition).toList();
          Map<Integer, PartitionPosition> read;
          try {
            read = repository.positions(settings.name(), settings.clicksTopic(), partitions);
          } catch (SQLException e) {
            throw new CompletionException(e);
          }
          refuseRewoundLog(assigned, read);
          Map<TopicPartition, Object> offsets = new HashMap<>();
          for (TopicPartition tp : assigned) {
            PartitionPosition position = read.get(tp.partition());
            positions.put(tp.partition(), position);
            offsets.put(tp, position.startOffset());
          }
          return offsets;
        },
        blocking);
  }

  /**
   * A stored position outside the partition's log means the log is not the one the tables were
   * computed from: the topic was deleted and created again (the position is past its end) or
   * records were deleted before they were consumed (the position is before its start). Consuming
   * would skip records silently, so the pipeline stops and says what to do.
   */
  private void refuseRewoundLog(
      Set<TopicPartition> assigned, Map<Integer, PartitionPosition> read) {
    Map<TopicPartition, Long> stored = new HashMap<>();
    for (TopicPartition tp : assigned) {
      read.get(tp.partition()).nextOffset().ifPresent(offset -> stored.put(tp, offset));
    }
    if (stored.isEmpty()) {
      return;
    }
    LogBounds bounds = logBounds.apply(stored.keySet());
    for (Map.Entry<TopicPartition, Long> entry : stored.entrySet()) {
      TopicPartition tp = entry.getKey();
      long offset = entry.getValue();
      long start = bounds.start().getOrDefault(tp, 0L);
      long end = bounds.end().getOrDefault(tp, offset);
      if (offset > end || offset < start) {
        LogRewoundException refused = new LogRewoundException(tp, offset, start, end, settings);
        metrics.logRewound();
        failWith(refused.getMessage(), refused);
        throw new CompletionException(refused);
      }
    }
  }

  private void onRevoke(Set<TopicPartition> revoked) {
    for (TopicPartition tp : revoked) {
      metrics.revoked(tp.partition());
      log.info("Partition {} revoked", tp);
    }
  }

  private CompletionStage<Done> runPartition(
      Pair<TopicPartition, Source<ConsumerRecord<byte[], byte[]>, NotUsed>> pair,
      Map<Integer, PartitionPosition> positions,
      Committer committer,
      LiveUpdates live,
      ActorSystem<?> system) {
    int partition = pair.first().partition();
    PartitionPosition position = positions.getOrDefault(partition, PartitionPosition.beginning());
    metrics.assigned(partition);
    log.info(
        "Partition {} assigned: from offset {}{}",
        pair.first(),
        position.startOffset(),
        position.snapshot().isPresent() ? " with its checkpointed windows" : "");
    return new PartitionStream(
            partition, position, settings, committer, deadLetters, metrics, live, gate)
        .run(pair.second(), system)
        .handle(
            (done, error) -> {
              metrics.released(partition);
              Throwable cause = error instanceof CompletionException ? error.getCause() : error;
              if (cause instanceof Committer.CommitRejectedException rejected) {
                failWith(rejected);
                return Done.getInstance();
              }
              if (error != null) {
                throw error instanceof CompletionException c ? c : new CompletionException(error);
              }
              return done;
            });
  }

  /**
   * Stops the whole pipeline for good, without the consumer restart that other failures get: a
   * commit the database refuses for a reason that cannot heal would fail again after every restart.
   * The failure shows in {@link PipelineMetrics#failure()}, and so in readiness and metrics.
   */
  private void failWith(Committer.CommitRejectedException rejected) {
    failWith(rejected.getMessage(), rejected);
  }

  private void failWith(String reason, RuntimeException failure) {
    if (stopping.get()) {
      return;
    }
    metrics.failed(reason);
    log.error("Clickstream pipeline stopped: {}", reason, failure.getCause());
    killSwitch.abort(failure);
  }

  /**
   * Stops consuming, lets in-flight commits finish, and completes when everything has stopped.
   * Results not yet committed are dropped; the next owner computes them again.
   */
  public CompletionStage<Done> stop() {
    if (stopping.compareAndSet(false, true)) {
      // records held by a paused gate must pass for the partition streams to complete
      gate.resume();
      Consumer.Control c = control.get();
      CompletionStage<Done> stopped =
          c == null ? CompletableFuture.completedFuture(Done.getInstance()) : c.shutdown();
      stopped.whenComplete((d, e) -> killSwitch.shutdown());
    }
    return done.whenComplete((d, e) -> releaseResources());
  }

  /** The first and the next offset of each partition's log, as the brokers have them now. */
  record LogBounds(Map<TopicPartition, Long> start, Map<TopicPartition, Long> end) {}

  private LogBounds readLogBounds(Set<TopicPartition> partitions) {
    try {
      return new LogBounds(
          listOffsets(partitions, OffsetSpec.earliest()),
          listOffsets(partitions, OffsetSpec.latest()));
    } catch (ExecutionException e) {
      throw new CompletionException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CompletionException(e);
    }
  }

  private Map<TopicPartition, Long> listOffsets(Set<TopicPartition> partitions, OffsetSpec spec)
      throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, spec));
    Map<TopicPartition, Long> offsets = new HashMap<>();
    admin.listOffsets(request).all().get().forEach((tp, info) -> offsets.put(tp, info.offset()));
    return offsets;
  }

  private void releaseResources() {
    admin.close(Duration.ofSeconds(1));
    deadLetters.close();
    blocking.shutdown();
  }

  @Override
  public void close() {
    stop().toCompletableFuture().join();
  }
}
