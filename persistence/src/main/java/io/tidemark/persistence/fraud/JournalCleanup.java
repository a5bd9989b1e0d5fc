package io.tidemark.persistence.fraud;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Deletes the {@link UserFraud} events nothing needs any more. The entity keeps its events when it
 * snapshots, so that deleting them costs nothing on the write path; this cleanup deletes, in bulk,
 * an event of {@code event_journal} when both hold:
 *
 * <ul>
 *   <li>its sequence number is below that of the newest snapshot of its persistence id: recovery
 *       starts from that snapshot;
 *   <li>it is not the persistence id's highest sequence number: the journal derives the next
 *       sequence number from that row.
 * </ul>
 *
 * <p>Alerts do not depend on the journal after the fact: the {@code fraud_alerts} table is filled
 * from the committed {@code fraud-alerts} topic.
 *
 * <p>Each call of {@link #run} deletes in batches of at most {@code batchSize} events, one
 * transaction each. Every run re-reads the snapshots, which only ever move forward, so it is
 * idempotent and may run on every node: a transaction-scoped advisory lock (per schema) lets one
 * node delete at a time, and a node that finds the lock taken skips its run. Blocking: call it from
 * a thread that may block.
 */
public final class JournalCleanup {

  /**
   * The events of the entity type, by persistence id ({@code UserFraud|<userId>} or {@code
   * UserFraud#<hash>}, {@link UserFraud#persistenceId}).
   */
  private static final String PERSISTENCE_IDS = UserFraud.ENTITY_KEY.name() + "_%";

  /** One cleaner per schema: the lock's key is derived from the schema's name. */
  static final String LOCK =
      "SELECT pg_try_advisory_xact_lock(hashtext('tidemark.journal-cleanup.' || current_schema()))";

  static final String DELETE =
      """
      DELETE FROM event_journal
      WHERE ordering IN (
        SELECT e.ordering
        FROM event_journal e
        JOIN (SELECT persistence_id, max(sequence_number) AS sequence_number
              FROM snapshot
              WHERE persistence_id LIKE ?
              GROUP BY persistence_id) newest
          ON newest.persistence_id = e.persistence_id
        WHERE e.sequence_number < newest.sequence_number
          AND e.sequence_number < (SELECT max(h.sequence_number) FROM event_journal h
                                   WHERE h.persistence_id = e.persistence_id)
        ORDER BY e.ordering
        LIMIT ?)
      """;

  private final DataSource dataSource;
  private final int batchSize;

  /**
   * @param dataSource connections to the database of the journal and the snapshots (their schema
   *     first on the search path)
   * @param batchSize the most events one transaction deletes; positive
   */
  public JournalCleanup(DataSource dataSource, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch-size must be positive, was " + batchSize);
    }
    this.dataSource = dataSource;
    this.batchSize = batchSize;
  }

  /**
   * Deletes every event that is covered by a snapshot, batch after batch.
   *
   * @return the number of events deleted; 0 as well when another node holds the lock
   * @throws SQLException if the database fails; what earlier batches deleted stays deleted
   */
  public long run() throws SQLException {
    long deleted = 0;
    int batch;
    do {
      batch = deleteBatch();
      deleted += Math.max(batch, 0);
    } while (batch == batchSize);
    return deleted;
  }

  /** One transaction: the number of events deleted, or -1 when another node holds the lock. */
  private int deleteBatch() throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        int deleted = locked(connection) ? delete(connection) : -1;
        connection.commit();
        return deleted;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  private static boolean locked(Connection connection) throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement(LOCK);
        ResultSet rs = lock.executeQuery()) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  private int delete(Connection connection) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
      delete.setString(1, PERSISTENCE_IDS);
      delete.setInt(2, batchSize);
      return delete.executeUpdate();
    }
  }
}
