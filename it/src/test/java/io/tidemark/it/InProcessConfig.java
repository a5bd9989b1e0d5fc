package io.tidemark.it;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * The configuration of a service started in this JVM ({@code ServiceRuntime.start}) against a
 * test's Kafka broker and its own schema on the machine's PostgreSQL, HTTP on a free port of the
 * loopback interface.
 */
final class InProcessConfig {

  private InProcessConfig() {}

  /** The keys every in-process service of a test sets; add others, then {@link #resolve}. */
  static Map<String, Object> overrides(String bootstrapServers, String schema) {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("tidemark.kafka.bootstrap-servers", bootstrapServers);
    overrides.put("tidemark.kafka.group-id", "tidemark-" + schema);
    overrides.put("tidemark.db.url", PgSchema.url());
    overrides.put("tidemark.db.user", PgSchema.user());
    overrides.put("tidemark.db.password", PgSchema.password());
    overrides.put("tidemark.db.schema", schema);
    overrides.put("tidemark.http.port", 0);
    overrides.put("tidemark.http.interface", "127.0.0.1");
    return overrides;
  }

  /**
   * {@code overrides} over application.conf and the modules' reference.conf, all unresolved and
   * resolved in one pass, so that every key derived from these follows them: the journal's
   * database, the fraud consumer group, and the read journal's tables, which the libraries'
   * reference.conf derives from the write journal's (a pre-resolved reference.conf would keep the
   * read journal in the default schema). System properties, which other tests in this JVM set, are
   * left out.
   */
  static Config resolve(Map<String, Object> overrides) {
    return ConfigFactory.parseMap(overrides)
        .withFallback(ConfigFactory.defaultApplication())
        .withFallback(ConfigFactory.defaultReferenceUnresolved())
        .resolve();
  }
}
