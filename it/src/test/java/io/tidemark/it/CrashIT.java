package io.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.service.generate.GeneratorSettings;
import io.tidemark.service.infra.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tidemark run} as a JVM of its own, killed with SIGKILL three times at random points while
 * it drains 100k generated clicks (bad, late and too-late ones included) from 4 partitions, and
 * restarted each time: once drained, the tables hold each click's effect exactly once.
 */
class CrashIT {

  static final int CLICKS = 200_000;
  static final int KILLS = 3;
  static final Duration DRAIN = Duration.ofMinutes(5);

  @TempDir Path work;

  EmbeddedKafka kafka;
  ServiceConfig config;
  ServiceProcess service;

  @BeforeEach
  void startKafka() {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(Map.of("clicks", 4, "dead-letters", 1));
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
  void serviceKilledThreeTimesMidStreamEndsWithEveryClickCountedExactlyOnce() throws Exception {
    ClickTopic.produce(
        kafka.bootstrapServers(),
        "clicks",
        GeneratorSettings.defaults().withCounts(CLICKS, 0).withSeed(7));
    SortedMap<Integer, Long> ends = ClickTopic.endOffsets(kafka.bootstrapServers(), "clicks");
    long total = ends.values().stream().mapToLong(Long::longValue).sum();
    DataSource db = config.dataSource();

    long seed = System.nanoTime();
    Random random = new Random(seed);
    List<Long> kills = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < KILLS; i++) {
      // thresholds in [10%, 30%), [35%, 55%), [60%, 80%) of the records
      double share = 0.10 + i * 0.25 + random.nextDouble() * 0.20;
      long threshold = (long) (share * total);
      service = startService(i);
      ServiceProcess running = service;
      Await.closely(
          DRAIN,
          () -> ExactlyOnce.committed(db, "clicks") >= threshold || !running.isAlive(),
          () ->
              "committed "
                  + ExactlyOnce.committed(db, "clicks")
                  + " of "
                  + total
                  + " records, waiting for "
                  + threshold
                  + "; service output:\n"
                  + running.tail(40));
      assertTrue(running.isAlive(), () -> "service died on its own:\n" + running.tail(80));
      service.kill(Duration.ofSeconds(30));
      long committed = ExactlyOnce.committed(db, "clicks");
      kills.add(committed);
      assertTrue(
          committed < total,
          "kill " + (i + 1) + " was mid-stream: " + committed + " of " + total + " committed");
    }
    service = startService(KILLS);
    ServiceProcess last = service;
    Await.until(
        DRAIN,
        () -> ExactlyOnce.committed(db, "clicks") == total,
        () -> "drained after the last restart; output:\n" + last.tail(40));
    ExactlyOnce.awaitDrained(db, "clicks", ends, Duration.ofSeconds(30));
    long drainMillis = (System.nanoTime() - start) / 1_000_000;
    service.close();

    String summary =
        ExactlyOnce.assertExact(
            kafka.bootstrapServers(),
            "clicks",
            "dead-letters",
            ends,
            CLICKS,
            db,
            config.clickstream());
    System.out.printf(
        "CrashIT (seed %d): killed at committed %s of %d, drained in %d ms; %s%n",
        seed, kills, total, drainMillis, summary);
  }

  private ServiceProcess startService(int n) throws Exception {
    return ServiceProcess.start(
        config.env(), config.properties(), work.resolve("service-" + n + ".log"));
  }
}
