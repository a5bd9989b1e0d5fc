package io.tidemark.it;

import io.tidemark.service.infra.EmbeddedKafka;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link EmbeddedKafka#main} run as a JVM of its own, so a test can kill it like a crashed broker.
 * Its output goes to {@code kafka-<n>.log} in the given directory.
 */
final class KafkaProcess implements AutoCloseable {

  private final Process process;
  private final String bootstrapServers;

  private KafkaProcess(Process process, String bootstrapServers) {
    this.process = process;
    this.bootstrapServers = bootstrapServers;
  }

  /** Starts the broker on {@code port} over {@code dataDir} and waits until it serves. */
  static KafkaProcess start(int port, Path dataDir, Path logFile, Duration timeout)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx512m",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    System.getProperty("java.class.path"),
                    EmbeddedKafka.class.getName(),
                    "--port",
                    Integer.toString(port),
                    "--dir",
                    dataDir.toString()))
            .redirectErrorStream(true)
            .start();
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread pump = new Thread(() -> pump(process, logFile, ready), "kafka-process-output");
    pump.setDaemon(true);
    pump.start();
    try {
      String bootstrap = ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new KafkaProcess(process, bootstrap);
    } catch (Exception e) {
      process.destroyForcibly().waitFor();
      List<String> lines = Files.exists(logFile) ? Files.readAllLines(logFile) : List.of();
      String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
      throw new IllegalStateException("Kafka process did not get ready; its output:\n" + tail, e);
    }
  }

  /** Copies the process output to the log file, completing {@code ready} on the ready line. */
  private static void pump(Process process, Path logFile, CompletableFuture<String> ready) {
    try (BufferedReader in =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter log = new PrintWriter(Files.newBufferedWriter(logFile), true)) {
      String line;
      while ((line = in.readLine()) != null) {
        log.println(line);
        if (line.startsWith(EmbeddedKafka.READY_PREFIX)) {
          ready.complete(line.substring(EmbeddedKafka.READY_PREFIX.length()).strip());
        }
      }
      ready.completeExceptionally(
          new IllegalStateException("Kafka process ended before it was ready"));
    } catch (IOException e) {
      ready.completeExceptionally(e);
    }
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  long pid() {
    return process.pid();
  }

  /** Kills the broker at once (SIGKILL), as a crash would, and waits until it is gone. */
  void kill(Duration timeout) throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("Kafka process " + process.pid() + " outlived SIGKILL");
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    Processes.stop(process, Duration.ofSeconds(30));
  }
}
