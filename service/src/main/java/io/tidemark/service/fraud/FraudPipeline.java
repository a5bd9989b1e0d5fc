package io.tidemark.service.fraud;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tidemark.persistence.fraud.CurrentFraudRule;
import io.tidemark.persistence.fraud.FraudAlert;
import io.tidemark.persistence.fraud.UserFraud;
import io.tidemark.persistence.fraud.UserFraudSharding;
import io.tidemark.service.cluster.ClusterJoin;
import io.tidemark.service.pipeline.DeadLetterProducer;
import io.tidemark.service.run.DatabaseSettings;
import io.tidemark.streams.event.DeadLetter;
import io.tidemark.streams.event.DeadLetterJson;
import io.tidemark.streams.event.Decoded;
import io.tidemark.streams.event.EventCodec;
import io.tidemark.streams.event.Reason;
import io.tidemark.streams.event.Transaction;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.kafka.ConsumerMessage.PartitionOffset;
import org.apache.pekko.kafka.ConsumerMessage.TransactionalMessage;
import org.apache.pekko.kafka.ConsumerRebalanceEvent;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.ProducerMessage;
import org.apache.pekko.kafka.ProducerMessage.Envelope;
import org.apache.pekko.kafka.ProducerSettings;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.apache.pekko.kafka.javadsl.Transactional;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live fraud pipeline (SPEC §3.3, §4.2, DESIGN "Data flow"): Kafka {@code transactions} in,
 * {@code fraud-alerts} and {@code dead-letters} out, exactly once. Records are taken in
 * micro-batches ({@code batch-size} records or {@code batch-window}, whichever comes first); each
 * record is decoded (a bad one becomes a dead letter), the entity of each user of the batch is
 * asked once through Cluster Sharding with all of that user's records in order ({@link
 * UserFraud.ProcessAll}; bounded parallelism, input order kept), and each record's alerts, dead
 * letter or nothing at all are produced, in record order, in one Kafka transaction with the
 * consumed offsets. A crash or failure aborts the open transaction; the records are consumed again
 * and the entity answers a redelivered record with the reply it gave first, so the committed output
 * is the same. For the same reason an ask that times out (a slow journal, a shard moving) is simply
 * sent again for that user after a backoff: the stream waits, it does not restart.
 *
 * <p>Shard placement: the entity's shard is the Kafka partition of the userId; when this node is
 * assigned partitions, their shards move here ({@link ShardPlacement}). The node joins its cluster
 * ({@link ClusterJoin}), fills the {@code fraud_alerts} table from the committed alerts ({@link
 * AlertsTableWriter}), runs the cleanup of the events snapshots cover ({@link
 * JournalCleanupSchedule}) and stops through coordinated shutdown.
 */
public final class FraudPipeline {

  private static final Logger log = LoggerFactory.getLogger(FraudPipeline.class);

  private final ActorSystem<?> system;
  private final FraudPipelineSettings settings;
  private final FraudMetrics metrics = new FraudMetrics();
  private final ClusterSharding sharding;
  private final AtomicReference<Consumer.Control> control = new AtomicReference<>();
  private static final Duration PRODUCER_CLOSE_TIMEOUT = Duration.ofSeconds(2);

  private final AtomicBoolean stopping = new AtomicBoolean();
  // set when a stop cuts the stream: no entity is asked any more (an ask sent then would reach a
  // shard region that is handing its shards off, and hold the hand-off up)
  private final AtomicBoolean streamCut = new AtomicBoolean();
  private final UniqueKillSwitch killSwitch;
  private final CompletionStage<Done> done;
  private final String transactionalId;
  private final ActorRef<ConsumerRebalanceEvent> placement;
  private final AtomicInteger starts = new AtomicInteger();

  private FraudPipeline(
      ActorSystem<?> system, FraudPipelineSettings settings, String transactionalId) {
    this.system = system;
    this.settings = settings;
    this.sharding = ClusterSharding.get(system);
    this.transactionalId = transactionalId;
    this.placement =
        system.systemActorOf(
            ShardPlacement.create(metrics, settings.entity().shards()),
            "fraud-shard-placement",
            Props.empty());
    if (settings.enabled()) {
      var running = RestartingStream.run(system, settings, this::transactionalStream);
      this.killSwitch = running.first();
      this.done = running.second();
    } else {
      this.killSwitch = null;
      this.done = CompletableFuture.completedFuture(Done.getInstance());
    }
  }

  /**
   * Joins the cluster, registers the entity with sharding (external shard allocation), starts the
   * alerts table's writer and, if enabled, the pipeline; all of it stops with the actor system's
   * coordinated shutdown.
   *
   * <p>Alerts are not announced here, as they are raised: the transaction that writes them may
   * still abort. The live feed reads them once committed ({@link AlertFeed}).
   *
   * @param db the database of the {@code fraud_alerts} table (schema already migrated)
   * @param rule the fraud rule in force on this node, read by the entities at every decision
   */
  public static FraudPipeline start(
      ActorSystem<?> system,
      FraudPipelineSettings settings,
      DatabaseSettings db,
      CurrentFraudRule rule) {
    ClusterJoin.join(system);
    UserFraudSharding.initWithExternalAllocation(system, settings.entity(), rule);
    if (settings.alertsTable()) {
      HikariDataSource pool = alertsTablePool(db, settings.alertsTablePoolSize());
      AlertsTableWriter.start(system, settings, pool);
      JournalCleanupSchedule.start(system, pool, settings.journalCleanup());
      CoordinatedShutdown.get(system)
          .addTask(
              CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
              "close-fraud-alerts-table-pool",
              () -> {
                pool.close();
                return CompletableFuture.completedFuture(Done.getInstance());
              });
    }
    String id = transactionalId(system, settings);
    FraudPipeline pipeline = new FraudPipeline(system, settings, id);
    CoordinatedShutdown.get(system)
        .addTask(CoordinatedShutdown.PhaseServiceStop(), "stop-fraud-pipeline", pipeline::stop);
    if (settings.enabled()) {
      log.info(
          "Fraud pipeline consuming {} as group {}, transactional id {}, {} shards",
          settings.transactionsTopic(),
          settings.groupId(),
          id,
          settings.entity().shards());
    }
    return pipeline;
  }

  /** This pipeline's counters. */
  public FraudMetrics metrics() {
    return metrics;
  }

  /** The topic this pipeline consumes. */
  public String transactionsTopic() {
    return settings.transactionsTopic();
  }

  /** The Kafka {@code transactional.id} of this node's producer. */
  public String transactionalId() {
    return transactionalId;
  }

  /** The current fraud state of a user, from its entity (for {@code /api/users/{userId}/...}). */
  public CompletionStage<UserFraud.StateView> state(String userId) {
    return sharding
        .entityRefFor(UserFraud.ENTITY_KEY, userId)
        .ask(UserFraud.GetState::new, settings.askTimeout());
  }

  /**
   * How many fraud entities are alive on this node (from the shard region's statistics); fails if
   * the region does not answer within {@code timeout}.
   */
  public CompletionStage<Integer> activeEntities(Duration timeout) {
    var region =
        org.apache.pekko.cluster.sharding.ClusterSharding.get(system.classicSystem())
            .shardRegion(UserFraud.ENTITY_KEY.name());
    return Patterns.ask(region, ShardRegion.getRegionStatsInstance(), timeout)
        .thenApply(
            reply ->
                ((ShardRegion.ShardRegionStats) reply)
                    .getStats().values().stream().mapToInt(n -> ((Number) n).intValue()).sum());
  }

  /** Completes when the pipeline has stopped. */
  public CompletionStage<Done> done() {
    return done;
  }

  /**
   * Stops consuming; what was processed commits with the open Kafka transaction if the stream
   * drains within a few commit intervals, else the stream is cut and the open transaction aborts
   * (its records are consumed again by the next owner, and answered as the first time). Completes
   * when the stream has stopped.
   */
  public CompletionStage<Done> stop() {
    if (killSwitch != null && stopping.compareAndSet(false, true)) {
      Consumer.Control c = control.get();
      CompletionStage<Done> drained = c == null ? done : c.stop().thenCompose(stopped -> done);
      Duration grace = settings.commitInterval().multipliedBy(30);
      CompletionStage<Done> cut =
          Patterns.after(
              grace,
              system.classicSystem().scheduler(),
              system.executionContext(),
              () -> CompletableFuture.completedFuture(Done.getInstance()));
      drained
          .applyToEither(cut, d -> d)
          .whenComplete(
              (d, e) -> {
                streamCut.set(true);
                killSwitch.shutdown();
                if (c != null) {
                  c.shutdown();
                }
              });
    }
    return done;
  }

  /** One run of the consume-ask-produce stream; the restart wrapper builds a new one on failure. */
  private Source<ProducerMessage.Results<byte[], byte[], PartitionOffset>, Consumer.Control>
      transactionalStream() {
    if (starts.getAndIncrement() > 0) {
      metrics.restarted();
      log.warn("Fraud pipeline restarting");
    }
    return Transactional.source(
            consumerSettings(),
            Subscriptions.topics(settings.transactionsTopic())
                .withRebalanceListener(Adapter.toClassic(placement)))
        .mapMaterializedValue(
            c -> {
              control.set(c);
              return c;
            })
        // Records gather into micro-batches (input order kept): a few milliseconds of waiting buy
        // one ask and one journal write per user per batch instead of one per record.
        .groupedWithin(settings.batchSize(), settings.batchWindow())
        // Each batch is decoded and split by user; a bad record's dead letter is known at once.
        .map(this::byUser)
        // Each user of a batch is asked once for all its records; the asks of a batch, and of the
        // next few batches, overlap. A user's next ask is sent only once its previous one was
        // answered, since sharding may drop a message buffered during a shard hand-off while a
        // later one gets through. Batches go on in input order, each once all its users answered;
        // at most `parallelism` records are in flight, ahead of the Kafka commit.
        .mapAsync(batchesInFlight(), askAllInUserOrder())
        // One message per partition goes to the producer: its records and its last offset.
        .mapConcat(Output::perPartition)
        .via(Transactional.flow(producerSettings(), transactionalId));
  }

  /**
   * What one consumed record leads to: the records to produce (alerts, a dead letter, or none) and
   * the record's offset, which the Kafka transaction commits with them.
   */
  record Output(List<ProducerRecord<byte[], byte[]>> records, PartitionOffset offset) {

    static Output offsetOnly(PartitionOffset offset) {
      return new Output(List.of(), offset);
    }

    /**
     * The outputs of a batch (in record order) as one producer message per partition: all its
     * records in order, passing its last offset through. The transactional producer then tracks a
     * few offsets per batch instead of one per record.
     */
    static List<Envelope<byte[], byte[], PartitionOffset>> perPartition(List<Output> outputs) {
      Map<Integer, List<ProducerRecord<byte[], byte[]>>> records = new LinkedHashMap<>();
      Map<Integer, PartitionOffset> last = new HashMap<>();
      for (Output output : outputs) {
        int partition = output.offset().key().partition();
        records.computeIfAbsent(partition, p -> new ArrayList<>()).addAll(output.records());
        last.put(partition, output.offset());
      }
      List<Envelope<byte[], byte[], PartitionOffset>> envelopes = new ArrayList<>(records.size());
      records.forEach(
          (partition, produced) ->
              envelopes.add(
                  produced.isEmpty()
                      ? ProducerMessage.passThrough(last.get(partition))
                      : ProducerMessage.multi(produced, last.get(partition))));
      return envelopes;
    }
  }

  /** A valid transaction on its way to its entity, with the record it came from. */
  private record Pending(TransactionalMessage<byte[], byte[]> message, Transaction txn) {}

  private List<UserBatch.Group<Pending, Output>> byUser(
      List<TransactionalMessage<byte[], byte[]>> messages) {
    UserBatch.Builder<Pending, Output> batch = UserBatch.builder();
    for (TransactionalMessage<byte[], byte[]> message : messages) {
      metrics.consumed();
      ConsumerRecord<byte[], byte[]> record = message.record();
      Decoded<Transaction> decoded = EventCodec.decodeTransaction(record.value());
      if (decoded instanceof Decoded.Invalid<Transaction> invalid) {
        DeadLetter letter =
            invalid.toDeadLetter(
                settings.transactionsTopic(), record.partition(), record.offset(), value(record));
        metrics.deadLetter(letter.reason());
        batch.known(new Output(List.of(deadLetter(letter)), message.partitionOffset()));
      } else {
        Transaction txn = ((Decoded.Valid<Transaction>) decoded).value();
        batch.ask(txn.userId(), new Pending(message, txn));
      }
    }
    return batch.build();
  }

  /**
   * Asks for one stream run: a user's group is sent when the user's previous group (of this run)
   * has been answered. So an entity never gets a user's records out of partition order, even when
   * an earlier message is lost: its ask times out, the stream restarts and nothing after it was
   * sent. A message of a failed run that arrives late is the user's next records after all that its
   * entity has seen, so it too keeps the order.
   */
  private Function<List<UserBatch.Group<Pending, Output>>, CompletionStage<List<Output>>>
      askAllInUserOrder() {
    KeyedSequencer users = new KeyedSequencer();
    return groups -> {
      List<CompletableFuture<UserBatch.Group<Pending, Output>>> asks =
          new ArrayList<>(groups.size());
      for (UserBatch.Group<Pending, Output> group : groups) {
        asks.add(
            group.records().isEmpty()
                ? CompletableFuture.completedFuture(group)
                : users.after(group.userId(), () -> ask(group)).toCompletableFuture());
      }
      // The batch's last group carries what to produce for each record, in record order.
      return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
          .thenApply(all -> groups.get(groups.size() - 1).emit());
    };
  }

  /** Batches whose asks overlap: {@code parallelism} records in flight, at least one batch. */
  private int batchesInFlight() {
    return Math.max(1, settings.parallelism() / settings.batchSize());
  }

  /** Asks the group's user's entity about all its records; the group with their outputs. */
  private CompletionStage<UserBatch.Group<Pending, Output>> ask(
      UserBatch.Group<Pending, Output> group) {
    if (group.records().isEmpty()) {
      return CompletableFuture.completedFuture(group);
    }
    List<UserFraud.Item> items = new ArrayList<>(group.records().size());
    group
        .records()
        .forEach(p -> items.add(new UserFraud.Item(p.txn(), p.message().record().offset())));
    return askEntity(group.userId(), items, 0)
        .thenApply(reply -> group.fill(outputs(group.records(), reply.replies())));
  }

  /**
   * One user's ask, sent again after a backoff when it fails (timeout, a shard in hand-over, a
   * journal write that failed): the entity answers records it has seen with its first answer, so a
   * repeat is safe, and the stream waits for this user instead of restarting for everyone.
   */
  private CompletionStage<UserFraud.ProcessedAll> askEntity(
      String userId, List<UserFraud.Item> items, int attempt) {
    if (streamCut.get()) {
      return CompletableFuture.failedFuture(new IllegalStateException("fraud pipeline stopped"));
    }
    return sharding
        .entityRefFor(UserFraud.ENTITY_KEY, userId)
        .<UserFraud.ProcessedAll>ask(
            replyTo -> new UserFraud.ProcessAll(items, replyTo), settings.askTimeout())
        .exceptionallyCompose(
            failure -> {
              if (stopping.get()) {
                return CompletableFuture.failedFuture(failure);
              }
              metrics.askRetried();
              Duration backoff = backoff(attempt);
              log.warn(
                  "Fraud entity of {} did not answer (attempt {}): {}; asking again in {} ms",
                  userId.length() > 64 ? userId.substring(0, 64) + "..." : userId,
                  attempt + 1,
                  failure.toString(),
                  backoff.toMillis());
              return Patterns.after(
                  backoff,
                  system.classicSystem().scheduler(),
                  system.executionContext(),
                  () -> askEntity(userId, items, attempt + 1));
            });
  }

  private Duration backoff(int attempt) {
    Duration max = settings.restartMaxBackoff();
    Duration next = settings.restartMinBackoff().multipliedBy(1L << Math.min(attempt, 16));
    return next.compareTo(max) > 0 ? max : next;
  }

  private List<Output> outputs(List<Pending> records, List<UserFraud.Processed> replies) {
    List<Output> outputs = new ArrayList<>(replies.size());
    for (int i = 0; i < Math.min(records.size(), replies.size()); i++) {
      TransactionalMessage<byte[], byte[]> message = records.get(i).message();
      outputs.add(output(replies.get(i), message.record(), message.partitionOffset()));
    }
    return outputs;
  }

  /** The records a reply stands for: its alerts, a too-late dead letter, or only the offset. */
  private Output output(
      UserFraud.Processed reply, ConsumerRecord<byte[], byte[]> record, PartitionOffset offset) {
    switch (reply.outcome()) {
      case ACCEPTED -> {
        metrics.accepted(reply.alerts().size());
        if (reply.alerts().isEmpty()) {
          return Output.offsetOnly(offset);
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (FraudAlert alert : reply.alerts()) {
          records.add(
              new ProducerRecord<>(
                  settings.alertsTopic(),
                  alert.userId().getBytes(StandardCharsets.UTF_8),
                  FraudAlertJson.encode(alert)));
        }
        return new Output(records, offset);
      }
      case DUPLICATE -> {
        metrics.duplicate();
        return Output.offsetOnly(offset);
      }
      default -> {
        metrics.deadLetter(Reason.TOO_LATE);
        DeadLetter letter =
            DeadLetter.of(
                settings.transactionsTopic(),
                record.partition(),
                record.offset(),
                Reason.TOO_LATE,
                reply.detail(),
                value(record));
        return new Output(List.of(deadLetter(letter)), offset);
      }
    }
  }

  private ProducerRecord<byte[], byte[]> deadLetter(DeadLetter letter) {
    return new ProducerRecord<>(
        settings.deadLettersTopic(),
        DeadLetterProducer.key(letter).getBytes(StandardCharsets.UTF_8),
        DeadLetterJson.encode(letter));
  }

  private static byte[] value(ConsumerRecord<byte[], byte[]> record) {
    return record.value() == null ? new byte[0] : record.value();
  }

  private ConsumerSettings<byte[], byte[]> consumerSettings() {
    return ConsumerSettings.create(system, new ByteArrayDeserializer(), new ByteArrayDeserializer())
        .withBootstrapServers(settings.bootstrapServers())
        .withGroupId(settings.groupId())
        .withClientId("tidemark-fraud")
        .withProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
        .withProperty(
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
            Long.toString(settings.sessionTimeout().toMillis()))
        .withProperty(
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
            Long.toString(Math.max(100, settings.sessionTimeout().toMillis() / 4)));
  }

  private ProducerSettings<byte[], byte[]> producerSettings() {
    return ProducerSettings.create(system, new ByteArraySerializer(), new ByteArraySerializer())
        .withBootstrapServers(settings.bootstrapServers())
        .withEosCommitInterval(settings.commitInterval())
        // A stream cut at a stop closes its producer with a transaction open; the close aborts it
        // but does not wait for the broker's answer longer than this (the connector's default, 60
        // s, held the whole stop). An abort left unanswered ends at the broker within the
        // transaction timeout, or at once when this transactional id starts again.
        .withCloseTimeout(PRODUCER_CLOSE_TIMEOUT)
        .withProperty(
            ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
            Long.toString(settings.transactionTimeout().toMillis()));
  }

  /** The configured transactional id, or {@code tidemark-fraud-<host name>-<remote port>}. */
  private static String transactionalId(ActorSystem<?> system, FraudPipelineSettings settings) {
    if (!settings.transactionalId().isBlank()) {
      return settings.transactionalId();
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    int port = Cluster.get(system).selfMember().address().getPort().orElse(0);
    return "tidemark-fraud-" + host + "-" + port;
  }

  private static HikariDataSource alertsTablePool(DatabaseSettings db, int size) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("tidemark-fraud-alerts-table");
    config.setJdbcUrl(db.url());
    config.setUsername(db.user());
    config.setPassword(db.password());
    config.setMaximumPoolSize(size);
    config.setInitializationFailTimeout(-1);
    config.setConnectionTimeout(10_000);
    if (!db.schema().isBlank()) {
      config.setSchema(db.schema());
    }
    return new HikariDataSource(config);
  }
}
