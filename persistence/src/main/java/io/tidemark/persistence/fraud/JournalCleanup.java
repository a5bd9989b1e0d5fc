package io.tidemark.persistence.fraud;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Deletes the {@link UserFraud} events nothing needs any more. The entity keeps its events when it
 * snapshots (its recovery needs only the newest snapshot and the events after it), because the
 * {@code fraud_alerts} projection ({@link FraudAlertsProjection}) may not have read them yet; this
 * cleanup deletes an event of {@code event_journal} when all of these hold:
 *
 * <ul>
 *   <li>its sequence number is below that of the newest snapshot of its persistence id: recovery
 *       starts from that snapshot;
 *   <li>it is tagged, and its ordering is at most the offset the projection {@value
 *       FraudAlertsProjection#NAME} stored for each of its tags: its alerts are in the table (the
 *       projection reads a tag by ordering and stores the last ordering it wrote as a {@code
 *       Sequence} offset, manifest {@code SEQ});
 *   <li>it is not the persistence id's highest sequence number: the journal derives the next
 *       sequence number from that row.
 * </ul>
 *
 * <p>A lagging projection therefore delays deletion instead of losing alerts. Tags go with their
 * events ({@code event_tag} cascades). Deleted orderings below the projection's offsets are gaps to
 * the read journal's sequence tracking, which it skips like any other gap (at worst one {@code
 * journal-sequence-retrieval} round, {@code max-tries × query-delay}, after a restart).
 *
 * <p>Each call of {@link #run} deletes in batches of at most {@code batchSize} events, one
 * transaction each. Every run re-reads snapshots and offsets, which only ever grow, so it is
 * idempotent and may run on every node: a transaction-scoped advisory lock (per schema) lets one
 * node delete at a time, and a node that finds the lock taken skips its run. Blocking: call it from
 * a thread that may block.
 */
public final class JournalCleanup {

  /** The events of the entity type, by persistence id {@code UserFraud|<userId>}. */
  private static final String PERSISTENCE_IDS = UserFraud.ENTITY_KEY.name() + "|%";

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
          AND EXISTS (SELECT 1 FROM event_tag t WHERE t.event_id = e.ordering)
          AND NOT EXISTS (
            SELECT 1 FROM event_tag t
            WHERE t.event_id = e.ordering
              AND NOT EXISTS (
                SELECT 1 FROM pekko_projection_offset_store o
                WHERE o.projection_name = ?
                  AND o.projection_key = t.tag
                  AND e.ordering <= CASE WHEN o.manifest = 'SEQ'
                                         THEN CAST(o.current_offset AS BIGINT) END))
        ORDER BY e.ordering
        LIMIT ?)
      """;

  private final DataSource dataSource;
  private final int batchSize;

  /**
   * @param dataSource connections to the database of the journal, the snapshots and the
   *     projection's offsets (their schema first on the search path)
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
   * Deletes every event that is covered by a snapshot and projected, batch after batch.
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
      delete.setString(2, FraudAlertsProjection.NAME);
      delete.setInt(3, batchSize);
      return delete.executeUpdate();
    }
  }
}
