package io.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.service.generate.GeneratorSettings;
import io.tidemark.service.infra.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tidemark run} (the click pipeline alone, and both pipelines) and {@code tidemark demo} as
 * JVMs of their own, stopped with SIGTERM while they consume: each exits within five seconds, and
 * prints nothing on the way but its status line (no warnings, no errors, no stray lines of the
 * libraries). A slower stop leaves its threads' stacks in {@code it/target}.
 */
class StopIT {

  static final Duration STOP_WITHIN = Duration.ofSeconds(5);

  @TempDir Path work;

  EmbeddedKafka kafka;
  ServiceConfig config;
  ServiceProcess service;

  @BeforeEach
  void startKafka() {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(
        Map.of("clicks", 4, "transactions", 4, "dead-letters", 1, "fraud-alerts", 4));
    config = ServiceConfig.onMachinePostgres(kafka.bootstrapServers());
  }

  @AfterEach
  void stopEverything() {
    if (service != null) {
      service.close();
    }
    if (config != null) {
      config.dropSchema();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void runStopsWithinFiveSecondsOfSigtermWithoutWarningsOrStrayOutput() throws Exception {
    // enough that the pipeline is mid-stream when the signal comes
    ClickTopic.produce(
        kafka.bootstrapServers(),
        "clicks",
        GeneratorSettings.defaults().withCounts(200_000, 0).withSeed(11));
    DataSource db = config.dataSource();
    Map<String, String> env = new HashMap<>(config.env());
    // the click pipeline alone; the next test stops both
    env.put("FRAUD_PIPELINE_ENABLED", "false");
    env.put("FRAUD_ALERTS_TABLE_ENABLED", "false");
    stopMidStream(env, () -> ExactlyOnce.committed(db, "clicks") > 0);
  }

  @Test
  void runWithTheFraudSideStopsWithinFiveSecondsOfSigterm() throws Exception {
    FraudLog.produce(kafka.bootstrapServers(), "transactions", FraudLog.generator(200_000));
    ClickTopic.produce(
        kafka.bootstrapServers(),
        "clicks",
        GeneratorSettings.defaults().withCounts(100_000, 0).withSeed(12));
    DataSource db = config.dataSource();
    String group = config.groupId() + "-fraud";
    stopMidStream(
        config.env(),
        () ->
            ExactlyOnce.committed(db, "clicks") > 0
                && FraudLog.committedOffsets(kafka.bootstrapServers(), group, "transactions")
                        .values()
                        .stream()
                        .mapToLong(Long::longValue)
                        .sum()
                    > 0);
  }

  @Test
  void demoStopsWithinFiveSecondsOfSigterm() throws Exception {
    DataSource db = config.dataSource();
    Map<String, String> env = new HashMap<>(config.env());
    env.remove("KAFKA_BOOTSTRAP_SERVERS");
    // the demo's generator at four times its default rate: both pipelines busy at the signal
    List<String> demo = List.of("demo", "--rate", "4000", "--fraud-share", "0.2");
    stopMidStream(
        env,
        demo,
        () ->
            ExactlyOnce.committed(db, "clicks") > 0
                && demoKafka()
                        .map(
                            bootstrap ->
                                FraudLog.committedOffsets(
                                        bootstrap, config.groupId() + "-fraud", "transactions")
                                    .values()
                                    .stream()
                                    .mapToLong(Long::longValue)
                                    .sum())
                        .orElse(0L)
                    > 0);
  }

  /** The address of the demo's in-process broker, once its banner is out. */
  private java.util.Optional<String> demoKafka() {
    return service.lines().stream()
        .map(String::strip)
        .filter(line -> line.startsWith("Kafka:"))
        .map(line -> line.substring("Kafka:".length()).strip().split(" ")[0])
        .findFirst();
  }

  /** Starts the service, sends SIGTERM once {@code working}, and checks how it stopped. */
  private void stopMidStream(Map<String, String> env, BooleanSupplier working) throws Exception {
    stopMidStream(env, List.of("run"), working);
  }

  private void stopMidStream(Map<String, String> env, List<String> command, BooleanSupplier working)
      throws Exception {
    Map<String, String> properties = new HashMap<>(config.properties());
    // the logging a user gets (the service's logback.xml), not the test classpath's
    properties.put("logback.configurationFile", "logback.xml");
    service = ServiceProcess.start(env, properties, work.resolve("service.log"), command);
    ServiceProcess running = service;
    Await.until(
        Duration.ofMinutes(2),
        () -> working.getAsBoolean() || !running.isAlive(),
        () -> "the service committed nothing; output:\n" + running.tail(40));
    assertTrue(running.isAlive(), () -> "service died on its own:\n" + running.tail(80));
    int before = running.lines().size();

    Path stacks = work.resolve("stacks-at-stop.txt");
    Duration took = running.terminate(Duration.ofSeconds(60), STOP_WITHIN, stacks);
    if (Files.exists(stacks)) {
      // kept beside the build's reports: where a slow stop waited
      Path kept = Path.of("target", "StopIT-" + System.currentTimeMillis() + "-stacks.txt");
      Files.createDirectories(kept.getParent());
      Files.copy(stacks, kept);
      Files.copy(work.resolve("service.log"), Path.of(kept + ".log"));
    }

    List<String> lines = running.lines();
    List<String> atStop = lines.subList(Math.min(before, lines.size()), lines.size());
    Files.write(work.resolve("at-stop.log"), atStop);
    System.out.printf(
        "StopIT: stopped in %d ms; %d lines before, %d after; output at stop:%n%s%n",
        took.toMillis(), before, lines.size(), String.join("\n", atStop));
    assertTrue(
        took.compareTo(STOP_WITHIN) < 0,
        () ->
            "stopped in " + took.toMillis() + " ms; output at stop:\n" + String.join("\n", atStop));
    // with the service's own logging, a stop prints its last status line and nothing else (no
    // warning, no error, no line of a library)
    List<String> noise =
        atStop.stream().filter(line -> !line.startsWith("pipeline: consumed ")).toList();
    assertEquals(List.of(), noise, () -> "output at stop:\n" + String.join("\n", atStop));
    assertEquals(143, running.exitValue(), "exit status of a JVM ended by SIGTERM");
  }
}
