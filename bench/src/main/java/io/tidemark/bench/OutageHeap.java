package io.tidemark.bench;

import io.tidemark.service.Main;
import io.tidemark.service.generate.Generator;
import io.tidemark.service.generate.GeneratorSettings;
import io.tidemark.service.generate.KafkaGenerate;
import io.tidemark.service.infra.EmbeddedDatabase;
import io.tidemark.service.infra.EmbeddedKafka;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The heap of {@code tidemark run} through a database outage with input flowing: an in-process
 * Kafka broker and an embedded PostgreSQL; {@code tidemark run} as a JVM of its own with a fixed
 * heap ({@code -Xmx}) and a GC log; a producer writing clicks and transactions at a steady rate
 * from start to the end of the outage. After {@code --before} seconds the database is stopped for
 * {@code --outage} seconds, then started again on the same data and port; the producer stops and
 * the service catches up.
 *
 * <p>Prints, every second: the phase, the records produced, the click and transaction offsets
 * committed, the heap after the last collection (the live set, from the GC log) and the pipeline's
 * own buffer bytes ({@code tidemark_buffer_bytes} on {@code /metrics}). At the end: the largest
 * heap-after-GC of each phase, whether the service ever restarted a stream, and the exactness
 * checks: every offset committed, {@code tidemark reconcile} exits 0 (page views and visitors equal
 * a recomputation from the topic), every committed alert once under {@code read_committed} and the
 * {@code fraud_alerts} table equal to the topic.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.tidemark.bench.OutageHeap [--heap 512m]
 * [--rate 20000] [--before 20] [--outage 60]}. Exit 1 when a check fails.
 */
public final class OutageHeap {

  private static final Pattern GC_LINE =
      Pattern.compile("\\[(\\d+\\.\\d+)s\\].*GC\\(\\d+\\) Pause.* (\\d+)M->(\\d+)M\\((\\d+)M\\)");
  private static final String SCHEMA = "outage_heap";

  private OutageHeap() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    String heap = options.getOrDefault("--heap", "512m");
    double rate = Double.parseDouble(options.getOrDefault("--rate", "20000"));
    Duration before = Duration.ofSeconds(Long.parseLong(options.getOrDefault("--before", "20")));
    Duration outage = Duration.ofSeconds(Long.parseLong(options.getOrDefault("--outage", "60")));
    Path work = Files.createTempDirectory("tidemark-outage-heap");
    System.out.printf(
        "OutageHeap: heap %s, %.0f records/s, %ds before, %ds outage; work in %s%n",
        heap, rate, before.toSeconds(), outage.toSeconds(), work);

    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopics(
          Map.of("clicks", 4, "transactions", 4, "dead-letters", 4, "fraud-alerts", 4));
      int pgPort = freePort();
      Path pgDir = work.resolve("pg");
      EmbeddedDatabase database = EmbeddedDatabase.start(pgDir, pgPort);
      String dbUrl = database.endpoint().jdbcUrl();
      int httpPort = freePort();
      Map<String, String> env = new HashMap<>();
      env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
      env.put("KAFKA_GROUP_ID", "outage-heap");
      env.put("DB_URL", dbUrl);
      env.put("DB_USER", database.endpoint().user());
      env.put("DB_PASSWORD", database.endpoint().password());
      env.put("DB_SCHEMA", SCHEMA);
      env.put("HTTP_PORT", Integer.toString(httpPort));
      env.put("VISITORS_ESTIMATOR", "exact");
      Path gcLog = work.resolve("gc.log");
      Process service =
          java(
              List.of(
                  "-Xmx" + heap,
                  "-Xms" + heap,
                  "-Xlog:gc:file=" + gcLog + ":uptime",
                  "-XX:+ExitOnOutOfMemoryError"),
              List.of("run"),
              env,
              work.resolve("service.log"));

      KafkaGenerate producer =
          new KafkaGenerate(kafka.bootstrapServers(), "clicks", "transactions");
      GeneratorSettings settings =
          GeneratorSettings.defaults()
              .withCounts(100_000_000L, 2_000_000L)
              .withFraudShare(0.05)
              .withSeed(7)
              .withStartTs(System.currentTimeMillis() - Duration.ofDays(1).toMillis());
      CompletableFuture<Long> produced =
          CompletableFuture.supplyAsync(() -> producer.produce(new Generator(settings), rate));

      Sampler sampler = new Sampler(gcLog, httpPort, kafka.bootstrapServers(), dbUrl, producer);
      long start = System.nanoTime();
      if (!sampler.runUntilWorking("starting", start, Duration.ofMinutes(3))) {
        service.destroyForcibly();
        throw new IllegalStateException("the service committed nothing in 3 minutes");
      }
      sampler.run("before", start, before);
      database.close();
      sampler.run("outage", start, outage);
      database = EmbeddedDatabase.start(pgDir, pgPort);
      producer.stop();
      long sent = produced.get(60, TimeUnit.SECONDS);
      Map<String, Long> ends = endOffsets(kafka.bootstrapServers());
      System.out.printf("OutageHeap: producer stopped after %,d records; catching up%n", sent);
      boolean caughtUp = sampler.runUntil("catch-up", start, Duration.ofMinutes(10), ends);
      long catchUpSeconds = (System.nanoTime() - start) / 1_000_000_000L;

      List<String> failures = new ArrayList<>();
      if (!caughtUp) {
        failures.add("not caught up within 10 minutes");
      }
      if (!service.isAlive()) {
        failures.add("the service died (exit " + service.exitValue() + ")");
      }
      int reconcile = exitOf(java(List.of(), List.of("reconcile"), env, work.resolve("rec.log")));
      if (reconcile != 0) {
        failures.add("reconcile exited " + reconcile + " (see " + work.resolve("rec.log") + ")");
      }
      String alerts = checkAlerts(kafka.bootstrapServers(), dbUrl, failures);
      service.destroy();
      boolean stopped = service.waitFor(30, TimeUnit.SECONDS);
      database.close();

      System.out.println();
      System.out.println("OutageHeap summary");
      System.out.printf(
          "  service heap -Xmx%s; largest heap after GC: %s%n", heap, sampler.phaseMaxima());
      System.out.printf(
          "  records %,d (clicks %,d, transactions %,d); caught up at %d s; stream restarts %s%n",
          sent, ends.get("clicks"), ends.get("transactions"), catchUpSeconds, sampler.restarts());
      System.out.printf(
          "  reconcile exit %d; alerts: %s; stopped on SIGTERM: %s%n", reconcile, alerts, stopped);
      System.out.println(failures.isEmpty() ? "  all checks passed" : "  FAILED: " + failures);
      System.exit(failures.isEmpty() ? 0 : 1);
    }
  }

  /** Samples once a second; the heap and buffer figures per phase. */
  private static final class Sampler {
    private final Path gcLog;
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI metrics;
    private final String bootstrap;
    private final String dbUrl;
    private final KafkaGenerate producer;
    private final Map<String, Long> maxAfterGc = new java.util.LinkedHashMap<>();
    private long restarts;

    Sampler(Path gcLog, int httpPort, String bootstrap, String dbUrl, KafkaGenerate producer) {
      this.gcLog = gcLog;
      this.metrics = URI.create("http://127.0.0.1:" + httpPort + "/metrics");
      this.bootstrap = bootstrap;
      this.dbUrl = dbUrl;
      this.producer = producer;
    }

    void run(String phase, long start, Duration length) throws Exception {
      long end = System.nanoTime() + length.toNanos();
      while (System.nanoTime() < end) {
        sample(phase, start);
        pause();
      }
    }

    /** Samples until both pipelines have committed something. */
    boolean runUntilWorking(String phase, long start, Duration limit) throws Exception {
      long end = System.nanoTime() + limit.toNanos();
      while (System.nanoTime() < end) {
        Map<String, Long> committed = sample(phase, start);
        if (committed.get("clicks") > 0 && committed.get("transactions") > 0) {
          return true;
        }
        pause();
      }
      return false;
    }

    boolean runUntil(String phase, long start, Duration limit, Map<String, Long> ends)
        throws Exception {
      long end = System.nanoTime() + limit.toNanos();
      while (System.nanoTime() < end) {
        Map<String, Long> committed = sample(phase, start);
        if (committed.equals(ends)) {
          return true;
        }
        pause();
      }
      return false;
    }

    private static void pause() throws InterruptedException {
      // a sampling period, not a wait for a condition
      TimeUnit.SECONDS.sleep(1);
    }

    private Map<String, Long> sample(String phase, long start) throws Exception {
      long afterGc = lastAfterGc();
      maxAfterGc.merge(phase, afterGc, Math::max);
      Map<String, String> values = metricValues();
      long buffers = sum(values, "tidemark_buffer_bytes");
      restarts = Math.max(restarts, sum(values, "tidemark_stream_restarts"));
      Map<String, Long> committed = new HashMap<>();
      committed.put("clicks", committedClicks());
      committed.put("transactions", committedTransactions());
      System.out.printf(
          "%4d s  %-8s produced %,11d  clicks committed %,11d  txns committed %,9d  heap after"
              + " GC %4d MB  buffers %,6d KB%n",
          (System.nanoTime() - start) / 1_000_000_000L,
          phase,
          producer.produced(),
          committed.get("clicks"),
          committed.get("transactions"),
          afterGc,
          buffers / 1024);
      return committed;
    }

    String phaseMaxima() {
      StringBuilder text = new StringBuilder();
      maxAfterGc.forEach((phase, mb) -> text.append(phase).append(' ').append(mb).append(" MB; "));
      return text.toString();
    }

    long restarts() {
      return restarts;
    }

    private long lastAfterGc() throws IOException {
      if (!Files.exists(gcLog)) {
        return 0;
      }
      long last = 0;
      for (String line : Files.readAllLines(gcLog)) {
        Matcher m = GC_LINE.matcher(line);
        if (m.find()) {
          last = Long.parseLong(m.group(3));
        }
      }
      return last;
    }

    private Map<String, String> metricValues() {
      Map<String, String> values = new HashMap<>();
      try {
        String body =
            http.send(
                    HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        for (String line : body.split("\n")) {
          if (!line.startsWith("#") && line.contains(" ")) {
            values.put(
                line.substring(0, line.lastIndexOf(' ')),
                line.substring(line.lastIndexOf(' ') + 1));
          }
        }
      } catch (IOException | InterruptedException e) {
        // the service is starting or busy: no figures this second
      }
      return values;
    }

    private static long sum(Map<String, String> values, String name) {
      return values.entrySet().stream()
          .filter(e -> e.getKey().startsWith(name))
          .mapToLong(e -> (long) Double.parseDouble(e.getValue()))
          .sum();
    }

    private long committedClicks() {
      try (Connection c = DriverManager.getConnection(dbUrl, "postgres", "");
          PreparedStatement s =
              c.prepareStatement(
                  "SELECT coalesce(sum(next_offset), 0) FROM "
                      + SCHEMA
                      + ".input_offsets WHERE pipeline = 'clickstream' AND topic = 'clicks'")) {
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      } catch (SQLException e) {
        return -1;
      }
    }

    private long committedTransactions() throws Exception {
      Properties props = new Properties();
      props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      try (Admin admin = Admin.create(props)) {
        Map<TopicPartition, OffsetAndMetadata> offsets =
            admin
                .listConsumerGroupOffsets("outage-heap-fraud")
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        return offsets.values().stream().filter(o -> o != null).mapToLong(o -> o.offset()).sum();
      }
    }
  }

  /** Every committed alert once under read_committed, and the table holding exactly them. */
  private static String checkAlerts(String bootstrap, String dbUrl, List<String> failures)
      throws Exception {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    Set<String> alertIds = new HashSet<>();
    long records = 0;
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor("fraud-alerts")
          .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
      consumer.assign(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          records++;
          Matcher id = Pattern.compile("\"alertId\":\"([^\"]*)\"").matcher(r.value());
          if (id.find()) {
            alertIds.add(r.key() + "/" + id.group(1));
          }
        }
      }
    }
    long tableRows;
    try (Connection c = DriverManager.getConnection(dbUrl, "postgres", "");
        ResultSet rs =
            c.createStatement().executeQuery("SELECT count(*) FROM " + SCHEMA + ".fraud_alerts")) {
      rs.next();
      tableRows = rs.getLong(1);
    }
    if (records != alertIds.size()) {
      failures.add((records - alertIds.size()) + " alerts more than once on the topic");
    }
    if (tableRows != alertIds.size()) {
      failures.add("fraud_alerts has " + tableRows + " rows, the topic " + alertIds.size());
    }
    return String.format(
        "%,d on the topic (%,d records), %,d in the table", alertIds.size(), records, tableRows);
  }

  private static Map<String, Long> endOffsets(String bootstrap) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    Map<String, Long> ends = new HashMap<>();
    try (Admin admin = Admin.create(props)) {
      for (String topic : List.of("clicks", "transactions")) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < 4; p++) {
          request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        ends.put(
            topic,
            admin.listOffsets(request).all().get().values().stream()
                .mapToLong(o -> o.offset())
                .sum());
      }
    }
    return ends;
  }

  private static Process java(
      List<String> jvmOptions, List<String> arguments, Map<String, String> env, Path output)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(arguments);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().putAll(env);
    return builder.start();
  }

  private static int exitOf(Process process) throws InterruptedException {
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    return options;
  }
}
