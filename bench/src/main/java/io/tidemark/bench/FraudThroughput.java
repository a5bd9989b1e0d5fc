package io.tidemark.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.tidemark.persistence.fraud.CurrentFraudRule;
import io.tidemark.persistence.fraud.FraudAlert;
import io.tidemark.service.cli.Progress;
import io.tidemark.service.fraud.FraudAlertJson;
import io.tidemark.service.fraud.FraudMetrics;
import io.tidemark.service.fraud.FraudPipeline;
import io.tidemark.service.fraud.FraudPipelineSettings;
import io.tidemark.service.generate.GeneratedRecord;
import io.tidemark.service.generate.Generator;
import io.tidemark.service.generate.GeneratorSettings;
import io.tidemark.service.generate.KafkaGenerate;
import io.tidemark.service.infra.EmbeddedKafka;
import io.tidemark.service.run.DatabaseSettings;
import io.tidemark.streams.event.Decoded;
import io.tidemark.streams.event.EventCodec;
import io.tidemark.streams.event.Transaction;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * End-to-end driver for the fraud pipeline: transactions/s of {@link FraudPipeline} (transactional
 * consume, decode, ask of the sharded {@code UserFraud} entity with its JDBC journal, alerts and
 * offsets in one Kafka transaction) draining a pre-loaded {@code transactions} topic, against the
 * ceiling of a plain exactly-once loop on the same broker in the same run: one thread, a {@code
 * read_committed} {@code KafkaConsumer} and a transactional {@code KafkaProducer} writing one
 * record per input to a scratch topic and committing the offsets with {@code
 * sendOffsetsToTransaction} at the pipeline's commit interval. The loop runs before the drain (a1,
 * cold JVM) and after it (a2, warm); the ratio is taken against a2.
 *
 * <p>Over the drain it counts the journal's database work: events written per accepted transaction,
 * database transactions that wrote the journal (counted by {@link CountingJdbcDriver} in front of
 * the journal's connections) and statements, and the {@code pg_stat_database.xact_commit} delta of
 * the whole database.
 *
 * <p>Then, with the pipeline still running, a second phase produces fresh transactions at a steady
 * rate and measures alert latency: from the broker's append of the flagged transaction (the topic
 * uses {@code LogAppendTime}, so the record's timestamp is the broker's clock at append) to the
 * moment a {@code read_committed} consumer of {@code fraud-alerts} polls the alert.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.tidemark.bench.FraudThroughput
 * [--transactions N] [--partitions P] [--rate R] [--seconds S]} (defaults 200,000, 4, 2,000 txn/s,
 * 20 s; the rate is capped at half the drain rate just measured, so that the pipeline keeps up);
 * PostgreSQL at {@code tidemark.bench.db.url} (default {@code
 * jdbc:postgresql://127.0.0.1:5432/test}, user {@code postgres}), in a schema of its own that is
 * dropped at the end. Any configuration key can be given as a system property, e.g. {@code
 * -Dtidemark.journal.write-threads=2}. Exits with status 1 if a check fails.
 */
public final class FraudThroughput {

  private static final String TRANSACTIONS = "transactions";
  private static final String ALERTS = "fraud-alerts";
  private static final String SCRATCH = "bench-scratch";
  private static final Duration PROGRESS = Duration.ofSeconds(5);
  private static final Duration DRAIN_DEADLINE = Duration.ofMinutes(30);
  private static final Duration PHASE_TWO_DEADLINE = Duration.ofMinutes(5);

  /** PostgreSQL 15 flushes an idle backend's statistics within 10 s. */
  private static final Duration STATS_SETTLE = Duration.ofSeconds(11);

  private FraudThroughput() {}

  /** The command line. */
  record Options(long transactions, int partitions, double rate, int seconds) {

    static Options parse(String[] args) {
      long transactions = 200_000;
      int partitions = 4;
      double rate = 2_000;
      int seconds = 20;
      for (int i = 0; i < args.length; i++) {
        String value = i + 1 < args.length ? args[i + 1] : "";
        switch (args[i]) {
          case "--transactions" -> transactions = Long.parseLong(value);
          case "--partitions" -> partitions = Integer.parseInt(value);
          case "--rate" -> rate = Double.parseDouble(value);
          case "--seconds" -> seconds = Integer.parseInt(value);
          default ->
              throw new IllegalArgumentException(
                  "usage: FraudThroughput [--transactions N] [--partitions P] [--rate R]"
                      + " [--seconds S]; unknown: "
                      + args[i]);
        }
        i++;
      }
      if (transactions < 1 || partitions < 1 || rate <= 0 || seconds < 1) {
        throw new IllegalArgumentException("counts, rate and seconds must be positive");
      }
      return new Options(transactions, partitions, rate, seconds);
    }
  }

  public static void main(String[] args) throws Exception {
    org.slf4j.LoggerFactory.getILoggerFactory();
    Options options = Options.parse(args);
    String schema = "bench_" + UUID.randomUUID().toString().replace("-", "");
    Map<String, String> summary = new LinkedHashMap<>();
    List<String> failures = new ArrayList<>();
    double loadBefore = loadAverage();
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      String bootstrap = kafka.bootstrapServers();
      createTopics(bootstrap, options.partitions());

      GeneratorSettings first = generator(options.transactions(), 42, defaultStart());
      long loadStart = System.nanoTime();
      KafkaGenerate load = new KafkaGenerate(bootstrap, "unused-clicks", TRANSACTIONS);
      Progress loading =
          Progress.every(
              PROGRESS,
              System.out,
              () ->
                  "  loading: "
                      + Progress.count(load.produced())
                      + " / "
                      + Progress.count(options.transactions()));
      try {
        load.produce(new Generator(first), 0);
      } finally {
        loading.close();
      }
      SortedMap<Integer, Long> ends = endOffsets(bootstrap, TRANSACTIONS, options.partitions());
      long total = sum(ends);
      System.out.printf(
          "data: %,d transactions on %d partitions %s, loaded in %.1f s%n",
          total, options.partitions(), ends, (System.nanoTime() - loadStart) / 1e9);

      Config config = config(bootstrap, schema, options.partitions());
      FraudPipelineSettings settings = FraudPipelineSettings.create(config);
      DatabaseSettings db = DatabaseSettings.create(config);
      printTuning(config, settings);

      try (HikariDataSource data = db.openMigrated("bench-fraud")) {
        // (a) the ceiling; the database is idle for this run, so its commits are other clients'
        long idleCommits = xactCommit(data);
        long idleStart = System.nanoTime();
        Baseline before = baseline(bootstrap, total, options.partitions(), settings, schema + "_1");
        double idleSeconds = (System.nanoTime() - idleStart) / 1e9;
        double backgroundCommitsPerSecond = (xactCommit(data) - idleCommits) / idleSeconds;
        print("(a1)", before, settings);
        System.out.printf(
            "    database %s meanwhile (not used by the bench): %.1f commits/s from other"
                + " clients%n",
            db.url(), backgroundCommitsPerSecond);
        if (before.consumed() != total) {
          failures.add("baseline (a1) consumed " + before.consumed() + " of " + total);
        }

        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "tidemark", config);
        try (Admin admin = admin(bootstrap)) {
          // (b) the pipeline
          long commitsBefore = xactCommit(data);
          CountingJdbcDriver.Counts countsBefore = CountingJdbcDriver.counts();
          long start = System.nanoTime();
          FraudPipeline pipeline =
              FraudPipeline.start(
                  system, settings, db, CurrentFraudRule.fixed(settings.entity().rule()));
          Drain drain =
              awaitCommitted(admin, settings.groupId(), ends, start, DRAIN_DEADLINE, pipeline);
          CountingJdbcDriver.Counts journal = CountingJdbcDriver.counts().minus(countsBefore);
          FraudMetrics metrics = pipeline.metrics();
          long accepted = metrics.acceptedCount();
          long duplicates = metrics.duplicateCount();
          long deadLetters =
              metrics.deadLetters().values().stream().mapToLong(Long::longValue).sum();
          long raised = metrics.raisedAlertCount();
          long restarts = metrics.restartCount();
          long journalEvents = journalEvents(data, schema);
          if (!drain.complete()) {
            failures.add("pipeline did not drain within " + DRAIN_DEADLINE + ": " + drain);
          }
          long drainEnd = System.nanoTime();
          double txnPerSecond = total / drain.seconds();
          System.out.printf(
              "(b) fraud pipeline: %,.0f txn/s (%,d in %.1f s from start, cluster and group join"
                  + " included; %,.0f txn/s from the first commit)%n",
              txnPerSecond, total, drain.seconds(), drain.steadyPerSecond());
          System.out.printf(
              "    accepted %,d, duplicates %,d, dead letters %,d, alerts %,d, restarts %d%n",
              accepted, duplicates, deadLetters, raised, restarts);
          System.out.printf(
              "    journal: %,d rows written (%,d events in event_journal), %,d database"
                  + " transactions, %,d statements; all statements on the journal's pool %,d,"
                  + " commits %,d%n",
              journal.journalRows(),
              journalEvents,
              journal.journalTransactions(),
              journal.journalStatements(),
              journal.statements(),
              journal.commits());
          if (journal.journalRows() != journalEvents) {
            failures.add(
                "journal rows counted by the driver ("
                    + journal.journalRows()
                    + ") differ from the events in event_journal ("
                    + journalEvents
                    + ")");
          }
          if (restarts > 0) {
            failures.add("the pipeline restarted " + restarts + " times");
          }
          // (a2) the ceiling again, after the drain, in a warm JVM; the pipeline is idle meanwhile
          Baseline after =
              baseline(bootstrap, total, options.partitions(), settings, schema + "_2");
          print("(a2)", after, settings);
          if (after.consumed() != total) {
            failures.add("baseline (a2) consumed " + after.consumed() + " of " + total);
          }
          // a1 runs in a cold JVM (a few seconds, JIT and broker warm-up included); a2 is warm,
          // like the pipeline after its first seconds: the ratio is taken against a2
          double ratio = txnPerSecond / after.recordsPerSecond();
          System.out.printf(
              "ratio pipeline / baseline: %.3f against a2 (warm), %.3f against a1 (cold)%n",
              ratio, txnPerSecond / before.recordsPerSecond());
          long settled = drainEnd + STATS_SETTLE.toNanos() - System.nanoTime();
          if (settled > 0) {
            System.out.printf(
                "    waiting %.0f s more for PostgreSQL's statistics of the drain to be flushed%n",
                settled / 1e9);
            park(Duration.ofNanos(settled));
          }
          long dbCommits = xactCommit(data) - commitsBefore;
          double windowSeconds = (System.nanoTime() - start) / 1e9;
          System.out.printf(
              "    pg_stat_database.xact_commit: +%,d over the drain and the %d s after it (%.1f"
                  + " s; journal, snapshots, alerts table and other clients)%n",
              dbCommits, STATS_SETTLE.toSeconds(), windowSeconds);

          AlertCheck alertsOfDrain = readAlerts(bootstrap, options.partitions());
          System.out.printf(
              "    fraud-alerts (read_committed): %,d alerts, %d repeated alertIds%n",
              alertsOfDrain.alerts(), alertsOfDrain.repeated());
          if (alertsOfDrain.alerts() == 0) {
            failures.add("no alert in fraud-alerts after the drain");
          }
          if (alertsOfDrain.repeated() != 0) {
            failures.add(alertsOfDrain.repeated() + " alerts repeated in fraud-alerts");
          }
          if (restarts == 0 && alertsOfDrain.alerts() != raised) {
            failures.add(
                "fraud-alerts holds "
                    + alertsOfDrain.alerts()
                    + " alerts, entities raised "
                    + raised);
          }

          // (c) alert latency at a steady rate, the pipeline still running
          // a steady rate the pipeline keeps up with: at most half its measured drain rate
          double rate = Math.min(options.rate(), Math.max(1, drain.steadyPerSecond() / 2));
          if (rate < options.rate()) {
            System.out.printf(
                "    latency phase at %,.0f txn/s: half the drain rate (asked for %,.0f), so that"
                    + " the pipeline keeps up rather than queues%n",
                rate, options.rate());
          }
          GeneratorSettings second =
              generator(
                  Math.round(rate * options.seconds()),
                  43,
                  new Generator(first).latestTs()
                      + Generator.MAX_LOOKBACK_MS
                      + TimeUnit.HOURS.toMillis(1));
          Latency latency =
              latencyPhase(bootstrap, admin, settings, options, second, rate, failures);
          Histogram h = latency.histogram();
          System.out.printf(
              "(c) alert latency at %,.0f txn/s for %d s, append -> visible to read_committed"
                  + " (%,d alerts): p50 %d ms, p99 %d ms, max %d ms%n",
              latency.achievedRate(),
              options.seconds(),
              h.getTotalCount(),
              h.getValueAtPercentile(50),
              h.getValueAtPercentile(99),
              h.getMaxValue());

          double perTxn = 1.0 / accepted;
          summary.put(
              "transactions", String.format("%,d on %d partitions", total, options.partitions()));
          summary.put(
              "(a) baseline EOS loop, a1 / a2",
              String.format(
                  "%,.0f / %,.0f records/s", before.recordsPerSecond(), after.recordsPerSecond()));
          summary.put(
              "(b) fraud pipeline",
              String.format(
                  "%,.0f txn/s (%.1f s; %,.0f txn/s from first commit)",
                  txnPerSecond, drain.seconds(), drain.steadyPerSecond()));
          summary.put(
              "ratio (b) / (a2), (b) / (a1)",
              String.format("%.3f, %.3f", ratio, txnPerSecond / before.recordsPerSecond()));
          summary.put("accepted transactions", String.format("%,d", accepted));
          summary.put(
              "journal rows / accepted txn", String.format("%.3f", journal.journalRows() * perTxn));
          summary.put(
              "journal db transactions / accepted txn",
              String.format(
                  "%.4f (%,d; %.1f rows each)",
                  journal.journalTransactions() * perTxn,
                  journal.journalTransactions(),
                  journal.journalRows() / (double) Math.max(1, journal.journalTransactions())));
          summary.put(
              "journal statements / accepted txn",
              String.format("%.4f", journal.journalStatements() * perTxn));
          summary.put(
              "xact_commit / txn (whole db)",
              String.format(
                  "%.4f (%,d in %.0f s; other clients ~%.1f/s)",
                  dbCommits / (double) total,
                  dbCommits,
                  windowSeconds,
                  backgroundCommitsPerSecond));
          summary.put(
              "alert latency p50 / p99 / max",
              String.format(
                  "%d / %d / %d ms (%,d alerts at %,.0f txn/s)",
                  h.getValueAtPercentile(50),
                  h.getValueAtPercentile(99),
                  h.getMaxValue(),
                  h.getTotalCount(),
                  latency.achievedRate()));
        } finally {
          system.terminate();
          system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
      }
    } catch (RuntimeException e) {
      failures.add("run failed: " + e);
      e.printStackTrace(System.out);
    } finally {
      dropSchema(schema);
    }
    summary.put(
        "load average", String.format("%.1f before, %.1f after", loadBefore, loadAverage()));
    System.out.println();
    System.out.println("| measure | value |");
    System.out.println("|---|---|");
    summary.forEach((k, v) -> System.out.println("| " + k + " | " + v + " |"));
    if (!failures.isEmpty()) {
      System.out.println();
      failures.forEach(f -> System.out.println("FAILED: " + f));
      System.exit(1);
    }
    System.out.println("all checks passed");
    System.exit(0);
  }

  /** Transactions of 5000 users, a fifth acting out fraud patterns, 2% late, 1% bad. */
  private static GeneratorSettings generator(long transactions, long seed, long startTs) {
    return new GeneratorSettings(0, transactions, seed, 5_000, 100, 0.2, 0.02, 0.01, startTs);
  }

  private static long defaultStart() {
    return GeneratorSettings.DEFAULT_START_TS;
  }

  // ---- (a) baseline

  private static void print(String label, Baseline baseline, FraudPipelineSettings settings) {
    System.out.printf(
        "%s read_committed consumer -> transactional producer, commit every %d ms:"
            + " %,.0f records/s (%,d in %.1f s, %,d Kafka transactions)%n",
        label,
        settings.commitInterval().toMillis(),
        baseline.recordsPerSecond(),
        baseline.consumed(),
        baseline.seconds(),
        baseline.commits());
  }

  private record Baseline(double recordsPerSecond, double seconds, long consumed, long commits) {}

  /**
   * One thread: a read_committed consumer of every partition from the beginning, a transactional
   * producer sending one scratch record per input and committing offsets with it every commit
   * interval, until every record is consumed.
   */
  private static Baseline baseline(
      String bootstrap, long total, int partitions, FraudPipelineSettings settings, String schema) {
    String group = "bench-baseline-" + schema;
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, group);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    long interval = settings.commitInterval().toNanos();
    AtomicLong consumed = new AtomicLong();
    long commits = 0;
    long start = System.nanoTime();
    Progress progress =
        Progress.every(
            PROGRESS,
            System.out,
            () ->
                "  baseline: "
                    + Progress.count(consumed.get())
                    + " / "
                    + Progress.count(total)
                    + ", "
                    + Progress.rate(consumed.get(), System.nanoTime() - start)
                    + " records/s");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      producer.initTransactions();
      List<TopicPartition> tps = partitions(TRANSACTIONS, partitions);
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
      producer.beginTransaction();
      long lastCommit = System.nanoTime();
      long deadline = start + DRAIN_DEADLINE.toNanos();
      while (consumed.get() < total && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          producer.send(new ProducerRecord<>(SCRATCH, record.key(), record.value()));
          pending.put(
              new TopicPartition(record.topic(), record.partition()),
              new OffsetAndMetadata(record.offset() + 1));
          consumed.incrementAndGet();
        }
        long now = System.nanoTime();
        if (!pending.isEmpty() && (now - lastCommit >= interval || consumed.get() >= total)) {
          producer.sendOffsetsToTransaction(pending, consumer.groupMetadata());
          producer.commitTransaction();
          commits++;
          pending.clear();
          lastCommit = now;
          producer.beginTransaction();
        }
      }
      producer.abortTransaction(); // the empty one begun after the last commit
    } finally {
      progress.close();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Baseline(consumed.get() / seconds, seconds, consumed.get(), commits);
  }

  // ---- (b) the drain

  private record Drain(
      boolean complete, double seconds, double steadyPerSecond, SortedMap<Integer, Long> last) {}

  /** Polls the group's committed offsets until they reach {@code ends}, printing progress. */
  private static Drain awaitCommitted(
      Admin admin,
      String group,
      SortedMap<Integer, Long> ends,
      long start,
      Duration limit,
      FraudPipeline pipeline) {
    long total = sum(ends);
    AtomicReference<SortedMap<Integer, Long>> committed = new AtomicReference<>(new TreeMap<>());
    long firstAt = 0;
    long firstCount = 0;
    long deadline = start + limit.toNanos();
    Progress progress =
        Progress.every(
            PROGRESS,
            System.out,
            () ->
                "  pipeline: committed "
                    + Progress.count(sum(committed.get()))
                    + " / "
                    + Progress.count(total)
                    + ", "
                    + Progress.rate(sum(committed.get()), System.nanoTime() - start)
                    + " txn/s since start; consumed "
                    + Progress.count(pipeline.metrics().consumedCount())
                    + ", accepted "
                    + Progress.count(pipeline.metrics().acceptedCount())
                    + ", journal transactions "
                    + Progress.count(CountingJdbcDriver.counts().journalTransactions()));
    try {
      while (System.nanoTime() < deadline) {
        SortedMap<Integer, Long> now = committedOffsets(admin, group);
        committed.set(now);
        long n = sum(now);
        if (firstAt == 0 && n > 0) {
          firstAt = System.nanoTime();
          firstCount = n;
        }
        if (now.equals(ends)) {
          long end = System.nanoTime();
          double seconds = (end - start) / 1e9;
          double steady = firstAt == end ? 0 : (total - firstCount) / ((end - firstAt) / 1e9);
          return new Drain(true, seconds, steady, now);
        }
        park(Duration.ofMillis(50));
      }
    } finally {
      progress.close();
    }
    return new Drain(false, limit.toSeconds(), 0, committed.get());
  }

  // ---- (c) alert latency

  private record Latency(Histogram histogram, double achievedRate) {}

  private record Seen(String alertId, String txnId, long visibleMs) {}

  /**
   * Produces {@code second}'s transactions at {@code rate} while a read_committed consumer of
   * {@code fraud-alerts} (from its current end) notes when each alert becomes visible; latency is
   * that time minus the broker's append time of the alert's transaction.
   */
  private static Latency latencyPhase(
      String bootstrap,
      Admin admin,
      FraudPipelineSettings settings,
      Options options,
      GeneratorSettings second,
      double rate,
      List<String> failures)
      throws InterruptedException {
    Map<String, Long> appendedMs = new ConcurrentHashMap<>();
    List<Seen> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicLong produced = new AtomicLong();
    AtomicReference<Exception> produceError = new AtomicReference<>();
    AtomicReference<Exception> consumeError = new AtomicReference<>();
    java.util.concurrent.CountDownLatch positioned = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean finish =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread reader =
        new Thread(
            () ->
                readAlertsUntil(
                    bootstrap, options.partitions(), seen, positioned, finish, consumeError),
            "bench-alert-reader");
    reader.setDaemon(true);
    reader.start();
    if (!positioned.await(60, TimeUnit.SECONDS)) {
      failures.add("the alert reader did not start");
    }
    SortedMap<Integer, Long> before = endOffsets(bootstrap, TRANSACTIONS, options.partitions());
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    long count = second.transactions();
    long start = System.nanoTime();
    Supplier<String> line =
        () ->
            "  latency phase: produced "
                + Progress.count(produced.get())
                + " / "
                + Progress.count(count)
                + ", alerts visible "
                + Progress.count(seen.size());
    Progress progress = Progress.every(PROGRESS, System.out, line);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      Iterator<GeneratedRecord> records = new Generator(second).transactions();
      while (records.hasNext()) {
        GeneratedRecord record = records.next();
        String txnId =
            EventCodec.decodeTransaction(record.value()) instanceof Decoded.Valid<Transaction> v
                ? v.value().txnId()
                : null;
        producer.send(
            new ProducerRecord<>(TRANSACTIONS, record.key(), record.value()),
            (metadata, error) -> {
              if (error != null) {
                produceError.compareAndSet(null, error);
              } else if (txnId != null) {
                appendedMs.putIfAbsent(txnId, metadata.timestamp());
              }
            });
        long n = produced.incrementAndGet();
        long wait = start + (long) (n * 1e9 / rate) - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
      }
      producer.flush();
    } finally {
      progress.close();
    }
    double achieved = produced.get() / ((System.nanoTime() - start) / 1e9);
    if (produceError.get() != null) {
      failures.add("producing the latency phase failed: " + produceError.get());
    }
    SortedMap<Integer, Long> ends = endOffsets(bootstrap, TRANSACTIONS, options.partitions());
    System.out.printf(
        "  latency phase: %,d transactions appended (%,d -> %,d), waiting for the pipeline%n",
        sum(ends) - sum(before), sum(before), sum(ends));
    long deadline = System.nanoTime() + PHASE_TWO_DEADLINE.toNanos();
    boolean drained =
        awaitCondition(deadline, () -> committedOffsets(admin, settings.groupId()).equals(ends));
    if (!drained) {
      failures.add(
          "the latency phase's transactions were not all committed within " + PHASE_TWO_DEADLINE);
    }
    finish.set(true);
    reader.join(TimeUnit.SECONDS.toMillis(60));
    if (reader.isAlive()) {
      failures.add("the alert reader did not reach the end of fraud-alerts");
    }
    if (consumeError.get() != null) {
      failures.add("reading fraud-alerts failed: " + consumeError.get());
    }
    Histogram histogram = new Histogram(TimeUnit.MINUTES.toMillis(30), 3);
    Set<String> ids = new HashSet<>();
    int repeated = 0;
    int unmatched = 0;
    synchronized (seen) {
      for (Seen s : seen) {
        if (!ids.add(s.alertId())) {
          repeated++;
          continue;
        }
        Long appended = appendedMs.get(s.txnId());
        if (appended == null) {
          unmatched++;
          continue;
        }
        histogram.recordValue(
            Math.min(Math.max(0, s.visibleMs() - appended), histogram.getHighestTrackableValue()));
      }
    }
    System.out.printf(
        "  latency phase: %,d alerts seen, %d repeated, %d without a transaction of this phase%n",
        seen.size(), repeated, unmatched);
    if (histogram.getTotalCount() == 0) {
      failures.add("no alert in the latency phase");
    }
    if (repeated > 0) {
      failures.add(repeated + " alerts repeated in the latency phase");
    }
    if (unmatched > 0) {
      failures.add(unmatched + " alerts of the latency phase without their transaction");
    }
    return new Latency(histogram, achieved);
  }

  /** The alert reader: from the current end, until told to finish and at the (committed) end. */
  private static void readAlertsUntil(
      String bootstrap,
      int partitions,
      List<Seen> seen,
      java.util.concurrent.CountDownLatch positioned,
      java.util.concurrent.atomic.AtomicBoolean finish,
      AtomicReference<Exception> error) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, "read_committed")) {
      List<TopicPartition> tps = partitions(ALERTS, partitions);
      consumer.assign(tps);
      consumer.seekToEnd(tps);
      tps.forEach(consumer::position);
      positioned.countDown();
      Map<TopicPartition, Long> end = null;
      while (true) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
          long now = System.currentTimeMillis();
          FraudAlert alert = FraudAlertJson.decode(record.value());
          seen.add(new Seen(alert.alertId(), alert.txnId(), now));
        }
        if (finish.get()) {
          if (end == null) {
            end = consumer.endOffsets(tps);
          }
          boolean done = true;
          for (TopicPartition tp : tps) {
            done &= consumer.position(tp) >= end.get(tp);
          }
          if (done) {
            return;
          }
        }
      }
    } catch (RuntimeException e) {
      error.set(e);
      positioned.countDown();
    }
  }

  // ---- checks and helpers

  private record AlertCheck(long alerts, long repeated) {}

  /** Every committed alert in fraud-alerts now, and how many alertIds appear more than once. */
  private static AlertCheck readAlerts(String bootstrap, int partitions) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, "read_committed")) {
      List<TopicPartition> tps = partitions(ALERTS, partitions);
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps);
      Set<String> ids = new HashSet<>();
      long alerts = 0;
      long repeated = 0;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          alerts++;
          if (!ids.add(FraudAlertJson.decode(record.value()).alertId())) {
            repeated++;
          }
        }
      }
      return new AlertCheck(alerts, repeated);
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String isolation) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(props);
  }

  /**
   * The input topic with {@code LogAppendTime} (record timestamps are the broker's append time),
   * the output topics, and the baseline's scratch topic.
   */
  private static void createTopics(String bootstrap, int partitions) {
    try (Admin admin = admin(bootstrap)) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(TRANSACTIONS, partitions, (short) 1)
                      .configs(Map.of("message.timestamp.type", "LogAppendTime")),
                  new NewTopic(ALERTS, partitions, (short) 1),
                  new NewTopic("dead-letters", 1, (short) 1),
                  new NewTopic(SCRATCH, partitions, (short) 1)))
          .all()
          .get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Could not create the topics", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Admin admin(String bootstrap) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return Admin.create(props);
  }

  private static SortedMap<Integer, Long> committedOffsets(Admin admin, String group) {
    SortedMap<Integer, Long> offsets = new TreeMap<>();
    try {
      admin
          .listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata()
          .get(30, TimeUnit.SECONDS)
          .forEach(
              (tp, om) -> {
                if (tp.topic().equals(TRANSACTIONS) && om != null) {
                  offsets.put(tp.partition(), om.offset());
                }
              });
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Could not read the offsets of " + group, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return offsets;
  }

  private static SortedMap<Integer, Long> endOffsets(
      String bootstrap, String topic, int partitions) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, "read_uncommitted")) {
      SortedMap<Integer, Long> ends = new TreeMap<>();
      consumer
          .endOffsets(partitions(topic, partitions), Duration.ofSeconds(30))
          .forEach((tp, offset) -> ends.put(tp.partition(), offset));
      return ends;
    }
  }

  private static List<TopicPartition> partitions(String topic, int count) {
    List<TopicPartition> tps = new ArrayList<>();
    for (int p = 0; p < count; p++) {
      tps.add(new TopicPartition(topic, p));
    }
    return tps;
  }

  private static long sum(Map<Integer, Long> offsets) {
    return offsets.values().stream().mapToLong(Long::longValue).sum();
  }

  private static boolean awaitCondition(long deadline, BooleanSupplier condition) {
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      park(Duration.ofMillis(100));
    }
    return condition.getAsBoolean();
  }

  private static void park(Duration duration) {
    long until = System.nanoTime() + duration.toNanos();
    for (long left = duration.toNanos(); left > 0; left = until - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /** {@code xact_commit} of the current database (every client's commits, autocommit included). */
  private static long xactCommit(HikariDataSource data) throws SQLException {
    try (Connection c = data.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Events in the journal: each entity's highest sequence number (older events are deleted). */
  private static long journalEvents(HikariDataSource data, String schema) throws SQLException {
    try (Connection c = data.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT coalesce(sum(m), 0) FROM (SELECT max(sequence_number) AS m FROM "
                    + schema
                    + ".event_journal GROUP BY persistence_id) AS t")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void printTuning(Config config, FraudPipelineSettings settings) {
    System.out.printf(
        "settings: ask parallelism %d, batch %d records / %d ms, commit interval %d ms, journal"
            + " write threads %d, read threads %d, max batch %d, snapshot every %d%n",
        settings.parallelism(),
        settings.batchSize(),
        settings.batchWindow().toMillis(),
        settings.commitInterval().toMillis(),
        config.getInt("tidemark.journal.write-threads"),
        config.getInt("tidemark.journal.read-threads"),
        config.getInt("tidemark.journal.max-batch"),
        settings.entity().snapshotEvery());
  }

  /**
   * The service's configuration against the bench's broker and schema, the journal's connections
   * through {@link CountingJdbcDriver}; system properties override any key.
   */
  private static Config config(String bootstrap, String schema, int partitions) {
    String url =
        System.getProperty("tidemark.bench.db.url", "jdbc:postgresql://127.0.0.1:5432/test");
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("tidemark.kafka.bootstrap-servers", bootstrap);
    overrides.put("tidemark.kafka.group-id", "bench-" + schema);
    overrides.put("tidemark.fraud.pipeline.group-id", "bench-" + schema + "-fraud");
    overrides.put("tidemark.fraud.pipeline.transactional-id", "bench-" + schema + "-fraud");
    overrides.put("tidemark.fraud.entity.shards", partitions);
    overrides.put("tidemark.db.url", url);
    overrides.put("tidemark.db.user", System.getProperty("tidemark.bench.db.user", "postgres"));
    overrides.put("tidemark.db.password", System.getProperty("tidemark.bench.db.password", ""));
    overrides.put("tidemark.db.schema", schema);
    overrides.put("tidemark.journal.url", CountingJdbcDriver.wrap(url));
    return ConfigFactory.load(
        ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.defaultApplication()));
  }

  private static void dropSchema(String schema) {
    String url =
        System.getProperty("tidemark.bench.db.url", "jdbc:postgresql://127.0.0.1:5432/test");
    try (Connection c =
            java.sql.DriverManager.getConnection(
                url,
                System.getProperty("tidemark.bench.db.user", "postgres"),
                System.getProperty("tidemark.bench.db.password", ""));
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      System.err.println("Could not drop schema " + schema + ": " + e);
    }
  }
}
