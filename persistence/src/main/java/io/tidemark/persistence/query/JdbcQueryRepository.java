package io.tidemark.persistence.query;

import io.tidemark.streams.clicks.Visitors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * {@link QueryRepository} over JDBC. Each call borrows a connection from the pool and runs its
 * blocking statement on the given executor, which should be a dedicated pool (a Pekko dispatcher
 * for blocking work), never the default dispatcher. Visitors are merged while the sketches stream
 * from the database, so a long range never holds all its sketches in memory.
 */
public final class JdbcQueryRepository implements QueryRepository {

  /** Rows fetched per round trip when streaming sketches. */
  private static final int SKETCH_FETCH_SIZE = 64;

  private final DataSource dataSource;
  private final Executor executor;

  public JdbcQueryRepository(DataSource dataSource, Executor executor) {
    this.dataSource = dataSource;
    this.executor = executor;
  }

  @Override
  public CompletionStage<List<PageViewWindow>> pageViews(String page, TimeRange range) {
    String sql =
        "SELECT page, window_start, window_end, views, revision FROM page_views"
            + " WHERE page_key = page_key(?) AND page = ? AND window_start >= ?"
            + " AND window_start < ? ORDER BY window_start";
    return query(
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, page);
            statement.setString(2, page);
            setRange(statement, 3, range);
            return readAll(statement, JdbcQueryRepository::pageViewWindow);
          }
        });
  }

  @Override
  public CompletionStage<List<PageTotal>> topPages(TimeRange range, int n) {
    if (n < 1) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("n must be positive"));
    }
    String sql =
        "SELECT page, sum(views) AS total FROM page_views"
            + " WHERE window_start >= ? AND window_start < ?"
            + " GROUP BY page ORDER BY total DESC, page LIMIT ?";
    return query(
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(sql)) {
            setRange(statement, 1, range);
            statement.setInt(3, n);
            return readAll(statement, rs -> new PageTotal(rs.getString(1), rs.getLong(2)));
          }
        });
  }

  @Override
  public CompletionStage<VisitorsEstimate> visitors(TimeRange range) {
    String sql =
        "SELECT sketch FROM unique_visitors"
            + " WHERE window_start >= ? AND window_start < ? AND sketch IS NOT NULL"
            + " ORDER BY window_start";
    return query(
        connection -> {
          // A cursor (fetch size honoured) needs a transaction in PostgreSQL.
          boolean autoCommit = connection.getAutoCommit();
          connection.setAutoCommit(false);
          try (PreparedStatement statement = connection.prepareStatement(sql)) {
            setRange(statement, 1, range);
            statement.setFetchSize(SKETCH_FETCH_SIZE);
            try (ResultSet rs = statement.executeQuery()) {
              SketchRows rows = new SketchRows(rs);
              Visitors merged = Visitors.mergeSketches(() -> rows);
              long visitors = rows.count == 0 ? 0 : merged.visitors();
              return new VisitorsEstimate(range, visitors, rows.count);
            }
          } finally {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
          }
        });
  }

  @Override
  public CompletionStage<List<StoredAlert>> alerts(Optional<String> userId, long since, int limit) {
    if (limit < 1) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("limit must be positive"));
    }
    String sql =
        "SELECT alert_id, user_id, txn_id, txn_ts, countries, detected_at FROM fraud_alerts"
            + " WHERE detected_at >= ?"
            + (userId.isPresent() ? " AND user_id = ?" : "")
            + " ORDER BY detected_at, alert_id LIMIT ?";
    return query(
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int index = 1;
            statement.setObject(index++, timestamp(since));
            if (userId.isPresent()) {
              statement.setString(index++, userId.get());
            }
            statement.setInt(index, limit);
            return readAll(statement, JdbcQueryRepository::storedAlert);
          }
        });
  }

  private <T> CompletionStage<T> query(SqlFunction<Connection, T> work) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection connection = dataSource.getConnection()) {
            return work.apply(connection);
          } catch (SQLException e) {
            throw new CompletionException(e);
          }
        },
        executor);
  }

  private static void setRange(PreparedStatement statement, int index, TimeRange range)
      throws SQLException {
    statement.setObject(index, timestamp(range.from()));
    statement.setObject(index + 1, timestamp(range.to()));
  }

  private static OffsetDateTime timestamp(long epochMillis) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
  }

  private static long epochMillis(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? 0 : value.toInstant().toEpochMilli();
  }

  private static <T> List<T> readAll(PreparedStatement statement, SqlFunction<ResultSet, T> row)
      throws SQLException {
    List<T> rows = new ArrayList<>();
    try (ResultSet rs = statement.executeQuery()) {
      while (rs.next()) {
        rows.add(row.apply(rs));
      }
    }
    return rows;
  }

  private static PageViewWindow pageViewWindow(ResultSet rs) throws SQLException {
    return new PageViewWindow(
        rs.getString("page"),
        epochMillis(rs, "window_start"),
        epochMillis(rs, "window_end"),
        rs.getLong("views"),
        rs.getInt("revision"));
  }

  private static StoredAlert storedAlert(ResultSet rs) throws SQLException {
    java.sql.Array array = rs.getArray("countries");
    List<String> countries = array == null ? List.of() : List.of((String[]) array.getArray());
    return new StoredAlert(
        rs.getString("alert_id"),
        rs.getString("user_id"),
        rs.getString("txn_id"),
        epochMillis(rs, "txn_ts"),
        countries,
        epochMillis(rs, "detected_at"));
  }

  /** A JDBC step that may throw {@link SQLException}. */
  @FunctionalInterface
  private interface SqlFunction<A, B> {
    B apply(A a) throws SQLException;
  }

  /** The sketches of a result set as a one-pass iterator, counting what it hands out. */
  private static final class SketchRows implements Iterator<byte[]> {
    private final ResultSet rs;
    private byte[] next;
    private int count;

    SketchRows(ResultSet rs) {
      this.rs = rs;
    }

    @Override
    public boolean hasNext() {
      if (next == null) {
        try {
          next = rs.next() ? rs.getBytes(1) : null;
        } catch (SQLException e) {
          throw new IllegalStateException("reading sketches failed", e);
        }
      }
      return next != null;
    }

    @Override
    public byte[] next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      byte[] sketch = next;
      next = null;
      count++;
      return sketch;
    }
  }
}
