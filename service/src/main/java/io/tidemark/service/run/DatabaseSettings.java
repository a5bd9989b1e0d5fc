package io.tidemark.service.run;

import com.typesafe.config.Config;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tidemark.persistence.schema.Schema;

/**
 * The PostgreSQL database of the service ({@code tidemark.db}, {@code DB_URL}, {@code DB_USER},
 * {@code DB_PASSWORD}, {@code DB_SCHEMA}).
 *
 * @param url JDBC URL
 * @param user user name
 * @param password password (empty for trust authentication)
 * @param schema schema of the tables, empty for the connection's default
 * @param poolSize connections in the pool
 */
public record DatabaseSettings(
    String url, String user, String password, String schema, int poolSize) {

  /** Reads {@code tidemark.db}. */
  public static DatabaseSettings create(Config config) {
    Config db = config.getConfig("tidemark.db");
    return new DatabaseSettings(
        db.getString("url"),
        db.getString("user"),
        db.getString("password"),
        db.getString("schema"),
        db.getInt("pool-size"));
  }

  /**
   * Opens a connection pool on the database after bringing its schema up to date. The caller closes
   * it.
   */
  public HikariDataSource openMigrated(String poolName) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(poolName);
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(poolSize);
    // A database outage makes commits wait and retry rather than fail the pool at start.
    config.setInitializationFailTimeout(-1);
    config.setConnectionTimeout(5_000);
    if (!schema.isBlank()) {
      config.setSchema(schema);
    }
    HikariDataSource dataSource = new HikariDataSource(config);
    try {
      if (schema.isBlank()) {
        Schema.migrate(dataSource);
      } else {
        Schema.migrate(dataSource, schema);
      }
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    return dataSource;
  }

  @Override
  public String toString() {
    return "DatabaseSettings["
        + url
        + " as "
        + user
        + (schema.isBlank() ? "" : ", schema " + schema)
        + "]";
  }
}
