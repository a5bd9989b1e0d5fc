package io.tidemark.persistence.journal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

/**
 * The connection pool of the journal and the snapshot store of one actor system: one pool for both
 * plugins, opened on first use and closed when the actor system terminates. Batched inserts are
 * rewritten by the driver into multi-row statements ({@code reWriteBatchedInserts}).
 */
public final class JournalDatabase implements Extension {

  /** The extension's id. */
  public static final Id ID = new Id();

  /** Creates the extension of an actor system. */
  public static final class Id extends AbstractExtensionId<JournalDatabase>
      implements ExtensionIdProvider {
    @Override
    public JournalDatabase createExtension(ExtendedActorSystem system) {
      return new JournalDatabase(system);
    }

    @Override
    public Id lookup() {
      return ID;
    }
  }

  /** How long a highest sequence number read ahead for a recovery stays usable. */
  private static final long PREFETCH_VALID_NANOS = 30_000_000_000L;

  private final JournalSettings settings;
  private final HikariDataSource pool;
  private final Map<String, long[]> prefetchedHighest = new ConcurrentHashMap<>();

  private JournalDatabase(ExtendedActorSystem system) {
    this.settings = JournalSettings.create(system.settings().config());
    HikariConfig config = new HikariConfig();
    config.setPoolName("tidemark-journal");
    config.setJdbcUrl(settings.url());
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(settings.poolSize());
    // An unreachable database makes journal calls wait and fail, not the actor system's start.
    config.setInitializationFailTimeout(-1);
    config.setConnectionTimeout(10_000);
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    if (!settings.schema().isBlank()) {
      config.setSchema(settings.schema());
    }
    this.pool = new HikariDataSource(config);
    system.registerOnTermination(pool::close);
  }

  /** The extension of {@code system}. */
  public static JournalDatabase get(ActorSystem system) {
    return ID.get(system);
  }

  JournalSettings settings() {
    return settings;
  }

  DataSource dataSource() {
    return pool;
  }

  /**
   * Remembers the highest sequence number of {@code persistenceId}, read together with its
   * snapshot: the journal asks for it next in the same recovery, and takes it from here instead of
   * another round trip. Nothing else writes the entity's events while it recovers.
   */
  void prefetchedHighest(String persistenceId, long highest) {
    if (prefetchedHighest.size() > settings.queueCapacity()) {
      prefetchedHighest.clear();
    }
    prefetchedHighest.put(persistenceId, new long[] {highest, System.nanoTime()});
  }

  /** The highest sequence number read ahead for {@code persistenceId}, once, if still fresh. */
  Long takePrefetchedHighest(String persistenceId) {
    long[] entry = prefetchedHighest.remove(persistenceId);
    return entry == null || System.nanoTime() - entry[1] > PREFETCH_VALID_NANOS ? null : entry[0];
  }

  /** A connection in manual-commit mode. */
  Connection transaction() throws SQLException {
    Connection connection = pool.getConnection();
    connection.setAutoCommit(false);
    return connection;
  }
}
