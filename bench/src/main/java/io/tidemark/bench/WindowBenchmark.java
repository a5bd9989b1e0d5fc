package io.tidemark.bench;

import com.typesafe.config.ConfigFactory;
import io.tidemark.streams.clicks.ClickstreamSettings;
import io.tidemark.streams.clicks.ClickstreamWindows;
import io.tidemark.streams.clicks.UniqueVisitors.Estimator;
import io.tidemark.streams.event.Click;
import io.tidemark.streams.time.Timed;
import io.tidemark.streams.time.WindowOperator;
import io.tidemark.streams.time.WindowSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of the clickstream windows (page views per minute and unique visitors per five
 * minutes) over one partition of realistic clicks: Zipf-distributed pages, many users, mild
 * disorder with some late and some too-late events. Measured on the plain {@link WindowOperator}
 * and through the Pekko stage over an in-memory source. Scores are clicks per second.
 *
 * <p>{@code java -jar bench/target/benchmarks.jar WindowBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class WindowBenchmark {

  static final int CLICKS = 200_000;
  static final int PAGES = 2_000;
  static final int USERS = 50_000;
  static final long CLICKS_PER_SECOND = 500; // event time: ~6.7 minutes of traffic

  @Param({"HLL", "EXACT"})
  public Estimator estimator;

  private ClickstreamSettings settings;
  private Click[] clicks;
  private List<Timed<Click>> timed;

  @Setup
  public void setUp() {
    settings =
        new ClickstreamSettings(
            WindowSettings.defaults().withEarlyFiringInterval(Duration.ZERO),
            Duration.ofMinutes(1),
            Duration.ofMinutes(5),
            estimator,
            14);
    clicks = generate(new Random(42));
    timed =
        IntStream.range(0, clicks.length)
            .mapToObj(i -> new Timed<>(i, clicks[i].ts(), clicks[i]))
            .toList();
  }

  /** The actor system of the stage benchmark, quiet so that it does not garble JMH's output. */
  @State(Scope.Benchmark)
  public static class Pekko {
    ActorSystem system;

    @Setup
    public void start() {
      system =
          ActorSystem.create(
              "WindowBenchmark", ConfigFactory.parseString("pekko.loglevel = WARNING"));
    }

    @TearDown
    public void stop() throws Exception {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** The plain operator: both computations, verdicts counted, final flush included. */
  @Benchmark
  @OperationsPerInvocation(CLICKS)
  public void operator(Blackhole blackhole) {
    WindowOperator<Click> operator = ClickstreamWindows.operator(settings);
    for (Click click : clicks) {
      Set<String> tooLate = operator.onRecord(click.ts(), click, blackhole::consume);
      blackhole.consume(tooLate);
    }
    operator.endOfInput(blackhole::consume);
  }

  /** The same through the window stage, materialized over an in-memory source. */
  @Benchmark
  @OperationsPerInvocation(CLICKS)
  public long stage(Pekko pekko) throws Exception {
    return Source.from(timed)
        .via(ClickstreamWindows.flow(settings))
        .runWith(Sink.fold(0L, (n, out) -> n + 1), pekko.system)
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }

  /**
   * Clicks in arrival order: event time advancing at {@link #CLICKS_PER_SECOND}; 5% arrive up to 10
   * s late (beyond the 5 s out-of-orderness: late updates), 0.1% two minutes late (too late for
   * page views).
   */
  static Click[] generate(Random random) {
    double[] cumulative = new double[PAGES];
    double total = 0;
    for (int k = 0; k < PAGES; k++) {
      total += 1 / Math.pow(k + 1, 1.1);
      cumulative[k] = total;
    }
    long start = 1_732_300_000_000L;
    Click[] clicks = new Click[CLICKS];
    for (int i = 0; i < CLICKS; i++) {
      long ts = start + i * 1000L / CLICKS_PER_SECOND;
      double roll = random.nextDouble();
      if (roll < 0.001) {
        ts -= 120_000;
      } else if (roll < 0.05) {
        ts -= random.nextInt(10_000);
      }
      int page = Arrays.binarySearch(cumulative, random.nextDouble() * total);
      page = page >= 0 ? page : -page - 1;
      String user = "u-" + random.nextInt(USERS);
      String url = "https://shop.example/p/" + page + "?ref=" + (i % 7);
      clicks[i] = new Click("c-" + i, user, url, ts);
    }
    return clicks;
  }
}
