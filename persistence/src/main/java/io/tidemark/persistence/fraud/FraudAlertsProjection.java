package io.tidemark.persistence.fraud;

import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.GroupedProjection;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * The projection of the {@link UserFraud} events into the {@code fraud_alerts} table: one instance
 * per tag {@code UserFraud-<partition>}, spread over the cluster by Sharded Daemon Process, each
 * reading its tag from the JDBC read journal and writing alerts and offset in one transaction
 * ({@link FraudAlertsHandler}, exactly once, in groups of up to {@value #GROUP_SIZE} events). The
 * offsets live in {@code pekko_projection_offset_store} under the projection name {@value #NAME}.
 *
 * <p>The entity deletes no events; {@link JournalCleanup} deletes only those at or below the offset
 * stored here for their tag, so a projection may lag behind the entities (stopped, failing, or
 * slow) by any number of snapshots without missing alerts: the journal keeps what it has not read.
 */
public final class FraudAlertsProjection {

  /** Projection name (and Sharded Daemon Process name). */
  public static final String NAME = "fraud-alerts";

  private static final int GROUP_SIZE = 500;
  private static final Duration GROUP_WITHIN = Duration.ofMillis(200);

  private FraudAlertsProjection() {}

  /**
   * Starts the projection instances for {@code shards} tags (the entity's shard count) on this
   * cluster; idempotent per actor system.
   *
   * @param dataSource connections to the database holding {@code fraud_alerts} and the offset store
   */
  public static void init(ActorSystem<?> system, DataSource dataSource, int shards) {
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            NAME,
            shards,
            partition -> ProjectionBehavior.create(projection(system, dataSource, partition)),
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
  }

  /** The projection of the events tagged {@code UserFraud.tag(partition)}. */
  public static GroupedProjection<Offset, EventEnvelope<UserFraud.Event>> projection(
      ActorSystem<?> system, DataSource dataSource, int partition) {
    String tag = UserFraud.tag(partition);
    SourceProvider<Offset, EventEnvelope<UserFraud.Event>> source =
        EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag);
    // Grouped, yet exactly once: the group's alerts and its last offset commit together.
    return JdbcProjection.groupedWithin(
            ProjectionId.of(NAME, tag),
            source,
            () -> new DataSourceJdbcSession(dataSource),
            FraudAlertsHandler::new,
            system)
        .withGroup(GROUP_SIZE, GROUP_WITHIN);
  }
}
