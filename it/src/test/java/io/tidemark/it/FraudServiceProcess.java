package io.tidemark.it;

import io.tidemark.service.Main;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code tidemark run} as a JVM of its own, configured by environment variables, so a test can kill
 * it like a crashed node. Its output goes to a log file.
 */
final class FraudServiceProcess implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final Path log;

  private FraudServiceProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code tidemark run} with {@code env} added to this JVM's environment. */
  static FraudServiceProcess start(Map<String, String> env, Path log) throws IOException {
    return start(env, log, "-Xmx384m");
  }

  /** As {@link #start(Map, Path)}, with the heap option {@code heap} (e.g. {@code -Xmx768m}). */
  static FraudServiceProcess start(Map<String, String> env, Path log, String heap)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                heap,
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

  /** Whether GET /health/ready of the service on {@code httpPort} answers 200. */
  static boolean ready(int httpPort) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health/ready"))
              .timeout(Duration.ofSeconds(10))
              .build();
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** A directory for logs under the build directory. */
  static Path logDir(String test) {
    return Path.of("target", "it-logs", test).toAbsolutePath();
  }

  @Override
  public void close() {
    Processes.stop(process, Duration.ofSeconds(30));
  }
}
