package io.tidemark.persistence.serving;

import io.tidemark.streams.clicks.Visitors;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The write side of the serving layer over JDBC: reads where a partition stands and commits a
 * {@link ServingBatch} (result rows, next offset, window snapshot) in one transaction, so that the
 * tables hold each input record's effect exactly once whatever crashes (SPEC §4.1).
 *
 * <p>Blocking: call it from a dedicated executor, never from a stream or actor thread. A commit
 * that throws {@link SQLException} changed nothing and may be retried as it is.
 */
public final class ServingRepository {

  private static final String POSITIONS =
      "SELECT o.partition, o.next_offset, c.snapshot FROM input_offsets o"
          + " LEFT JOIN window_checkpoints c"
          + " ON c.pipeline = o.pipeline AND c.topic = o.topic AND c.partition = o.partition"
          + " WHERE o.pipeline = ? AND o.topic = ? AND o.partition = ANY (?)";
  private static final String ADVANCE =
      "UPDATE input_offsets SET next_offset = ?"
          + " WHERE pipeline = ? AND topic = ? AND partition = ? AND next_offset = ?";
  private static final String FIRST_OFFSET =
      "INSERT INTO input_offsets (pipeline, topic, partition, next_offset) VALUES (?, ?, ?, ?)"
          + " ON CONFLICT DO NOTHING";
  private static final String CURRENT_OFFSET =
      "SELECT next_offset FROM input_offsets WHERE pipeline = ? AND topic = ? AND partition = ?";
  private static final String PAGE_VIEWS =
      "INSERT INTO page_views (page, window_start, window_end, views, revision, updated_at)"
          + " VALUES (?, ?, ?, ?, ?, now()) ON CONFLICT (page_key, window_start) DO UPDATE SET"
          + " views = page_views.views + EXCLUDED.views,"
          + " revision = page_views.revision + EXCLUDED.revision, updated_at = now()";
  private static final String VISITOR_ROW =
      "INSERT INTO unique_visitors (window_start, window_end, visitors, sketch, revision,"
          + " updated_at) VALUES (?, ?, 0, NULL, 0, now()) ON CONFLICT DO NOTHING";
  private static final String LOCK_VISITORS =
      "SELECT window_start, sketch, revision FROM unique_visitors"
          + " WHERE window_start = ANY (?) ORDER BY window_start FOR UPDATE";
  private static final String UPDATE_VISITORS =
      "UPDATE unique_visitors SET visitors = ?, sketch = ?, revision = ?, updated_at = now()"
          + " WHERE window_start = ?";
  private static final String CHECKPOINT =
      "INSERT INTO window_checkpoints (pipeline, topic, partition, snapshot, updated_at)"
          + " VALUES (?, ?, ?, ?, now()) ON CONFLICT (pipeline, topic, partition) DO UPDATE SET"
          + " snapshot = EXCLUDED.snapshot, updated_at = now()";

  private final DataSource dataSource;

  public ServingRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Where the pipeline stands on the given partitions, read in one statement so that offset and
   * snapshot belong together. Partitions never committed are {@link PartitionPosition#beginning()}.
   */
  public Map<Integer, PartitionPosition> positions(
      String pipeline, String topic, Collection<Integer> partitions) throws SQLException {
    Map<Integer, PartitionPosition> result = new HashMap<>();
    partitions.forEach(p -> result.put(p, PartitionPosition.beginning()));
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(POSITIONS)) {
      s.setString(1, pipeline);
      s.setString(2, topic);
      s.setArray(3, c.createArrayOf("int4", partitions.toArray()));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          result.put(
              rs.getInt(1),
              new PartitionPosition(
                  Optional.of(rs.getLong(2)), Optional.ofNullable(rs.getBytes(3))));
        }
      }
    }
    return result;
  }

  /**
   * Commits one batch in one transaction: first the offset fence (the stored offset must still be
   * the expected one), then page views, visitor sketches and the window snapshot.
   *
   * @throws SQLException on any database failure; nothing was committed then
   */
  public CommitOutcome commit(ServingBatch batch) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        CommitOutcome outcome = fence(c, batch);
        if (outcome != CommitOutcome.COMMITTED) {
          c.rollback();
          return outcome;
        }
        writePageViews(c, batch.pageViews());
        writeVisitors(c, batch.visitors());
        if (batch.snapshot().isPresent()) {
          writeSnapshot(c, batch, batch.snapshot().get());
        }
        c.commit();
        return CommitOutcome.COMMITTED;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      }
    }
  }

  private static CommitOutcome fence(Connection c, ServingBatch batch) throws SQLException {
    int updated;
    if (batch.expectedOffset().isPresent()) {
      try (PreparedStatement s = c.prepareStatement(ADVANCE)) {
        s.setLong(1, batch.nextOffset());
        s.setString(2, batch.pipeline());
        s.setString(3, batch.topic());
        s.setInt(4, batch.partition());
        s.setLong(5, batch.expectedOffset().get());
        updated = s.executeUpdate();
      }
    } else {
      try (PreparedStatement s = c.prepareStatement(FIRST_OFFSET)) {
        s.setString(1, batch.pipeline());
        s.setString(2, batch.topic());
        s.setInt(3, batch.partition());
        s.setLong(4, batch.nextOffset());
        updated = s.executeUpdate();
      }
    }
    if (updated == 1) {
      return CommitOutcome.COMMITTED;
    }
    try (PreparedStatement s = c.prepareStatement(CURRENT_OFFSET)) {
      s.setString(1, batch.pipeline());
      s.setString(2, batch.topic());
      s.setInt(3, batch.partition());
      try (ResultSet rs = s.executeQuery()) {
        boolean same = rs.next() && rs.getLong(1) == batch.nextOffset();
        return same ? CommitOutcome.ALREADY_COMMITTED : CommitOutcome.FENCED;
      }
    }
  }

  private static void writePageViews(Connection c, List<PageViewDelta> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement s = c.prepareStatement(PAGE_VIEWS)) {
      for (PageViewDelta row : rows) {
        s.setString(1, row.page());
        s.setObject(2, time(row.windowStart()));
        s.setObject(3, time(row.windowEnd()));
        s.setLong(4, row.views());
        s.setInt(5, row.emissions());
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /**
   * Merges each partition sketch into its row: the row is created if missing (so that a row lock
   * exists), locked, merged and rewritten. A union is idempotent, so only revisions add up.
   */
  private static void writeVisitors(Connection c, List<VisitorSketch> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement s = c.prepareStatement(VISITOR_ROW)) {
      for (VisitorSketch row : rows) {
        s.setObject(1, time(row.windowStart()));
        s.setObject(2, time(row.windowEnd()));
        s.addBatch();
      }
      s.executeBatch();
    }
    Map<Long, byte[]> stored = new HashMap<>();
    Map<Long, Integer> revisions = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement(LOCK_VISITORS)) {
      Object[] starts = rows.stream().map(r -> time(r.windowStart())).toArray();
      Array array = c.createArrayOf("timestamptz", starts);
      s.setArray(1, array);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          long start = rs.getObject(1, OffsetDateTime.class).toInstant().toEpochMilli();
          byte[] sketch = rs.getBytes(2);
          if (sketch != null) {
            stored.put(start, sketch);
          }
          revisions.put(start, rs.getInt(3));
        }
      }
    }
    try (PreparedStatement s = c.prepareStatement(UPDATE_VISITORS)) {
      for (VisitorSketch row : rows) {
        List<byte[]> parts = new ArrayList<>(2);
        byte[] old = stored.get(row.windowStart());
        if (old != null) {
          parts.add(old);
        }
        parts.add(row.sketch());
        Visitors merged = Visitors.mergeSketches(parts);
        s.setLong(1, merged.visitors());
        s.setBytes(2, merged.sketch());
        s.setInt(3, revisions.getOrDefault(row.windowStart(), 0) + row.emissions());
        s.setObject(4, time(row.windowStart()));
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  private static void writeSnapshot(Connection c, ServingBatch batch, byte[] snapshot)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(CHECKPOINT)) {
      s.setString(1, batch.pipeline());
      s.setString(2, batch.topic());
      s.setInt(3, batch.partition());
      s.setBytes(4, snapshot);
      s.executeUpdate();
    }
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /** An epoch-millisecond instant as the JDBC value of a {@code timestamptz}. */
  static OffsetDateTime time(long epochMillis) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
  }
}
