package io.tidemark.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.tidemark.service.generate.Generator;
import io.tidemark.service.generate.GeneratorSettings;
import io.tidemark.service.generate.JsonLinesFiles;
import io.tidemark.service.replay.ClickReplay;
import io.tidemark.streams.clicks.ClickstreamSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * End-to-end driver for the replay engine: events/s of {@code tidemark replay}'s click graph
 * (decode, watermark, both window computations, result collection) against the ceiling of a plain
 * loop that reads the same file line by line and parses each line with a Jackson tree parse. Both
 * run in one JVM, alternating, so the ratio is taken under the same machine load.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.tidemark.bench.ReplayThroughput [clicks]
 * [rounds]}
 */
public final class ReplayThroughput {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ReplayThroughput() {}

  public static void main(String[] args) throws Exception {
    org.slf4j.LoggerFactory.getILoggerFactory();
    long clicks = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path dir = Files.createTempDirectory("tidemark-replay-bench");
    Generator generator =
        new Generator(GeneratorSettings.defaults().withCounts(clicks, 1_000).withSeed(42));
    JsonLinesFiles.write(generator, dir, (written, total, elapsedNanos) -> {});
    Path file = dir.resolve("clicks.jsonl");
    System.out.printf(
        "data: %,d clicks, %,d bytes in %s%n", clicks, Files.size(file), file.getFileName());

    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), "tidemark-bench", ConfigFactory.load());
    ClickstreamSettings settings = ClickstreamSettings.create(ConfigFactory.load());
    settings = settings.withWindows(settings.windows().withEarlyFiringInterval(Duration.ZERO));
    try {
      // warm-up: one of each, not reported
      baseline(file);
      replay(file, settings, system);
      List<double[]> results = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        double base = baseline(file);
        double engine = replay(file, settings, system);
        results.add(new double[] {base, engine});
        System.out.printf(
            "round %d: read+parse loop %,.0f events/s, replay %,.0f events/s, ratio %.2f%n",
            round, base, engine, engine / base);
      }
      System.out.printf(
          "median of %d rounds: read+parse loop %,.0f events/s, replay %,.0f events/s,"
              + " ratio (median of the rounds' ratios) %.2f%n",
          rounds,
          median(results.stream().mapToDouble(r -> r[0])),
          median(results.stream().mapToDouble(r -> r[1])),
          median(results.stream().mapToDouble(r -> r[1] / r[0])));
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static double median(java.util.stream.DoubleStream values) {
    double[] sorted = values.sorted().toArray();
    return sorted[sorted.length / 2];
  }

  /** The ceiling: read lines and parse each into a Jackson tree, one thread, nothing else. */
  private static double baseline(Path file) throws IOException {
    long start = System.nanoTime();
    long lines = 0;
    long fields = 0;
    byte[] pending = new byte[0];
    byte[] chunk = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(chunk)) > 0) {
        byte[] data = concat(pending, chunk, n);
        int from = 0;
        for (int i = 0; i < data.length; i++) {
          if (data[i] == '\n') {
            fields += parse(data, from, i - from);
            lines++;
            from = i + 1;
          }
        }
        pending = java.util.Arrays.copyOfRange(data, from, data.length);
      }
    }
    if (fields < 0) {
      throw new IllegalStateException("unreachable; keeps the parse from being optimised away");
    }
    return lines * 1e9 / (System.nanoTime() - start);
  }

  private static byte[] concat(byte[] pending, byte[] chunk, int n) {
    byte[] data = java.util.Arrays.copyOf(pending, pending.length + n);
    System.arraycopy(chunk, 0, data, pending.length, n);
    return data;
  }

  private static int parse(byte[] data, int offset, int length) {
    try {
      JsonNode node = JSON.readTree(data, offset, length);
      return node == null ? 0 : node.size();
    } catch (IOException e) {
      return 0;
    }
  }

  private static double replay(Path file, ClickstreamSettings settings, ActorSystem<?> system)
      throws Exception {
    ClickReplay replay = new ClickReplay(settings);
    long start = System.nanoTime();
    replay.run(file, system).toCompletableFuture().get(10, TimeUnit.MINUTES);
    long nanos = System.nanoTime() - start;
    if (replay.rows() == 0) {
      throw new IllegalStateException("replay produced no rows");
    }
    return replay.consumed() * 1e9 / nanos;
  }
}
