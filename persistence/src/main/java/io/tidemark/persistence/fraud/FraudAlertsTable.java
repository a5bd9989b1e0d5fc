package io.tidemark.persistence.fraud;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The {@code fraud_alerts} table (SPEC §4.1), filled from the committed {@code fraud-alerts} topic:
 * the alerts read from a partition and the partition's next offset are written in one database
 * transaction ({@code input_offsets}, pipeline {@value #PIPELINE}), so each alert is in the table
 * exactly once and a restarted reader resumes where the table stands. The insert also ignores an
 * existing alert (keyed by the SHA-256 of its id, which may be longer than an index row), so two
 * readers of one partition during a rebalance write the same rows and the offset only moves
 * forward. Blocking: call it from a thread that may block.
 */
public final class FraudAlertsTable {

  /** The {@code input_offsets} pipeline name of the table's reader. */
  public static final String PIPELINE = "fraud-alerts-table";

  static final String INSERT =
      "INSERT INTO fraud_alerts (alert_id, user_id, txn_id, txn_ts, countries, detected_at)"
          + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (alert_key) DO NOTHING";

  static final String OFFSET =
      "INSERT INTO input_offsets (pipeline, topic, partition, next_offset) VALUES (?, ?, ?, ?)"
          + " ON CONFLICT (pipeline, topic, partition) DO UPDATE"
          + " SET next_offset = GREATEST(input_offsets.next_offset, excluded.next_offset)";

  static final String OFFSETS =
      "SELECT partition, next_offset FROM input_offsets WHERE pipeline = ? AND topic = ?";

  private final DataSource dataSource;

  public FraudAlertsTable(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The next offset to read of each partition of {@code topic} that was written before. */
  public Map<Integer, Long> offsets(String topic) throws SQLException {
    Map<Integer, Long> offsets = new HashMap<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement query = c.prepareStatement(OFFSETS)) {
      query.setString(1, PIPELINE);
      query.setString(2, topic);
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          offsets.put(rs.getInt(1), rs.getLong(2));
        }
      }
    }
    return offsets;
  }

  /**
   * Writes {@code alerts}, read from {@code topic}/{@code partition} below {@code nextOffset}, and
   * that offset, in one transaction.
   */
  public void write(String topic, int partition, long nextOffset, List<FraudAlert> alerts)
      throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement insert = c.prepareStatement(INSERT);
          PreparedStatement offset = c.prepareStatement(OFFSET)) {
        for (FraudAlert alert : alerts) {
          Array countries = c.createArrayOf("text", alert.countries().toArray());
          insert.setString(1, alert.alertId());
          insert.setString(2, alert.userId());
          insert.setString(3, alert.txnId());
          insert.setObject(4, utc(alert.txnTs()));
          insert.setArray(5, countries);
          insert.setObject(6, utc(alert.detectedAt()));
          insert.addBatch();
        }
        if (!alerts.isEmpty()) {
          insert.executeBatch();
        }
        offset.setString(1, PIPELINE);
        offset.setString(2, topic);
        offset.setInt(3, partition);
        offset.setLong(4, nextOffset);
        offset.executeUpdate();
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private static OffsetDateTime utc(long epochMillis) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
  }
}
