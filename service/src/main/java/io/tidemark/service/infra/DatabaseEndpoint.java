package io.tidemark.service.infra;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * Where a PostgreSQL database is and how to log in: a JDBC URL with its user and password (empty
 * when the server trusts local connections).
 */
public record DatabaseEndpoint(String jdbcUrl, String user, String password) {

  /** The user when {@code DB_USER} is not set, as in the service's configuration. */
  public static final String DEFAULT_USER = "postgres";

  /**
   * The endpoint named by {@code DB_URL}, {@code DB_USER} (default {@value #DEFAULT_USER}), {@code
   * DB_PASSWORD} (default empty), if {@code DB_URL} is set.
   */
  public static Optional<DatabaseEndpoint> fromEnvironment(Map<String, String> env) {
    String url = env.get("DB_URL");
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(
        new DatabaseEndpoint(
            url.strip(),
            env.getOrDefault("DB_USER", DEFAULT_USER),
            env.getOrDefault("DB_PASSWORD", "")));
  }

  /** Opens one plain JDBC connection (no pool); the caller closes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, user, password);
  }

  /** A new connection pool over this endpoint; the caller closes it. */
  public HikariDataSource newPool(String poolName, int maximumPoolSize) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(poolName);
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(maximumPoolSize);
    return new HikariDataSource(config);
  }

  @Override
  public String toString() {
    return "DatabaseEndpoint[" + jdbcUrl + " as " + user + "]";
  }
}
