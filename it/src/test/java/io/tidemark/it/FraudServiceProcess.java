package io.tidemark.it;

import io.tidemark.service.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code tidemark run} as a JVM of its own, configured by environment variables, so a test can kill
 * it like a crashed node. Its output goes to a log file.
 */
final class FraudServiceProcess implements AutoCloseable {

  private final Process process;
  private final Path log;

  private FraudServiceProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code tidemark run} with {@code env} added to this JVM's environment. */
  static FraudServiceProcess start(Map<String, String> env, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx384m",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "run"));
    Files.createDirectories(log.getParent());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    builder.environment().putAll(env);
    return new FraudServiceProcess(builder.start(), log);
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, as a crash: nothing is flushed, no shutdown hook runs. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("Service process " + process.pid() + " outlived SIGKILL");
    }
  }

  /** The last lines of the log, for failure messages. */
  String tail() {
    return tail(log, 40);
  }

  static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join(
          System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** A directory for logs under the build directory. */
  static Path logDir(String test) {
    return Path.of("target", "it-logs", test).toAbsolutePath();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
