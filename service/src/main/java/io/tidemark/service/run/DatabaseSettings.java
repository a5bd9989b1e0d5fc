package io.tidemark.service.run;

import com.typesafe.config.Config;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tidemark.persistence.schema.Schema;
import java.time.Duration;

/**
 * The PostgreSQL database of the service ({@code tidemark.db}, {@code DB_URL}, {@code DB_USER},
 * {@code DB_PASSWORD}, {@code DB_SCHEMA}).
 *
 * @param url JDBC URL
 * @param user user name
 * @param password password (empty for trust authentication)
 * @param schema schema of the tables, empty for the connection's default
 * @param poolSize connections in the writer's pool
 * @param queryPoolSize connections in the pool of the public query API
 * @param queryTimeout longest a statement of the query API may run ({@code statement_timeout})
 * @param socketTimeout longest a read from the database may wait, for every pool
 */
public record DatabaseSettings(
    String url,
    String user,
    String password,
    String schema,
    int poolSize,
    int queryPoolSize,
    Duration queryTimeout,
    Duration socketTimeout) {

  /** Reads {@code tidemark.db}. */
  public static DatabaseSettings create(Config config) {
    Config db = config.getConfig("tidemark.db");
    return new DatabaseSettings(
        db.getString("url"),
        db.getString("user"),
        db.getString("password"),
        db.getString("schema"),
        db.getInt("pool-size"),
        db.getInt("query-pool-size"),
        db.getDuration("query-timeout"),
        db.getDuration("socket-timeout"));
  }

  /**
   * Opens the pool of the public query API on the (migrated) database: its own connections, so that
   * a burst of long queries never holds up the writer, each statement cancelled by the database
   * after {@code queryTimeout}, and read-only. The caller closes it.
   */
  public HikariDataSource openQueries(String poolName) {
    HikariConfig config = common(poolName, queryPoolSize);
    config.setReadOnly(true);
    config.addDataSourceProperty("options", "-c statement_timeout=" + queryTimeout.toMillis());
    // the database cancels a long statement first; the socket timeout catches one that is gone
    long socket = Math.max(socketTimeout.toSeconds(), queryTimeout.toSeconds() + 5);
    config.addDataSourceProperty("socketTimeout", Long.toString(socket));
    config.setConnectionTimeout(2_000);
    return new HikariDataSource(config);
  }

  private HikariConfig common(String poolName, int size) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(poolName);
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(size);
    // A database outage makes commits wait and retry rather than fail the pool at start.
    config.setInitializationFailTimeout(-1);
    config.setConnectionTimeout(5_000);
    // A database that stops answering (black-holed, not down) fails a statement after this rather
    // than when TCP keepalive gives up; the writer retries the transaction.
    config.addDataSourceProperty("socketTimeout", Long.toString(socketTimeout.toSeconds()));
    config.addDataSourceProperty("connectTimeout", "10");
    if (!schema.isBlank()) {
      config.setSchema(schema);
    }
    return config;
  }

  /**
   * Opens a connection pool on the database after bringing its schema up to date. The caller closes
   * it.
   */
  public HikariDataSource openMigrated(String poolName) {
    HikariDataSource dataSource = new HikariDataSource(common(poolName, poolSize));
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
