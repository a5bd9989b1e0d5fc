package io.tidemark.persistence.journal;

import com.typesafe.config.Config;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.snapshot.japi.SnapshotStore;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;

/**
 * The snapshot store beside {@link PostgresJournal}, on pekko-persistence-jdbc's {@code snapshot}
 * table. Loads, the first step of every entity's recovery, are batched like the journal's reads:
 * one query finds the newest matching snapshot of hundreds of entities. Saves and deletes are
 * single statements (an entity snapshots once every so many events).
 */
public final class PostgresSnapshotStore extends SnapshotStore {

  /**
   * The newest matching snapshot of each entity of a batch, and the highest sequence number of its
   * events, which the journal asks for next in the same recovery (one round trip instead of two).
   */
  static final String LOAD =
      """
      SELECT r.idx, s.sequence_number, s.created,
             s.snapshot_ser_id, s.snapshot_ser_manifest, s.snapshot_payload,
             (SELECT max(j.sequence_number) FROM event_journal j WHERE j.persistence_id = r.pid)
      FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])
           WITH ORDINALITY AS r(pid, max_nr, max_ts, min_nr, min_ts, idx)
      LEFT JOIN LATERAL (
        SELECT * FROM snapshot s
        WHERE s.persistence_id = r.pid
          AND s.sequence_number BETWEEN r.min_nr AND r.max_nr
          AND s.created BETWEEN r.min_ts AND r.max_ts
        ORDER BY s.sequence_number DESC
        LIMIT 1) s ON true
      """;

  static final String SAVE =
      """
      INSERT INTO snapshot (persistence_id, sequence_number, created,
                            snapshot_ser_id, snapshot_ser_manifest, snapshot_payload)
      VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (persistence_id, sequence_number) DO UPDATE
        SET created = excluded.created, snapshot_ser_id = excluded.snapshot_ser_id,
            snapshot_ser_manifest = excluded.snapshot_ser_manifest,
            snapshot_payload = excluded.snapshot_payload
      """;

  static final String DELETE_ONE =
      "DELETE FROM snapshot WHERE persistence_id = ? AND sequence_number = ?";

  static final String DELETE_MATCHING =
      "DELETE FROM snapshot WHERE persistence_id = ?"
          + " AND sequence_number BETWEEN ? AND ? AND created BETWEEN ? AND ?";

  /** The newest snapshot of one entity that matches its criteria. */
  record Load(
      String persistenceId,
      SnapshotSelectionCriteria criteria,
      CompletableFuture<Optional<SelectedSnapshot>> future)
      implements Batcher.Request {}

  private final JournalDatabase database;
  private final Serialization serialization;
  private final Batcher<Load> loads;

  public PostgresSnapshotStore(Config pluginConfig) {
    this.database = JournalDatabase.get(context().system());
    this.serialization = SerializationExtension.get(context().system());
    JournalSettings s = database.settings();
    this.loads =
        new Batcher<>(
            "tidemark-snapshot-load", s.readThreads(), s.maxBatch(), s.queueCapacity(), this::load);
  }

  @Override
  public Future<Optional<SelectedSnapshot>> doLoadAsync(
      String persistenceId, SnapshotSelectionCriteria criteria) {
    Load load = new Load(persistenceId, criteria, new CompletableFuture<>());
    loads.submit(load);
    return FutureConverters.asScala(load.future());
  }

  @Override
  public Future<Void> doSaveAsync(SnapshotMetadata metadata, Object snapshot) {
    return update(
        "save",
        SAVE,
        statement -> {
          Serializer serializer = serialization.findSerializerFor(snapshot);
          statement.setString(1, metadata.persistenceId());
          statement.setLong(2, metadata.sequenceNr());
          statement.setLong(3, metadata.timestamp());
          statement.setInt(4, serializer.identifier());
          statement.setString(5, Serializers.manifestFor(serializer, snapshot));
          statement.setBytes(6, serializer.toBinary(snapshot));
        });
  }

  @Override
  public Future<Void> doDeleteAsync(SnapshotMetadata metadata) {
    return update(
        "delete",
        DELETE_ONE,
        statement -> {
          statement.setString(1, metadata.persistenceId());
          statement.setLong(2, metadata.sequenceNr());
        });
  }

  @Override
  public Future<Void> doDeleteAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
    return update(
        "delete",
        DELETE_MATCHING,
        statement -> {
          statement.setString(1, persistenceId);
          statement.setLong(2, criteria.minSequenceNr());
          statement.setLong(3, criteria.maxSequenceNr());
          statement.setLong(4, criteria.minTimestamp());
          statement.setLong(5, criteria.maxTimestamp());
        });
  }

  @Override
  public void postStop() {
    loads.close();
  }

  private interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  /** One statement in its own transaction, on the plugin's dispatcher. */
  private Future<Void> update(String what, String sql, Binder binder) {
    CompletableFuture<Void> done =
        CompletableFuture.runAsync(
            () -> {
              try (Connection c = database.dataSource().getConnection();
                  PreparedStatement statement = c.prepareStatement(sql)) {
                binder.bind(statement);
                statement.executeUpdate();
              } catch (SQLException e) {
                throw new JournalException("snapshot " + what + " failed", e);
              }
            },
            context().dispatcher());
    return FutureConverters.asScala(done);
  }

  private void load(List<Load> batch) {
    Map<Integer, SelectedSnapshot> found = new HashMap<>();
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement query = c.prepareStatement(LOAD)) {
      query.setArray(1, c.createArrayOf("text", batch.stream().map(Load::persistenceId).toArray()));
      query.setArray(2, longs(c, batch, SnapshotSelectionCriteria::maxSequenceNr));
      query.setArray(3, longs(c, batch, SnapshotSelectionCriteria::maxTimestamp));
      query.setArray(4, longs(c, batch, SnapshotSelectionCriteria::minSequenceNr));
      query.setArray(5, longs(c, batch, SnapshotSelectionCriteria::minTimestamp));
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          int index = rs.getInt(1) - 1;
          Load load = batch.get(index);
          database.prefetchedHighest(load.persistenceId(), rs.getLong(7));
          byte[] payload = rs.getBytes(6);
          if (payload == null) {
            continue;
          }
          try {
            Object snapshot =
                serialization.deserialize(payload, rs.getInt(4), rs.getString(5)).get();
            SnapshotMetadata metadata =
                SnapshotMetadata.apply(load.persistenceId(), rs.getLong(2), rs.getLong(3));
            found.put(index, SelectedSnapshot.create(metadata, snapshot));
          } catch (RuntimeException e) {
            // This entity's recovery fails (a snapshot it cannot read); the others go on.
            load.future().completeExceptionally(e);
          }
        }
      }
    } catch (SQLException e) {
      throw new JournalException("snapshot load failed", e);
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).future().complete(Optional.ofNullable(found.get(i)));
    }
  }

  private interface Criterion {
    long of(SnapshotSelectionCriteria criteria);
  }

  private static java.sql.Array longs(Connection c, List<Load> batch, Criterion criterion)
      throws SQLException {
    return c.createArrayOf("bigint", batch.stream().map(l -> criterion.of(l.criteria())).toArray());
  }
}
