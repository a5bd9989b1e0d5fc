package io.tidemark.persistence.journal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
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

  private final JournalSettings settings;
  private final HikariDataSource pool;

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

  /** A connection in manual-commit mode. */
  Connection transaction() throws SQLException {
    Connection connection = pool.getConnection();
    connection.setAutoCommit(false);
    return connection;
  }
}
