package io.tidemark.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.tidemark.service.generate.Generator;
import io.tidemark.service.generate.GeneratorSettings;
import io.tidemark.service.generate.KafkaGenerate;
import io.tidemark.service.infra.EmbeddedKafka;
import io.tidemark.service.pipeline.ClickstreamPipeline;
import io.tidemark.service.pipeline.LiveUpdates;
import io.tidemark.service.pipeline.PipelineSettings;
import io.tidemark.service.run.DatabaseSettings;
import io.tidemark.streams.clicks.ClickstreamSettings;
import io.tidemark.streams.clicks.ClickstreamWindows;
import io.tidemark.streams.clicks.PageViews;
import io.tidemark.streams.event.Click;
import io.tidemark.streams.event.Decoded;
import io.tidemark.streams.event.EventCodec;
import io.tidemark.streams.time.WindowOperator;
import io.tidemark.streams.time.WindowResult;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * End-to-end driver for the live pipeline: events/s of {@link ClickstreamPipeline} draining a
 * pre-loaded 4-partition {@code clicks} topic into PostgreSQL (decode, watermark, page views and
 * HLL visitors with the default windows, dead letters to Kafka, one transaction per partition
 * checkpoint), against the ceiling of one thread polling the same topic with a plain {@code
 * KafkaConsumer} and parsing each record with a Jackson tree parse. Both in one JVM, one after the
 * other, against the same in-process broker.
 *
 * <p>Also measures the commit latency of fired windows: for each (partition, page-view window), the
 * time from the pipeline emitting the window's FIRED result (its partition's watermark passed the
 * window end; taken by a {@link LiveUpdates} hook) to a reader polling the database every {@value
 * #POLL_MILLIS} ms seeing the partition's committed offset pass the record that fired it (so the
 * window's rows of that partition are visible in {@code page_views}: they commit in the same
 * transaction as the offset). The firing record is found afterwards by running each partition's
 * records through the same window operator.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.tidemark.bench.PipelineThroughput
 * [clicks]} (default 2,000,000); PostgreSQL at {@code tidemark.bench.db.url} (default {@code
 * jdbc:postgresql://127.0.0.1:5432/test}, user {@code postgres}), in a schema of its own that is
 * dropped at the end.
 */
public final class PipelineThroughput {

  static final long POLL_MILLIS = 10;
  private static final String TOPIC = "clicks";
  private static final int PARTITIONS = 4;
  private static final ObjectMapper JSON = new ObjectMapper();

  private record WindowOfPartition(int partition, long windowStart) {}

  private PipelineThroughput() {}

  public static void main(String[] args) throws Exception {
    org.slf4j.LoggerFactory.getILoggerFactory();
    long clicks = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000L;
    String schema = "bench_" + UUID.randomUUID().toString().replace("-", "");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopics(Map.of(TOPIC, PARTITIONS, "dead-letters", 1));
      long loadStart = System.nanoTime();
      new KafkaGenerate(kafka.bootstrapServers(), TOPIC, "transactions")
          .produce(new Generator(GeneratorSettings.defaults().withCounts(clicks, 0)), 0);
      SortedMap<Integer, Long> ends = endOffsets(kafka.bootstrapServers());
      long total = ends.values().stream().mapToLong(Long::longValue).sum();
      System.out.printf(
          "data: %,d clicks on %d partitions %s, loaded in %.1f s%n",
          total, PARTITIONS, ends, (System.nanoTime() - loadStart) / 1e9);

      double baseline = baseline(kafka.bootstrapServers(), total);
      System.out.printf("(a) KafkaConsumer poll + Jackson readTree: %,.0f events/s%n", baseline);

      Config config = config(kafka.bootstrapServers(), schema);
      PipelineRun run = pipeline(config, ends, total);
      System.out.printf(
          "(b) pipeline to PostgreSQL: %,.0f events/s (%,d events in %.1f s from start, consumer"
              + " group join included; %,d commits)%n",
          run.eventsPerSecond, total, run.seconds, run.commits);
      System.out.printf("ratio pipeline / baseline: %.2f%n", run.eventsPerSecond / baseline);
      System.out.println("(b) partitions drained at " + drainTimes(ends, run.polls));
      System.out.println(
          "(b) thousands of events committed in each second: " + perSecond(run.polls));

      Histogram latency =
          commitLatency(
              kafka.bootstrapServers(),
              ends,
              PipelineSettings.create(config),
              run.fired,
              run.polls);
      System.out.printf(
          "window FIRED -> visible in page_views (%d windows x partitions, poll every %d ms):"
              + " p50 %d ms, p99 %d ms, max %d ms%n",
          latency.getTotalCount(),
          POLL_MILLIS,
          latency.getValueAtPercentile(50) / 1000,
          latency.getValueAtPercentile(99) / 1000,
          latency.getMaxValue() / 1000);
    } finally {
      dropSchema(config("unused", schema), schema);
    }
  }

  /** One thread, a plain consumer from the beginning, a Jackson tree parse per record. */
  private static double baseline(String bootstrap, long total) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    long start = System.nanoTime();
    long read = 0;
    long fields = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        partitions.add(new TopicPartition(TOPIC, p));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (read < total) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          read++;
          try {
            JsonNode node = JSON.readTree(record.value());
            fields += node == null ? 0 : node.size();
          } catch (IOException e) {
            fields--; // a bad record: parsed as far as Jackson goes
          }
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (fields == Long.MIN_VALUE) {
      System.out.println(fields); // keeps the parse from being optimised away
    }
    return read / seconds;
  }

  private record PipelineRun(
      double eventsPerSecond,
      double seconds,
      long commits,
      Map<WindowOfPartition, Long> fired,
      List<long[]> polls) {}

  /**
   * Runs the pipeline from the beginning until its committed offsets reach {@code ends}, polling
   * the committed offsets; returns the throughput, the FIRED times and the polls.
   */
  private static PipelineRun pipeline(Config config, SortedMap<Integer, Long> ends, long total)
      throws Exception {
    PipelineSettings settings = PipelineSettings.create(config);
    Map<WindowOfPartition, Long> fired = new ConcurrentHashMap<>();
    LiveUpdates hook =
        (partition, result) -> {
          if (result.kind() == WindowResult.Kind.FIRED
              && PageViews.NAME.equals(result.computation())) {
            fired.putIfAbsent(
                new WindowOfPartition(partition, result.windowStart()), System.nanoTime());
          }
        };
    List<long[]> polls = new ArrayList<>();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "tidemark-bench", config);
    try (HikariDataSource dataSource =
        DatabaseSettings.create(config).openMigrated("bench-pipeline")) {
      long start = System.nanoTime();
      ClickstreamPipeline pipeline = ClickstreamPipeline.start(system, settings, dataSource, hook);
      try (Connection c = dataSource.getConnection();
          PreparedStatement s =
              c.prepareStatement(
                  "SELECT partition, next_offset FROM input_offsets"
                      + " WHERE pipeline = ? AND topic = ?")) {
        s.setString(1, settings.name());
        s.setString(2, settings.clicksTopic());
        long committed = 0;
        long deadline = start + TimeUnit.MINUTES.toNanos(60);
        while (committed < total) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("pipeline did not drain within 60 minutes");
          }
          long[] poll = new long[PARTITIONS + 1];
          committed = 0;
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              poll[rs.getInt(1)] = rs.getLong(2);
              committed += rs.getLong(2);
            }
          }
          poll[PARTITIONS] = System.nanoTime();
          polls.add(poll);
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long commits = pipeline.metrics().commits();
      pipeline.close();
      return new PipelineRun(total / seconds, seconds, commits, fired, polls);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * When each partition's committed offset reached its end, in seconds from the pipeline's start: a
   * partition that drains much later than the others shows the pipeline waiting on it alone.
   */
  private static String drainTimes(SortedMap<Integer, Long> ends, List<long[]> polls) {
    long start = polls.get(0)[PARTITIONS];
    StringBuilder out = new StringBuilder();
    for (Map.Entry<Integer, Long> end : ends.entrySet()) {
      for (long[] poll : polls) {
        if (poll[end.getKey()] >= end.getValue()) {
          out.append(String.format("p%d %.1f s  ", end.getKey(), (poll[PARTITIONS] - start) / 1e9));
          break;
        }
      }
    }
    return out.toString().trim();
  }

  /** Events committed (all partitions) in each second from the pipeline's start, in thousands. */
  private static String perSecond(List<long[]> polls) {
    long start = polls.get(0)[PARTITIONS];
    List<String> seconds = new ArrayList<>();
    long previous = 0;
    int second = 1;
    for (int i = 0; i < polls.size(); i++) {
      long[] poll = polls.get(i);
      boolean last = i == polls.size() - 1;
      if (poll[PARTITIONS] - start >= second * 1_000_000_000L || last) {
        long committed = 0;
        for (int p = 0; p < PARTITIONS; p++) {
          committed += poll[p];
        }
        seconds.add(String.valueOf((committed - previous) / 1000));
        previous = committed;
        second++;
      }
    }
    return String.join(" ", seconds);
  }

  /**
   * For each (partition, window) the pipeline fired: the time from its FIRED result to the first
   * poll that saw the partition committed past the record that fired it, in microseconds.
   */
  private static Histogram commitLatency(
      String bootstrap,
      SortedMap<Integer, Long> ends,
      PipelineSettings settings,
      Map<WindowOfPartition, Long> fired,
      List<long[]> polls) {
    Histogram histogram = new Histogram(TimeUnit.MINUTES.toMicros(30), 3);
    Map<WindowOfPartition, Long> firingOffsets = firingOffsets(bootstrap, ends, settings);
    int missing = 0;
    for (Map.Entry<WindowOfPartition, Long> entry : firingOffsets.entrySet()) {
      Long firedAt = fired.get(entry.getKey());
      if (firedAt == null) {
        missing++;
        continue;
      }
      int partition = entry.getKey().partition();
      long offset = entry.getValue();
      for (long[] poll : polls) {
        if (poll[partition] > offset) {
          long micros = Math.max(0, (poll[PARTITIONS] - firedAt) / 1000);
          histogram.recordValue(Math.min(micros, histogram.getHighestTrackableValue()));
          break;
        }
      }
    }
    if (missing > 0) {
      System.out.printf("(%d windows fired by the engine were not seen by the hook)%n", missing);
    }
    return histogram;
  }

  /** The offset of the record whose arrival fired each page-view window, per partition. */
  private static Map<WindowOfPartition, Long> firingOffsets(
      String bootstrap, SortedMap<Integer, Long> ends, PipelineSettings settings) {
    ClickstreamSettings clickstream = settings.clickstream();
    Map<WindowOfPartition, Long> offsets = new HashMap<>();
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      for (Map.Entry<Integer, Long> end : ends.entrySet()) {
        int partition = end.getKey();
        TopicPartition tp = new TopicPartition(TOPIC, partition);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        WindowOperator<Click> operator = ClickstreamWindows.operator(clickstream);
        while (consumer.position(tp) < end.getValue()) {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
            byte[] value = record.value() == null ? new byte[0] : record.value();
            if (EventCodec.decodeClick(value) instanceof Decoded.Valid<Click> valid) {
              long offset = record.offset();
              operator.onRecord(
                  valid.value().ts(),
                  valid.value(),
                  r -> {
                    if (r.kind() == WindowResult.Kind.FIRED
                        && PageViews.NAME.equals(r.computation())) {
                      offsets.putIfAbsent(
                          new WindowOfPartition(partition, r.windowStart()), offset);
                    }
                  });
            }
          }
        }
      }
    }
    return offsets;
  }

  private static SortedMap<Integer, Long> endOffsets(String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        partitions.add(new TopicPartition(TOPIC, p));
      }
      SortedMap<Integer, Long> ends = new TreeMap<>();
      consumer
          .endOffsets(partitions, Duration.ofSeconds(30))
          .forEach((tp, offset) -> ends.put(tp.partition(), offset));
      return ends;
    }
  }

  /**
   * The service's configuration with the default windows (1 min page views, 5 min HLL visitors) and
   * commit interval, early firings off, against the bench's broker and schema.
   */
  private static Config config(String bootstrap, String schema) {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("tidemark.kafka.bootstrap-servers", bootstrap);
    overrides.put("tidemark.kafka.group-id", "bench-" + schema);
    overrides.put(
        "tidemark.db.url",
        System.getProperty("tidemark.bench.db.url", "jdbc:postgresql://127.0.0.1:5432/test"));
    overrides.put("tidemark.db.user", System.getProperty("tidemark.bench.db.user", "postgres"));
    overrides.put("tidemark.db.password", System.getProperty("tidemark.bench.db.password", ""));
    overrides.put("tidemark.db.schema", schema);
    overrides.put("tidemark.streams.windows.early-firing-interval", "0s");
    return ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load()).resolve();
  }

  private static void dropSchema(Config config, String schema) {
    DatabaseSettings db = DatabaseSettings.create(config);
    try (Connection c = java.sql.DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      System.err.println("Could not drop schema " + schema + ": " + e);
    }
  }
}
