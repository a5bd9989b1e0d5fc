package io.tidemark.it;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tidemark.streams.clicks.ClickstreamSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The configuration of a service under test, in the three forms a test needs: environment variables
 * and system properties for a service JVM (as a container would get them), and a {@link Config} for
 * an in-process service and for the recomputation. Windows are short and the visitor estimator
 * exact, as in {@link PipelineIT}; the consumer group notices a killed member quickly.
 *
 * @param bootstrapServers Kafka
 * @param groupId consumer group of the service nodes
 * @param dbUrl JDBC URL of the serving database
 * @param dbUser its user
 * @param dbPassword its password
 * @param schema schema of the serving tables
 */
record ServiceConfig(
    String bootstrapServers,
    String groupId,
    String dbUrl,
    String dbUser,
    String dbPassword,
    String schema) {

  /** A fresh group and schema on the machine's PostgreSQL. */
  static ServiceConfig onMachinePostgres(String bootstrapServers) {
    return new ServiceConfig(
        bootstrapServers,
        "it-" + UUID.randomUUID(),
        PgSchema.url(),
        PgSchema.user(),
        PgSchema.password(),
        "it_" + UUID.randomUUID().toString().replace("-", ""));
  }

  ServiceConfig withBootstrapServers(String servers) {
    return new ServiceConfig(servers, groupId, dbUrl, dbUser, dbPassword, schema);
  }

  /** The variables {@code tidemark run} reads (SPEC §7). */
  Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
    env.put("KAFKA_GROUP_ID", groupId);
    env.put("DB_URL", dbUrl);
    env.put("DB_USER", dbUser);
    env.put("DB_PASSWORD", dbPassword);
    env.put("DB_SCHEMA", schema);
    env.put("HTTP_PORT", "0");
    env.put("VISITORS_ESTIMATOR", "exact");
    env.put("PIPELINE_COMMIT_INTERVAL", "300ms");
    env.put("STATUS_INTERVAL", "2s");
    return env;
  }

  /** Settings without an environment variable, as system properties. */
  Map<String, String> properties() {
    Map<String, String> props = new LinkedHashMap<>();
    // The generator's clock runs at 1000 clicks per second of event time: short windows let
    // tens of thousands of clicks fire, update late and purge many of them.
    props.put("tidemark.streams.pageviews.window", "10s");
    props.put("tidemark.streams.visitors.window", "30s");
    // A killed node leaves the group after 10 s (the broker's minimum is 6 s), not 45 s.
    props.put("pekko.kafka.consumer.kafka-clients.session.timeout.ms", "10000");
    props.put("pekko.kafka.consumer.kafka-clients.heartbeat.interval.ms", "2000");
    return props;
  }

  /** The same settings for an in-process service, over this JVM's configuration. */
  Config config() {
    Map<String, Object> overrides = new LinkedHashMap<>(properties());
    overrides.put("tidemark.kafka.bootstrap-servers", bootstrapServers);
    overrides.put("tidemark.kafka.group-id", groupId);
    overrides.put("tidemark.db.url", dbUrl);
    overrides.put("tidemark.db.user", dbUser);
    overrides.put("tidemark.db.password", dbPassword);
    overrides.put("tidemark.db.schema", schema);
    overrides.put("tidemark.http.port", "0");
    overrides.put("tidemark.streams.visitors.estimator", "exact");
    overrides.put("tidemark.pipeline.commit-interval", "300ms");
    overrides.put("tidemark.pipeline.status-interval", "2s");
    ConfigFactory.invalidateCaches();
    return ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load()).resolve();
  }

  /** The window computations the service runs, for the recomputation. */
  ClickstreamSettings clickstream() {
    return ClickstreamSettings.create(config());
  }

  /** Reads the serving tables of this configuration without a pool. */
  DataSource dataSource() {
    return ExactlyOnce.dataSource(dbUrl, dbUser, dbPassword, schema);
  }

  /** Drops the test's schema (best effort: the database may be gone). */
  void dropSchema() {
    try (Connection c = DriverManager.getConnection(dbUrl, dbUser, dbPassword);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      System.err.println("Could not drop schema " + schema + ": " + e);
    }
  }
}
