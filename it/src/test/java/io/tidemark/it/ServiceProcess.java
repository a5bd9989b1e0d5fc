package io.tidemark.it;

import io.tidemark.service.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code tidemark run} as a JVM of its own (the {@code java} binary itself, no shell in between),
 * configured like a container: environment variables, plus system properties for what has no
 * variable. Its output goes to a log file, so a test can kill it with SIGKILL like a crashed node.
 */
final class ServiceProcess implements AutoCloseable {

  private final Process process;
  private final Path logFile;
  private final Thread pump;

  private ServiceProcess(Process process, Path logFile, Thread pump) {
    this.process = process;
    this.logFile = logFile;
    this.pump = pump;
  }

  /**
   * Starts {@code tidemark run} with the given environment (added to this process's) and system
   * properties; returns at once.
   */
  static ServiceProcess start(Map<String, String> env, Map<String, String> properties, Path logFile)
      throws IOException {
    return start(env, properties, logFile, List.of("run"));
  }

  /** Starts {@code tidemark <arguments>} (e.g. {@code demo --rate 2000}); returns at once. */
  static ServiceProcess start(
      Map<String, String> env, Map<String, String> properties, Path logFile, List<String> arguments)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Xmx384m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    Thread pump = new Thread(() -> pump(process, logFile), "service-process-output");
    pump.setDaemon(true);
    pump.start();
    return new ServiceProcess(process, logFile, pump);
  }

  private static void pump(Process process, Path logFile) {
    try (BufferedReader in =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter log = new PrintWriter(Files.newBufferedWriter(logFile), true)) {
      String line;
      while ((line = in.readLine()) != null) {
        log.println(line);
      }
    } catch (IOException e) {
      // the process is gone; its log ends here
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the JVM at once (SIGKILL), as a crash would, and waits until it is gone. */
  void kill(Duration timeout) throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("Service process " + process.pid() + " outlived SIGKILL");
    }
  }

  /** Every line of the process output so far. */
  List<String> lines() {
    try {
      return Files.exists(logFile) ? Files.readAllLines(logFile) : List.of();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Sends SIGTERM and waits up to {@code timeout} for the process to exit.
   *
   * @return the time it took to exit
   * @throws IllegalStateException if it is still running after {@code timeout} (then killed)
   */
  Duration terminate(Duration timeout) throws InterruptedException {
    return terminate(timeout, null);
  }

  /**
   * Like {@link #terminate(Duration)}, and if the process is still running after {@code dumpAfter}
   * writes its threads' stacks ({@code jcmd Thread.print}) to {@code stacks}: where a slow stop
   * waits.
   */
  Duration terminate(Duration timeout, Duration dumpAfter, Path stacks)
      throws InterruptedException {
    return terminate(
        timeout,
        () -> {
          if (!process.waitFor(dumpAfter.toMillis(), TimeUnit.MILLISECONDS)) {
            dumpThreads(stacks);
          }
        });
  }

  private interface Watch {
    void during() throws InterruptedException;
  }

  private Duration terminate(Duration timeout, Watch watch) throws InterruptedException {
    long start = System.nanoTime();
    // SIGTERM through the process handle: Process.destroy() also closes the pipes, and the output
    // of the stop itself would be lost
    process.toHandle().destroy();
    if (watch != null) {
      watch.during();
    }
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("Service process " + process.pid() + " outlived SIGTERM");
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    // the whole output is in the log once the pump has read to its end
    pump.join(timeout.toMillis());
    return took;
  }

  private void dumpThreads(Path stacks) {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    try {
      Process dump =
          new ProcessBuilder(jcmd, Long.toString(process.pid()), "Thread.print")
              .redirectErrorStream(true)
              .redirectOutput(stacks.toFile())
              .start();
      dump.waitFor(20, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      // no stacks: the failure message still says how long the stop took
    }
  }

  int exitValue() {
    return process.exitValue();
  }

  /** The last lines of the process output, for failure messages. */
  String tail(int lines) {
    try {
      List<String> all = Files.exists(logFile) ? Files.readAllLines(logFile) : List.of();
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** Stops the process with SIGTERM (coordinated shutdown), SIGKILL if it lingers. */
  @Override
  public void close() {
    Processes.stop(process, Duration.ofSeconds(30));
  }
}
