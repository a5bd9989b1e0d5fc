package io.tidemark.persistence.journal;

import com.typesafe.config.Config;
import io.tidemark.persistence.serving.StorageFailures;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.dispatch.Futures;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.PersistentRepr$;
import org.apache.pekko.persistence.journal.Tagged;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;

/**
 * A Pekko Persistence journal on PostgreSQL that serves many entities per database round trip: the
 * writes of all entities that arrive while a batch is written go into the next batch (one multi-row
 * insert, one transaction), and so do the recoveries (one query for the highest sequence numbers of
 * hundreds of entities, one for their events). Thousands of entities started at once — a backlog of
 * new users, a shard handed over — cost a few queries, not three per entity, and never starve the
 * writes, which have threads of their own.
 *
 * <p>The rows are those of pekko-persistence-jdbc's {@code event_journal} (serializer id, manifest
 * and payload; adapter manifest; writer; timestamp), so either plugin reads what the other wrote.
 * Tags are not stored. A batch the database refuses for a reason that will not heal is written
 * again one entity at a time, so one unstorable write fails only its own entity.
 */
public final class PostgresJournal extends AsyncWriteJournal {

  static final String INSERT =
      "INSERT INTO event_journal (persistence_id, sequence_number, deleted, writer,"
          + " write_timestamp, adapter_manifest, event_ser_id, event_ser_manifest, event_payload)"
          + " VALUES (?, ?, false, ?, ?, ?, ?, ?, ?)";

  static final String HIGHEST =
      "SELECT persistence_id, max(sequence_number) FROM event_journal"
          + " WHERE persistence_id = ANY(?) GROUP BY persistence_id";

  static final String REPLAY =
      """
      SELECT j.persistence_id, j.sequence_number, j.writer, j.write_timestamp, j.adapter_manifest,
             j.event_ser_id, j.event_ser_manifest, j.event_payload
      FROM unnest(?::text[], ?::bigint[], ?::bigint[]) AS r(pid, from_nr, to_nr)
      JOIN event_journal j
        ON j.persistence_id = r.pid AND j.sequence_number BETWEEN r.from_nr AND r.to_nr
      WHERE NOT j.deleted
      ORDER BY j.persistence_id, j.sequence_number
      """;

  static final String MARK_DELETED =
      "UPDATE event_journal SET deleted = true WHERE persistence_id = ? AND sequence_number <= ?";

  static final String DELETE =
      "DELETE FROM event_journal WHERE persistence_id = ? AND sequence_number <= ?"
          + " AND sequence_number < (SELECT max(sequence_number) FROM event_journal"
          + " WHERE persistence_id = ?)";

  /** One event as stored. */
  record Row(
      String persistenceId,
      long sequenceNr,
      String writer,
      long timestamp,
      String adapterManifest,
      int serializerId,
      String serializerManifest,
      byte[] payload) {}

  /** The events of one atomic write of one entity. */
  record Write(List<Row> rows, CompletableFuture<Void> future) implements Batcher.Request {}

  /** The highest sequence number of one entity. */
  record Highest(String persistenceId, CompletableFuture<Long> future) implements Batcher.Request {}

  /** The events of one entity in a range, to replay. */
  record Replay(
      String persistenceId,
      long from,
      long to,
      long max,
      Consumer<PersistentRepr> callback,
      CompletableFuture<Void> future)
      implements Batcher.Request {}

  private final JournalDatabase database;
  private final Serialization serialization;
  private final Batcher<Write> writes;
  private final Batcher<Highest> highest;
  private final Batcher<Replay> replays;

  public PostgresJournal(Config pluginConfig) {
    this.database = JournalDatabase.get(context().system());
    this.serialization = SerializationExtension.get(context().system());
    JournalSettings s = database.settings();
    this.writes =
        new Batcher<>(
            "tidemark-journal-write",
            s.writeThreads(),
            s.maxBatch(),
            s.queueCapacity(),
            this::write);
    this.highest =
        new Batcher<>(
            "tidemark-journal-highest",
            s.readThreads(),
            s.maxBatch(),
            s.queueCapacity(),
            this::readHighest);
    this.replays =
        new Batcher<>(
            "tidemark-journal-replay",
            s.readThreads(),
            s.maxBatch(),
            s.queueCapacity(),
            this::replay);
  }

  @Override
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(
      Iterable<AtomicWrite> messages) {
    List<Optional<Exception>> results = new ArrayList<>();
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    for (AtomicWrite write : messages) {
      List<Row> rows;
      try {
        rows = rows(write);
      } catch (RuntimeException e) {
        // Rejected (it cannot be serialized): the entity is told, nothing is stored.
        results.add(Optional.of(e));
        continue;
      }
      Write w = new Write(rows, new CompletableFuture<>());
      writes.submit(w);
      pending.add(w.future());
      results.add(Optional.empty());
    }
    CompletableFuture<Iterable<Optional<Exception>>> all =
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
            .thenApply(done -> results);
    return FutureConverters.asScala(all);
  }

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    CompletableFuture<Void> done =
        CompletableFuture.runAsync(
            () -> {
              try (Connection c = database.transaction()) {
                try (PreparedStatement mark = c.prepareStatement(MARK_DELETED);
                    PreparedStatement delete = c.prepareStatement(DELETE)) {
                  mark.setString(1, persistenceId);
                  mark.setLong(2, toSequenceNr);
                  mark.executeUpdate();
                  delete.setString(1, persistenceId);
                  delete.setLong(2, toSequenceNr);
                  delete.setString(3, persistenceId);
                  delete.executeUpdate();
                  c.commit();
                } catch (SQLException e) {
                  c.rollback();
                  throw e;
                }
              } catch (SQLException e) {
                throw new JournalException("delete of " + persistenceId + " failed", e);
              }
            },
            context().dispatcher());
    return FutureConverters.asScala(done);
  }

  @Override
  public Future<Void> doAsyncReplayMessages(
      String persistenceId,
      long fromSequenceNr,
      long toSequenceNr,
      long max,
      Consumer<PersistentRepr> replayCallback) {
    Replay replay =
        new Replay(
            persistenceId,
            fromSequenceNr,
            toSequenceNr,
            max,
            replayCallback,
            new CompletableFuture<>());
    replays.submit(replay);
    return FutureConverters.asScala(replay.future());
  }

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    Long prefetched = database.takePrefetchedHighest(persistenceId);
    if (prefetched != null) {
      return Futures.successful(prefetched);
    }
    Highest request = new Highest(persistenceId, new CompletableFuture<>());
    highest.submit(request);
    return FutureConverters.asScala(request.future());
  }

  @Override
  public void postStop() {
    writes.close();
    highest.close();
    replays.close();
  }

  private List<Row> rows(AtomicWrite write) {
    List<Row> rows = new ArrayList<>();
    for (PersistentRepr repr : CollectionConverters.asJava(write.payload())) {
      Object payload = repr.payload() instanceof Tagged tagged ? tagged.payload() : repr.payload();
      Serializer serializer = serialization.findSerializerFor(payload);
      rows.add(
          new Row(
              repr.persistenceId(),
              repr.sequenceNr(),
              repr.writerUuid(),
              repr.timestamp(),
              repr.manifest(),
              serializer.identifier(),
              Serializers.manifestFor(serializer, payload),
              serializer.toBinary(payload)));
    }
    return rows;
  }

  /** Writes a batch in one transaction; if the database refuses it for good, each on its own. */
  private void write(List<Write> batch) {
    try {
      insert(batch);
      batch.forEach(w -> w.future().complete(null));
    } catch (SQLException e) {
      if (batch.size() == 1 || StorageFailures.canHeal(e)) {
        fail(batch, e);
        return;
      }
      for (Write w : batch) {
        try {
          insert(List.of(w));
          w.future().complete(null);
        } catch (SQLException single) {
          fail(List.of(w), single);
        }
      }
    }
  }

  private void insert(List<Write> batch) throws SQLException {
    try (Connection c = database.transaction()) {
      try (PreparedStatement insert = c.prepareStatement(INSERT)) {
        for (Write w : batch) {
          for (Row row : w.rows()) {
            insert.setString(1, row.persistenceId());
            insert.setLong(2, row.sequenceNr());
            insert.setString(3, row.writer());
            insert.setLong(4, row.timestamp());
            insert.setString(5, row.adapterManifest());
            insert.setInt(6, row.serializerId());
            insert.setString(7, row.serializerManifest());
            insert.setBytes(8, row.payload());
            insert.addBatch();
          }
        }
        insert.executeBatch();
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private static void fail(List<Write> writes, SQLException e) {
    JournalException failure = new JournalException("journal write failed", e);
    writes.forEach(w -> w.future().completeExceptionally(failure));
  }

  private void readHighest(List<Highest> batch) {
    Map<String, Long> found = new HashMap<>();
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement query = c.prepareStatement(HIGHEST)) {
      Array ids =
          c.createArrayOf("text", batch.stream().map(Highest::persistenceId).distinct().toArray());
      query.setArray(1, ids);
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          found.put(rs.getString(1), rs.getLong(2));
        }
      }
    } catch (SQLException e) {
      throw new JournalException("reading highest sequence numbers failed", e);
    }
    batch.forEach(h -> h.future().complete(found.getOrDefault(h.persistenceId(), 0L)));
  }

  private void replay(List<Replay> batch) {
    Map<String, List<Replay>> byId = new HashMap<>();
    Map<String, long[]> ranges = new HashMap<>();
    for (Replay r : batch) {
      byId.computeIfAbsent(r.persistenceId(), id -> new ArrayList<>()).add(r);
      ranges.merge(
          r.persistenceId(),
          new long[] {r.from(), r.to()},
          (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
    }
    Map<Replay, long[]> delivered = new HashMap<>();
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement query = c.prepareStatement(REPLAY)) {
      List<String> ids = new ArrayList<>(ranges.keySet());
      query.setArray(1, c.createArrayOf("text", ids.toArray()));
      query.setArray(
          2, c.createArrayOf("bigint", ids.stream().map(id -> ranges.get(id)[0]).toArray()));
      query.setArray(
          3, c.createArrayOf("bigint", ids.stream().map(id -> ranges.get(id)[1]).toArray()));
      query.setFetchSize(1000);
      c.setAutoCommit(false);
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          String id = rs.getString(1);
          long nr = rs.getLong(2);
          PersistentRepr repr = null;
          for (Replay r : byId.get(id)) {
            long[] count = delivered.computeIfAbsent(r, k -> new long[1]);
            if (r.future().isDone() || nr < r.from() || nr > r.to() || count[0] >= r.max()) {
              continue;
            }
            try {
              if (repr == null) {
                repr = repr(rs, id, nr);
              }
              r.callback().accept(repr);
              count[0]++;
            } catch (RuntimeException e) {
              // This entity's recovery fails (an event it cannot read); the others go on.
              r.future().completeExceptionally(e);
            }
          }
        }
      }
      c.commit();
    } catch (SQLException e) {
      throw new JournalException("replay failed", e);
    }
    batch.forEach(r -> r.future().complete(null));
  }

  private PersistentRepr repr(ResultSet rs, String persistenceId, long sequenceNr)
      throws SQLException {
    Object payload = serialization.deserialize(rs.getBytes(8), rs.getInt(6), rs.getString(7)).get();
    String adapterManifest = rs.getString(5);
    return PersistentRepr$.MODULE$
        .apply(
            payload,
            sequenceNr,
            persistenceId,
            adapterManifest == null ? "" : adapterManifest,
            false,
            ActorRef.noSender(),
            rs.getString(3))
        .withTimestamp(rs.getLong(4));
  }
}
