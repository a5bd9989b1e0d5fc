package io.tidemark.persistence.schema;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The database schema of Tidemark: versioned SQL files under {@code db/migration} (serving tables,
 * input offsets, window checkpoints, projection offsets, the event journal), applied with Flyway.
 * Migrating is idempotent: an up-to-date database is left as it is, so every node may call it at
 * start-up.
 */
public final class Schema {

  /** Where the migrations live on the classpath. */
  public static final String LOCATION = "classpath:db/migration";

  private Schema() {}

  /**
   * Brings the connection's current schema (usually {@code public}) up to date.
   *
   * @return the number of migrations applied (0 when already up to date)
   */
  public static int migrate(DataSource dataSource) {
    return flyway(dataSource, null).migrate().migrationsExecuted;
  }

  /**
   * Brings the named schema up to date, creating it if needed. Connections of the application then
   * use it through {@code currentSchema=<schema>} (JDBC) or {@code search_path}.
   *
   * @return the number of migrations applied (0 when already up to date)
   */
  public static int migrate(DataSource dataSource, String schema) {
    return flyway(dataSource, schema).migrate().migrationsExecuted;
  }

  private static Flyway flyway(DataSource dataSource, String schema) {
    var configuration =
        Flyway.configure(Schema.class.getClassLoader())
            .dataSource(dataSource)
            .locations(LOCATION)
            .failOnMissingLocations(true);
    if (schema != null) {
      configuration = configuration.schemas(schema).defaultSchema(schema);
    }
    return configuration.load();
  }
}
