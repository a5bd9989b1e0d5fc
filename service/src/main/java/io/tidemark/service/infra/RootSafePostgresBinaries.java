package io.tidemark.service.infra;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * Makes zonky's embedded PostgreSQL start when this process runs as root, which PostgreSQL refuses
 * ({@code initdb: cannot be run as root}).
 *
 * <p>As root, the bundled binaries are extracted here once (to {@code
 * <tmpdir>/tidemark-pg/<sha256>}), and zonky is handed a tiny archive of its own instead, whose
 * {@code bin/initdb} and {@code bin/pg_ctl} are scripts that run the real ones as another user:
 *
 * <ul>
 *   <li>{@code unshare -U} (preferred): a new user namespace without a uid map, where the process
 *       is {@code nobody} yet still owns, to the kernel, the root-owned files it creates. Nothing
 *       needs chown and {@code pg_ctl stop} can signal the server.
 *   <li>{@code setpriv} to uid/gid 65534 where user namespaces are not allowed; the script gives
 *       the data directory ({@code -D}) to that user first.
 * </ul>
 *
 * The server started by {@code pg_ctl} inherits the namespace or user. System property {@code
 * tidemark.postgres.launcher} ({@code auto}, {@code unshare}, {@code setpriv}) forces a choice.
 */
final class RootSafePostgresBinaries implements PgBinaryResolver {

  private static final Logger log = LoggerFactory.getLogger(RootSafePostgresBinaries.class);
  private static final int NOBODY = 65534;
  private static final List<String> WRAPPED = List.of("initdb", "pg_ctl");

  private static RootSafePostgresBinaries instance;

  private final String launcher;

  private RootSafePostgresBinaries(String launcher) {
    this.launcher = launcher;
  }

  /** The resolver to give zonky: the stock one, or, as root, one wrapping the binaries. */
  static synchronized PgBinaryResolver resolver() {
    if (!runningAsRoot()) {
      return DefaultPostgresBinaryResolver.INSTANCE;
    }
    if (instance == null) {
      instance = new RootSafePostgresBinaries(chooseLauncher());
      log.info("Running as root: embedded PostgreSQL starts through {}", instance.launcher);
    }
    return instance;
  }

  @Override
  public InputStream getPgBinary(String system, String machineHardware) throws IOException {
    byte[] bundle;
    try (InputStream in =
        DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machineHardware)) {
      if (in == null) {
        return null;
      }
      bundle = in.readAllBytes();
    }
    Path realDir = extractOnce(bundle);
    return new ByteArrayInputStream(wrapperArchive(realDir));
  }

  private static boolean runningAsRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private static String chooseLauncher() {
    String forced = System.getProperty("tidemark.postgres.launcher", "auto");
    if (forced.equals("unshare") || (forced.equals("auto") && succeeds("unshare", "-U", "true"))) {
      return "unshare";
    }
    if (forced.equals("setpriv") || succeeds("setpriv", "--version")) {
      return "setpriv";
    }
    throw new IllegalStateException(
        "PostgreSQL cannot run as root, and neither 'unshare -U' nor 'setpriv' is usable here;"
            + " run as another user or configure DB_URL");
  }

  private static boolean succeeds(String... command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Extracts the bundle to a directory named by its digest, once per machine. */
  private static Path extractOnce(byte[] bundle) throws IOException {
    Path root = Path.of(System.getProperty("java.io.tmpdir"), "tidemark-pg");
    Path target = root.resolve(sha256(bundle));
    if (Files.isDirectory(target)) {
      return target;
    }
    Files.createDirectories(root);
    Path staging = root.resolve("staging-" + UUID.randomUUID());
    extract(bundle, staging);
    try {
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      // Another process won the race; its copy is as good as ours.
      EmbeddedKafka.deleteRecursively(staging);
      if (!Files.isDirectory(target)) {
        throw e;
      }
    }
    return target;
  }

  private static void extract(byte[] bundle, Path dir) throws IOException {
    Files.createDirectories(dir);
    try (var tar = new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(bundle)))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path path = dir.resolve(entry.getName()).normalize();
        if (!path.startsWith(dir)) {
          throw new IOException("Archive entry outside its directory: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(path);
          continue;
        }
        Files.createDirectories(path.getParent());
        if (entry.isSymbolicLink()) {
          Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
        } else if (entry.isLink()) {
          Files.createLink(path, dir.resolve(entry.getLinkName()).normalize());
        } else {
          Files.copy(tar, path);
          Files.setPosixFilePermissions(path, permissions(entry.getMode()));
        }
      }
    }
  }

  /** A txz holding only {@code bin/initdb} and {@code bin/pg_ctl}, each a launcher script. */
  private byte[] wrapperArchive(Path realDir) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (var tar = new TarArchiveOutputStream(new XZOutputStream(bytes, new LZMA2Options()))) {
      for (String binary : WRAPPED) {
        byte[] script =
            script(realDir.resolve("bin").resolve(binary)).getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry("bin/" + binary);
        entry.setMode(0100755);
        entry.setModTime(0);
        entry.setSize(script.length);
        tar.putArchiveEntry(entry);
        tar.write(script);
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  private String script(Path real) {
    String binary = "'" + real.toAbsolutePath().toString().replace("'", "'\\''") + "'";
    if (launcher.equals("unshare")) {
      return "#!/bin/sh\nexec unshare -U " + binary + " \"$@\"\n";
    }
    return "#!/bin/sh\n"
        + "prev=\n"
        + "for arg in \"$@\"; do\n"
        + "  if [ \"$prev\" = -D ]; then chown -R "
        + NOBODY
        + ":"
        + NOBODY
        + " \"$arg\"; fi\n"
        + "  prev=$arg\n"
        + "done\n"
        + "exec setpriv --reuid="
        + NOBODY
        + " --regid="
        + NOBODY
        + " --clear-groups "
        + binary
        + " \"$@\"\n";
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> result = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_EXECUTE
    };
    for (int i = 0; i < order.length; i++) {
      if ((mode & (0400 >> i)) != 0) {
        result.add(order[i]);
      }
    }
    return result;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
