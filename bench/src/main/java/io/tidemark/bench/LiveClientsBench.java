package io.tidemark.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tidemark.service.generate.Generator;
import io.tidemark.service.generate.GeneratorSettings;
import io.tidemark.service.generate.KafkaGenerate;
import io.tidemark.service.infra.EmbeddedKafka;
import io.tidemark.service.pipeline.LiveUpdates;
import io.tidemark.service.run.ServiceRuntime;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * End-to-end driver for the live feed's cost: the service drains the same pre-produced clicks topic
 * (embedded Kafka, 4 partitions, PostgreSQL at 127.0.0.1:5432 database {@code test}, a fresh schema
 * and consumer group per run) alternately with no WebSocket client and with 200 clients on {@code
 * /ws/live}, one of which never reads; events/s is clicks over the time to the last commit. The
 * clients run in a JVM of their own ({@link LiveClients}, started once, as browsers would be open
 * already), so this process measures the server's cost; both processes' CPU time is reported.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.tidemark.bench.LiveClientsBench [clicks]
 * [rounds]}: two warm-up drains (without, with clients), then {@code rounds} times (no clients,
 * clients), then no clients. {@code -Dclients.cpus=1} runs the clients on CPU 1 only (run the
 * driver itself under {@code taskset -c 0} to keep the two apart).
 */
public final class LiveClientsBench {

  private static final int CLIENTS = 200;

  private LiveClientsBench() {}

  /** What one drain measured. */
  record Drain(
      int clients,
      double seconds,
      double eventsPerSecond,
      double serviceCpu,
      double clientsCpu,
      String counts,
      long dropped) {}

  public static void main(String[] args) throws Exception {
    long clicks = args.length > 0 ? Long.parseLong(args[0]) : 300_000L;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        ClientProcess clients = ClientProcess.start()) {
      kafka.createTopics(Map.of("clicks", 4, "transactions", 4, "dead-letters", 4));
      new KafkaGenerate(kafka.bootstrapServers(), "clicks", "transactions")
          .produce(new Generator(GeneratorSettings.defaults().withCounts(clicks, 1)), 0);
      SortedMap<Integer, Long> ends = endOffsets(kafka.bootstrapServers());
      System.out.printf("data: %,d clicks on 4 partitions, ends %s%n", clicks, ends);
      // warm-up of both paths: the first drain with clients compiles the WebSocket code
      drain(kafka, ends, clients, 0);
      drain(kafka, ends, clients, CLIENTS);
      List<Drain> drains = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        drains.add(report(drain(kafka, ends, clients, 0), clicks));
        drains.add(report(drain(kafka, ends, clients, CLIENTS), clicks));
      }
      drains.add(report(drain(kafka, ends, clients, 0), clicks));
      for (int i = 1; i < drains.size(); i += 2) {
        double alone = (drains.get(i - 1).eventsPerSecond() + drains.get(i + 1).eventsPerSecond());
        System.out.printf(
            "round %d: %d clients %,.0f events/s against %,.0f (mean of the drains around it):"
                + " ratio %.3f%n",
            i / 2 + 1,
            CLIENTS,
            drains.get(i).eventsPerSecond(),
            alone / 2,
            drains.get(i).eventsPerSecond() / (alone / 2));
      }
    }
    System.exit(0);
  }

  private static Drain report(Drain d, long clicks) {
    System.out.printf(
        "%3d clients: %,.0f events/s (%,d in %.1f s), CPU service %.1f s, clients %.1f s%s%n",
        d.clients(),
        d.eventsPerSecond(),
        clicks,
        d.seconds(),
        d.serviceCpu(),
        d.clientsCpu(),
        d.clients() == 0 ? "" : ", " + d.counts() + ", dropped " + d.dropped());
    return d;
  }

  /** Runs the service until it has committed every offset. */
  private static Drain drain(
      EmbeddedKafka kafka, SortedMap<Integer, Long> ends, ClientProcess clients, int connections)
      throws Exception {
    String schema = "bench_" + UUID.randomUUID().toString().replace("-", "");
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("tidemark.kafka.bootstrap-servers", kafka.bootstrapServers());
    overrides.put("tidemark.kafka.group-id", schema);
    overrides.put("tidemark.db.url", "jdbc:postgresql://127.0.0.1:5432/test");
    overrides.put("tidemark.db.user", "postgres");
    overrides.put("tidemark.db.password", "");
    overrides.put("tidemark.db.schema", schema);
    overrides.put("tidemark.http.port", 0);
    overrides.put("tidemark.http.interface", "127.0.0.1");
    Config config = ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load()).resolve();
    long clientsCpu = clients.cpuNanos();
    long serviceCpu = cpuNanos();
    long start = System.nanoTime();
    ServiceRuntime runtime = ServiceRuntime.start(config, LiveUpdates.NONE);
    if (connections > 0) {
      clients.connect(
          "ws://127.0.0.1:" + runtime.httpAddress().getPort() + "/ws/live", connections);
    }
    while (!runtime.metrics().committedOffsets().equals(ends)) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    serviceCpu = cpuNanos() - serviceCpu;
    long dropped = runtime.http().metrics().webSocketClientsDropped().value();
    String counts = connections > 0 ? clients.disconnect() : "";
    clientsCpu = clients.cpuNanos() - clientsCpu;
    runtime.stop().toCompletableFuture().get();
    try (Connection c =
            DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA " + schema + " CASCADE");
    }
    long clicks = ends.values().stream().mapToLong(Long::longValue).sum();
    return new Drain(
        connections,
        seconds,
        clicks / seconds,
        serviceCpu / 1e9,
        clientsCpu / 1e9,
        counts,
        dropped);
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The {@link LiveClients} process and its command line protocol. */
  private static final class ClientProcess implements AutoCloseable {
    private final Process process;
    private final PrintWriter commands;
    private final BufferedReader answers;

    private ClientProcess(Process process) {
      this.process = process;
      this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
      this.answers =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Starts the clients' JVM; with the system property {@code clients.cpus} (a {@code taskset} CPU
     * list) it runs on those CPUs only.
     */
    static ClientProcess start() throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> command = new ArrayList<>();
      String cpus = System.getProperty("clients.cpus", "");
      if (!cpus.isEmpty()) {
        command.addAll(List.of("taskset", "-c", cpus));
      }
      command.addAll(
          List.of(
              java,
              "-Xmx512m",
              "-cp",
              System.getProperty("java.class.path"),
              LiveClients.class.getName()));
      return new ClientProcess(
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    String ask(String command) throws IOException {
      commands.println(command);
      String answer = answers.readLine();
      if (answer == null) {
        throw new IOException("client process ended; exit " + process.exitValue());
      }
      return answer;
    }

    void connect(String uri, int n) throws IOException {
      String answer = ask("connect " + uri + " " + n);
      if (!answer.equals("connected " + n)) {
        throw new IOException("clients did not connect: " + answer);
      }
    }

    /** Closes the connections; answers what the readers received. */
    String disconnect() throws IOException {
      String[] counts = ask("disconnect").split(" ");
      long readers = Long.parseLong(counts[3]);
      return String.format(
          "%d readers: %,d frames, %,d messages each, %s closed by the server",
          readers,
          Long.parseLong(counts[1]) / readers,
          Long.parseLong(counts[2]) / readers,
          counts[4]);
    }

    long cpuNanos() throws IOException {
      return Long.parseLong(ask("cpu").split(" ")[1]);
    }

    @Override
    public void close() throws IOException {
      commands.close();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroy();
        }
      } catch (InterruptedException e) {
        process.destroy();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static SortedMap<Integer, Long> endOffsets(String bootstrap) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrap);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < 4; p++) {
        partitions.add(new TopicPartition("clicks", p));
      }
      SortedMap<Integer, Long> ends = new TreeMap<>();
      consumer.endOffsets(partitions).forEach((tp, end) -> ends.put(tp.partition(), end));
      return ends;
    }
  }
}
