package io.tidemark.it;

import com.typesafe.config.Config;
import io.tidemark.service.generate.Generator;
import io.tidemark.service.generate.GeneratorSettings;
import io.tidemark.service.generate.KafkaGenerate;
import io.tidemark.service.infra.EmbeddedKafka;
import io.tidemark.service.pipeline.LiveUpdates;
import io.tidemark.service.run.ServiceRuntime;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * The service as {@code tidemark demo} runs it, in-process: an embedded Kafka broker (4-partition
 * topics), the machine's PostgreSQL in a schema of its own (dropped on close), the generator
 * producing live with event time from the wall clock, the pipeline and the HTTP server on a free
 * port.
 */
final class LiveService implements AutoCloseable {

  final EmbeddedKafka kafka;
  final ServiceRuntime runtime;
  final KafkaGenerate producer;
  private final String schema;
  private final Thread generator;

  private LiveService(
      EmbeddedKafka kafka,
      ServiceRuntime runtime,
      KafkaGenerate producer,
      String schema,
      Thread generator) {
    this.kafka = kafka;
    this.runtime = runtime;
    this.producer = producer;
    this.schema = schema;
    this.generator = generator;
  }

  /** Starts everything; {@code clicksPerSecond} clicks (plus 2% transactions) are produced. */
  static LiveService start(double clicksPerSecond, Map<String, Object> extraConfig) {
    EmbeddedKafka kafka = EmbeddedKafka.start();
    kafka.createTopics(
        Map.of("clicks", 4, "transactions", 4, "dead-letters", 4, "fraud-alerts", 4));
    String schema = "it_" + UUID.randomUUID().toString().replace("-", "");
    Map<String, Object> overrides = InProcessConfig.overrides(kafka.bootstrapServers(), schema);
    overrides.put("tidemark.streams.pageviews.window", "1m");
    overrides.put("tidemark.streams.visitors.window", "5m");
    overrides.put("tidemark.pipeline.commit-interval", "500ms");
    overrides.putAll(extraConfig);
    Config config = InProcessConfig.resolve(overrides);
    ServiceRuntime runtime = ServiceRuntime.start(config, LiveUpdates.NONE);
    KafkaGenerate producer = new KafkaGenerate(kafka.bootstrapServers(), "clicks", "transactions");
    long clicks = (long) (clicksPerSecond * Duration.ofHours(1).toSeconds());
    GeneratorSettings settings =
        GeneratorSettings.defaults()
            .withCounts(clicks, clicks / 50)
            .withStartTs(System.currentTimeMillis());
    Thread generator =
        new Thread(
            () -> producer.produce(new Generator(settings), clicksPerSecond * 1.02),
            "it-generator");
    generator.setDaemon(true);
    generator.start();
    return new LiveService(kafka, runtime, producer, schema, generator);
  }

  /** The dashboard's address. */
  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + runtime.httpAddress().getPort() + path);
  }

  @Override
  public void close() {
    producer.stop();
    try {
      generator.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    runtime.stop().toCompletableFuture().join();
    kafka.close();
    try (Connection c = DriverManager.getConnection(PgSchema.url(), PgSchema.user(), password());
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      System.err.println("LiveService: could not drop schema " + schema + ": " + e);
    }
  }

  private static String password() {
    return PgSchema.password();
  }
}
