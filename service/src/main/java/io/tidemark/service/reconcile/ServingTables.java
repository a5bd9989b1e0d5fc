package io.tidemark.service.reconcile;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Reads the serving tables and the pipeline's input offsets in ONE repeatable-read transaction, so
 * the rows are exactly the effect of the records before those offsets, even while the pipeline
 * runs.
 */
public final class ServingTables {

  private ServingTables() {}

  /** The committed rows and offsets of {@code pipeline} on {@code topic}. */
  public static ServingRows read(DataSource dataSource, String pipeline, String topic)
      throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setReadOnly(true);
      try {
        SortedMap<Integer, Long> offsets = new TreeMap<>();
        try (PreparedStatement s =
            c.prepareStatement(
                "SELECT partition, next_offset FROM input_offsets WHERE pipeline = ? AND topic = ?")) {
          s.setString(1, pipeline);
          s.setString(2, topic);
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              offsets.put(rs.getInt(1), rs.getLong(2));
            }
          }
        }
        SortedMap<WindowKey, Long> views = new TreeMap<>();
        try (PreparedStatement s =
                c.prepareStatement("SELECT page, window_start, views FROM page_views");
            ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            views.put(new WindowKey(rs.getString(1), millis(rs, 2)), rs.getLong(3));
          }
        }
        Map<WindowKey, byte[]> sketches = new HashMap<>();
        SortedMap<WindowKey, Long> counts = new TreeMap<>();
        try (PreparedStatement s =
                c.prepareStatement("SELECT window_start, visitors, sketch FROM unique_visitors");
            ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            WindowKey key = new WindowKey("", millis(rs, 1));
            counts.put(key, rs.getLong(2));
            sketches.put(key, rs.getBytes(3));
          }
        }
        c.commit();
        return new ServingRows(offsets, views, sketches, counts);
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private static long millis(ResultSet rs, int column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant().toEpochMilli();
  }
}
