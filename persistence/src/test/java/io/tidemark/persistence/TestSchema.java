package io.tidemark.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tidemark.persistence.schema.Schema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A fresh schema on the machine's PostgreSQL (127.0.0.1:5432, database {@code test}, user {@code
 * postgres}), migrated with the project's migrations, with a pool whose connections use it and an
 * executor for the blocking JDBC calls of the code under test (one thread per pooled connection);
 * closing drops the schema, stops the executor and closes the pool. Keeps tests against the real
 * database isolated from each other.
 */
public final class TestSchema implements AutoCloseable {

  private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";

  private final String name;
  private final HikariDataSource dataSource;
  private final ExecutorService executor;

  private TestSchema(String name, HikariDataSource dataSource, int threads) {
    this.name = name;
    this.dataSource = dataSource;
    this.executor = Executors.newFixedThreadPool(threads);
  }

  /** Creates and migrates a schema named {@code prefix} plus a random suffix. */
  public static TestSchema create(String prefix, int poolSize) {
    String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(URL + "?currentSchema=" + name);
    config.setUsername("postgres");
    config.setMaximumPoolSize(poolSize);
    HikariDataSource dataSource = new HikariDataSource(config);
    Schema.migrate(dataSource, name);
    return new TestSchema(name, dataSource, poolSize);
  }

  public String name() {
    return name;
  }

  public HikariDataSource dataSource() {
    return dataSource;
  }

  /** Where the code under test runs its blocking JDBC calls. */
  public ExecutorService executor() {
    return executor;
  }

  /** Runs one statement, e.g. to empty tables between tests. */
  public void execute(String sql) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /**
   * The first column of every row of a query, as text; {@code parameters} bind its {@code ?} in
   * order. A failing query fails the test.
   */
  public List<String> strings(String sql, Object... parameters) {
    List<String> values = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        s.setObject(i + 1, parameters[i]);
      }
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          values.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new AssertionError(sql, e);
    }
    return values;
  }

  @Override
  public void close() throws SQLException {
    executor.shutdown();
    try {
      execute("DROP SCHEMA " + name + " CASCADE");
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        throw new AssertionError("JDBC calls still running 10 s after the test");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while stopping the executor", e);
    } finally {
      dataSource.close();
    }
  }
}
