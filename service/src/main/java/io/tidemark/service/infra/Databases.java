package io.tidemark.service.infra;

import java.util.Map;
import java.util.Optional;

/**
 * Chooses the database for a run: the configured one if there is one ({@code DB_URL} with {@code
 * DB_USER} and {@code DB_PASSWORD}), else an {@link EmbeddedDatabase} started for the life of this
 * process.
 */
public final class Databases {

  private Databases() {}

  /** The database configured in this process's environment, or an embedded one. */
  public static Database fromEnvironment() {
    return open(DatabaseEndpoint.fromEnvironment(System.getenv()));
  }

  /**
   * The configured database if given, else a freshly started embedded one that the caller must
   * close (it registers no shutdown hook: the service closes it after its pipelines stopped).
   */
  public static Database open(Optional<DatabaseEndpoint> configured) {
    return configured.<Database>map(External::new).orElseGet(EmbeddedDatabase::startClosedByOwner);
  }

  /** Opens the database of {@code env} (same keys as the process environment). */
  public static Database open(Map<String, String> env) {
    return open(DatabaseEndpoint.fromEnvironment(env));
  }

  private record External(DatabaseEndpoint endpoint) implements Database {
    @Override
    public boolean embedded() {
      return false;
    }

    @Override
    public void close() {}
  }
}
