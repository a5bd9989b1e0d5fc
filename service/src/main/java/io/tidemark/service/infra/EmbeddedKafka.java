package io.tidemark.service.infra;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker for development and tests: one KRaft node that is broker and
 * controller at once, started in this JVM. Its log directory is either a temporary one, deleted on
 * {@link #close()}, or a given one that is kept, so that a broker can be stopped (or killed) and
 * started again over the same data. Settings fit a single node: internal topics have one replica,
 * so consumer groups and transactions work.
 *
 * <p>{@link #main} runs it as a process of its own (used by {@code demo} and by tests that kill the
 * broker): {@code EmbeddedKafka [--port N] [--dir DIR]}; it prints {@value #READY_PREFIX} followed
 * by the bootstrap servers once it serves, and stops on SIGTERM.
 */
public final class EmbeddedKafka implements AutoCloseable {

  /** Start of the line {@link #main} prints once the broker serves. */
  public static final String READY_PREFIX = "EmbeddedKafka ready bootstrap.servers=";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final String HOST = "127.0.0.1";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

  private final KafkaRaftServer server;
  private final int port;
  private final Path dataDir;
  private final boolean deleteOnClose;
  private boolean closed;

  private EmbeddedKafka(KafkaRaftServer server, int port, Path dataDir, boolean deleteOnClose) {
    this.server = server;
    this.port = port;
    this.dataDir = dataDir;
    this.deleteOnClose = deleteOnClose;
  }

  /** Starts a broker on a free port over a temporary directory deleted on {@link #close()}. */
  public static EmbeddedKafka start() {
    return start(0, temporaryDir(), true);
  }

  /**
   * Starts a broker over {@code dataDir} (created and formatted if new, reused as it is otherwise),
   * which is kept on {@link #close()}.
   *
   * @param port the client port, or 0 for a free one
   */
  public static EmbeddedKafka start(int port, Path dataDir) {
    return start(port, dataDir, false);
  }

  private static EmbeddedKafka start(int port, Path dataDir, boolean deleteOnClose) {
    int clientPort = port == 0 ? freePort() : port;
    Properties props = brokerProperties(clientPort, freePort(), dataDir.resolve("kraft-logs"));
    format(props, dataDir);
    KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
    server.startup();
    EmbeddedKafka kafka = new EmbeddedKafka(server, clientPort, dataDir, deleteOnClose);
    try {
      kafka.awaitServing(STARTUP_TIMEOUT);
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
    log.info("Kafka broker serving on {} with data in {}", kafka.bootstrapServers(), dataDir);
    return kafka;
  }

  /** The {@code bootstrap.servers} of this broker. */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  /** The client port. */
  public int port() {
    return port;
  }

  /** The directory holding the broker's data. */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * Creates the topics (name to partition count) that do not exist yet, with one replica each, and
   * returns once they all exist.
   */
  public void createTopics(Map<String, Integer> partitions) {
    List<NewTopic> topics =
        partitions.entrySet().stream()
            .map(e -> new NewTopic(e.getKey(), e.getValue(), (short) 1))
            .toList();
    try (Admin admin = admin()) {
      var futures = admin.createTopics(topics).values();
      for (var future : futures.values()) {
        try {
          future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("Could not create topics " + partitions, e.getCause());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topics", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Timed out creating topics " + partitions, e);
    }
  }

  /** Stops the broker (and deletes its directory if it was a temporary one). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    // The broker's own client to its controller warns, at every shutdown, that it closes a client
    // already closed (a Kafka quirk, not a problem); the clients' logger says nothing below ERROR
    // while this broker goes away.
    Level before = null;
    ch.qos.logback.classic.Logger clients = null;
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      clients = context.getLogger("org.apache.kafka.clients.NetworkClient");
      before = clients.getLevel();
      clients.setLevel(Level.ERROR);
    }
    try {
      server.shutdown();
      server.awaitShutdown();
    } finally {
      if (clients != null) {
        clients.setLevel(before);
      }
    }
    if (deleteOnClose) {
      deleteRecursively(dataDir);
    }
  }

  /**
   * Runs a broker as a process of its own until it is terminated.
   *
   * @param args {@code [--port N] [--dir DIR]}; without {@code --dir} the data is temporary
   */
  public static void main(String[] args) {
    int port = 0;
    Path dir = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        default ->
            throw new IllegalArgumentException(
                "Unknown argument " + args[i] + "; usage: EmbeddedKafka [--port N] [--dir DIR]");
      }
    }
    quietKafkaLogging();
    EmbeddedKafka kafka = dir == null ? start(port, temporaryDir(), true) : start(port, dir);
    Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "embedded-kafka-shutdown"));
    System.out.println(READY_PREFIX + kafka.bootstrapServers());
    System.out.flush();
    kafka.server.awaitShutdown();
  }

  /** The broker logs every step at INFO; its own process keeps warnings and errors only. */
  private static void quietKafkaLogging() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      for (String name : List.of("kafka", "org.apache.kafka", "state.change.logger")) {
        context.getLogger(name).setLevel(Level.WARN);
      }
    }
  }

  private static Properties brokerProperties(int clientPort, int controllerPort, Path logDir) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://" + HOST + ":" + clientPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + clientPort);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toAbsolutePath().toString());
    // A single node: every internal topic has one replica, or groups and transactions stall.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    // Development speed: no rebalance delay, quick unfencing, small segments and indexes.
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("broker.heartbeat.interval.ms", "500");
    p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
    p.put("log.index.size.max.bytes", String.valueOf(1024 * 1024));
    return p;
  }

  /**
   * What {@code kafka-storage format} does, for a new directory only: a formatted one keeps its
   * cluster id (formatting again, even with {@code --ignore-formatted}, would check it against a
   * fresh one and fail).
   */
  private static void format(Properties props, Path dataDir) {
    if (Files.exists(Path.of(props.getProperty("log.dirs"), "meta.properties"))) {
      return;
    }
    try {
      Files.createDirectories(dataDir);
      Path config = dataDir.resolve("server.properties");
      try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
        props.store(out, "Written by EmbeddedKafka on each start");
      }
      String[] args = {"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()};
      PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
      int exit = StorageTool.execute(args, quiet);
      if (exit != 0) {
        throw new IllegalStateException("Formatting " + dataDir + " failed with " + exit);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitServing(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Properties adminProps = new Properties();
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    try (Admin admin = Admin.create(adminProps)) {
      RuntimeException last = null;
      while (System.nanoTime() < deadline) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          last = new IllegalStateException("Broker not serving yet", e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted while starting Kafka", e);
        }
      }
      throw new IllegalStateException(
          "Kafka did not serve on " + bootstrapServers() + " within " + timeout, last);
    }
  }

  private Admin admin() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return Admin.create(props);
  }

  private static Path temporaryDir() {
    try {
      return Files.createTempDirectory("tidemark-kafka");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      log.warn("Could not delete {}", dir, e);
    }
  }
}
