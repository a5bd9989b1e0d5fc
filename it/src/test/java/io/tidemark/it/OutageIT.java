package io.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.service.generate.GeneratorSettings;
import io.tidemark.service.infra.EmbeddedDatabase;
import io.tidemark.service.infra.EmbeddedKafka;
import io.tidemark.service.pipeline.LiveUpdates;
import io.tidemark.service.run.ServiceRuntime;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service (in-process, as {@code tidemark run} wires it) keeps going through outages of its
 * infrastructure without help: a Kafka broker killed with SIGKILL mid-stream and restarted on its
 * directory and port, and a PostgreSQL server stopped mid-stream for 30 seconds and started again
 * on its directory and port. Afterwards the tables are exact and the offsets at the end.
 */
class OutageIT {

  static final int CLICKS = 200_000;
  static final Duration STARTUP = Duration.ofSeconds(120);
  static final Duration DRAIN = Duration.ofMinutes(5);
  static final Duration BROKER_DOWN = Duration.ofSeconds(5);
  static final Duration DATABASE_DOWN = Duration.ofSeconds(30);

  @TempDir Path work;

  ServiceRuntime runtime;
  ServiceConfig config;
  KafkaProcess broker;
  EmbeddedKafka kafka;
  EmbeddedDatabase database;

  @AfterEach
  void stopEverything() {
    if (runtime != null) {
      runtime.stop().toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).join();
    }
    if (config != null && database == null) {
      config.dropSchema();
    }
    if (broker != null) {
      broker.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    if (database != null) {
      database.close();
    }
  }

  @Test
  void brokerKilledMidStreamAndRestartedOnItsDirectoryLosesNothingAndCountsNothingTwice()
      throws Exception {
    int port = freePort();
    Path kafkaDir = work.resolve("kafka");
    broker = KafkaProcess.start(port, kafkaDir, work.resolve("kafka-1.log"), STARTUP);
    String bootstrap = broker.bootstrapServers();
    createTopics(bootstrap);
    ClickTopic.produce(
        bootstrap, "clicks", GeneratorSettings.defaults().withCounts(CLICKS, 0).withSeed(11));
    SortedMap<Integer, Long> ends = ClickTopic.endOffsets(bootstrap, "clicks");
    config = ServiceConfig.onMachinePostgres(bootstrap);
    DataSource db = config.dataSource();

    runtime = ServiceRuntime.start(config.config(), LiveUpdates.NONE);
    long threshold = CLICKS * 3L / 10;
    Await.closely(
        DRAIN,
        () -> ExactlyOnce.committed(db, "clicks") >= threshold,
        () -> "committed " + ExactlyOnce.committed(db, "clicks") + " of " + CLICKS);
    broker.kill(Duration.ofSeconds(30));
    long atKill = ExactlyOnce.committed(db, "clicks");
    assertTrue(atKill < CLICKS, "killed mid-stream: " + atKill + " of " + CLICKS + " committed");

    long downSince = System.nanoTime();
    Await.until(
        BROKER_DOWN.plusSeconds(30),
        () -> System.nanoTime() - downSince >= BROKER_DOWN.toNanos(),
        () -> "the broker stays down for " + BROKER_DOWN);
    broker = KafkaProcess.start(port, kafkaDir, work.resolve("kafka-2.log"), STARTUP);

    ExactlyOnce.awaitDrained(db, "clicks", ends, DRAIN);
    runtime.stop().toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).join();
    runtime = null;
    String summary =
        ExactlyOnce.assertExact(
            bootstrap, "clicks", "dead-letters", ends, CLICKS, db, config.clickstream());
    System.out.printf(
        "OutageIT broker: killed at %d of %d committed, down %s; %s%n",
        atKill, CLICKS, BROKER_DOWN, summary);
  }

  @Test
  void databaseDownForThirtySecondsMidStreamMakesThePipelineWaitAndRecoverByItself()
      throws Exception {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(Map.of("clicks", 4, "dead-letters", 1));
    ClickTopic.produce(
        kafka.bootstrapServers(),
        "clicks",
        GeneratorSettings.defaults().withCounts(CLICKS, 0).withSeed(13));
    SortedMap<Integer, Long> ends = ClickTopic.endOffsets(kafka.bootstrapServers(), "clicks");
    Path pgDir = work.resolve("pg");
    database = EmbeddedDatabase.start(pgDir, freePort());
    int pgPort = database.port();
    var endpoint = database.endpoint();
    config =
        new ServiceConfig(
            kafka.bootstrapServers(),
            "it-" + UUID.randomUUID(),
            endpoint.jdbcUrl(),
            endpoint.user(),
            endpoint.password(),
            "outage");
    DataSource db = config.dataSource();

    runtime = ServiceRuntime.start(config.config(), LiveUpdates.NONE);
    long threshold = CLICKS * 3L / 10;
    Await.closely(
        DRAIN,
        () -> ExactlyOnce.committed(db, "clicks") >= threshold,
        () -> "committed " + ExactlyOnce.committed(db, "clicks") + " of " + CLICKS);
    long retriesBefore = runtime.metrics().retries();
    database.close();
    long atStop = runtime.metrics().committedOffsets().values().stream().mapToLong(o -> o).sum();
    assertTrue(atStop < CLICKS, "stopped mid-stream: " + atStop + " of " + CLICKS + " committed");

    long downSince = System.nanoTime();
    Await.until(
        DATABASE_DOWN.plusMinutes(2),
        () ->
            runtime.metrics().retries() > retriesBefore
                && System.nanoTime() - downSince >= DATABASE_DOWN.toNanos(),
        () ->
            "commits retried while the database is down: "
                + (runtime.metrics().retries() - retriesBefore));
    long retriedWhileDown = runtime.metrics().retries() - retriesBefore;

    database = EmbeddedDatabase.start(pgDir, pgPort);
    ExactlyOnce.awaitDrained(db, "clicks", ends, DRAIN);
    runtime.stop().toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).join();
    runtime = null;
    String summary =
        ExactlyOnce.assertExact(
            kafka.bootstrapServers(),
            "clicks",
            "dead-letters",
            ends,
            CLICKS,
            db,
            config.clickstream());
    System.out.printf(
        "OutageIT database: stopped at %d of %d committed, down %s, %d retries meanwhile; %s%n",
        atStop, CLICKS, DATABASE_DOWN, retriedWhileDown, summary);
  }

  private static void createTopics(String bootstrap) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("clicks", 4, (short) 1), new NewTopic("dead-letters", 1, (short) 1)))
          .all()
          .get(60, TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
