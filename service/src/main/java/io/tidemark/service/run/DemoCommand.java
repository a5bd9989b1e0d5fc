package io.tidemark.service.run;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tidemark.service.cli.Progress;
import io.tidemark.service.generate.Generator;
import io.tidemark.service.generate.GeneratorSettings;
import io.tidemark.service.generate.KafkaGenerate;
import io.tidemark.service.infra.Database;
import io.tidemark.service.infra.Databases;
import io.tidemark.service.infra.EmbeddedKafka;
import io.tidemark.service.pipeline.LiveUpdates;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tidemark demo}: everything on one machine without configuration. An in-process Kafka
 * broker (topics with 4 partitions), PostgreSQL from {@code DB_URL} or an embedded one, the
 * generator producing live (event time follows the wall clock at the default rate), the pipeline
 * and the HTTP server (port 8080, or a free one when 8080 is taken; a random admin token unless
 * ADMIN_TOKEN is set). Prints the dashboard address and a status line; Ctrl-C stops it all cleanly.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run Kafka, PostgreSQL, the generator, the pipeline and HTTP on this machine.")
public final class DemoCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(DemoCommand.class);
  private static final int PARTITIONS = 4;

  @Option(
      names = "--rate",
      defaultValue = "1000",
      paramLabel = "CLICKS_PER_S",
      description =
          "Clicks per second, plus 2% transactions; at 1000 event time follows the clock"
              + " (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--duration",
      defaultValue = "PT1H",
      paramLabel = "ISO_DURATION",
      description = "How long the generator produces (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--fraud-share",
      defaultValue = "0.05",
      paramLabel = "F",
      description =
          "Share of users acting out a fraud pattern; at the default rate and share an alert about"
              + " every 25 s once the first patterns completed (default: ${DEFAULT-VALUE}).")
  double fraudShare;

  @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Generator seed.")
  long seed;

  /** The configured port (8080 unless HTTP_PORT says otherwise) if free, else any free port. */
  static int httpPort(Config config) {
    int port = config.getInt("tidemark.http.port");
    if (port == 0) {
      return 0;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(config.getString("tidemark.http.interface"), port));
      return port;
    } catch (IOException taken) {
      log.info("Port {} is taken; the demo listens on a free port", port);
      return 0;
    }
  }

  /** A random admin token for this demo run. */
  static String randomToken() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Override
  public Integer call() {
    EmbeddedKafka kafka = EmbeddedKafka.start();
    Config base = ConfigFactory.load();
    kafka.createTopics(
        Map.of(
            base.getString("tidemark.topics.clicks"), PARTITIONS,
            base.getString("tidemark.topics.transactions"), PARTITIONS,
            base.getString("tidemark.topics.dead-letters"), PARTITIONS,
            base.getString("tidemark.topics.fraud-alerts"), PARTITIONS));
    Database database = Databases.fromEnvironment();
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("tidemark.kafka.bootstrap-servers", kafka.bootstrapServers());
    overrides.put("tidemark.db.url", database.endpoint().jdbcUrl());
    overrides.put("tidemark.db.user", database.endpoint().user());
    overrides.put("tidemark.db.password", database.endpoint().password());
    overrides.put("tidemark.pipeline.status-interval", "5s");
    overrides.put("tidemark.http.port", httpPort(base));
    String adminToken = base.getString("tidemark.http.admin-token");
    if (adminToken.isBlank()) {
      adminToken = randomToken();
      overrides.put("tidemark.http.admin-token", adminToken);
    }
    Config config = withOverrides(overrides);
    ServiceRuntime runtime = ServiceRuntime.start(config, LiveUpdates.NONE);

    KafkaGenerate producer =
        new KafkaGenerate(
            kafka.bootstrapServers(),
            config.getString("tidemark.topics.clicks"),
            config.getString("tidemark.topics.transactions"));
    long clicks = Math.max(1, (long) (rate * duration.toSeconds()));
    GeneratorSettings settings =
        GeneratorSettings.defaults()
            .withCounts(clicks, Math.max(1, clicks / 50))
            .withFraudShare(fraudShare)
            .withSeed(seed)
            .withStartTs(System.currentTimeMillis());
    CompletableFuture.runAsync(
            () -> producer.produce(new Generator(settings), rate * 1.02),
            runnable -> {
              Thread t = new Thread(runnable, "tidemark-demo-generator");
              t.setDaemon(true);
              t.start();
            })
        .whenComplete(
            (ok, error) -> {
              if (error != null) {
                log.warn("Generator stopped", error);
              }
            });

    CoordinatedShutdown shutdown = CoordinatedShutdown.get(runtime.system());
    shutdown.addTask(
        CoordinatedShutdown.PhaseBeforeServiceUnbind(),
        "stop-demo-generator",
        () -> {
          producer.stop();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    // The broker and the database go last, once the actor system has terminated: every consumer,
    // producer and pool of the service is closed by then, and none of them is left warning that
    // its server went away.
    runtime
        .system()
        .classicSystem()
        .registerOnTermination(
            () -> {
              kafka.close();
              database.close();
            });

    System.out.printf(
        "%nTidemark demo is running (Ctrl-C stops it)%n"
            + "  Dashboard:   http://localhost:%d/%n"
            + "  Metrics:     http://localhost:%<d/metrics   (health: /health/ready, API: /api/...)%n"
            + "  Admin token: %s   (curl -H 'Authorization: Bearer <token>' .../admin/fraud-rule)%n"
            + "  Kafka:       %s (topics with %d partitions)%n"
            + "  PostgreSQL:  %s as %s%n"
            + "  Generator:   %.0f clicks/s + %.0f transactions/s, seed %d%n%n",
        runtime.httpAddress().getPort(),
        adminToken,
        kafka.bootstrapServers(),
        PARTITIONS,
        database.endpoint().jdbcUrl(),
        database.endpoint().user(),
        rate,
        rate * 0.02,
        seed);
    System.out.flush();
    Progress status =
        Progress.every(
            runtime.pipelineSettings().statusInterval(),
            System.out,
            () -> runtime.statusLine() + ", generated " + Progress.count(producer.produced()));
    try {
      runtime.terminated().toCompletableFuture().join();
    } finally {
      status.close();
    }
    return 0;
  }

  /**
   * The service configuration with the demo's values: under system properties and over
   * application.conf, resolved in one pass, so that every substitution of these keys (the journal's
   * database, the fraud pipeline's Kafka) sees the demo's values rather than the defaults.
   */
  static Config withOverrides(Map<String, Object> overrides) {
    return ConfigFactory.load(
        ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.defaultApplication()));
  }
}
