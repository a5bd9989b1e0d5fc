package io.tidemark.persistence.fraud;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.projection.jdbc.JdbcSession;

/**
 * A pekko-projection-jdbc session on one pooled connection with auto-commit off: the projection
 * runs the handler and writes its offset through {@link #withConnection}, then commits both in one
 * database transaction. Created per transaction, closed (connection returned) by the projection.
 */
public final class DataSourceJdbcSession implements JdbcSession {

  private final Connection connection;

  /**
   * Borrows a connection from {@code dataSource}.
   *
   * @throws IllegalStateException if no connection can be had (the projection restarts)
   */
  public DataSourceJdbcSession(DataSource dataSource) {
    try {
      this.connection = dataSource.getConnection();
      connection.setAutoCommit(false);
    } catch (SQLException e) {
      throw new IllegalStateException("No database connection for the projection", e);
    }
  }

  @Override
  public <R> R withConnection(Function<Connection, R> func) throws Exception {
    return func.apply(connection);
  }

  @Override
  public void commit() throws SQLException {
    connection.commit();
  }

  @Override
  public void rollback() throws SQLException {
    connection.rollback();
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
