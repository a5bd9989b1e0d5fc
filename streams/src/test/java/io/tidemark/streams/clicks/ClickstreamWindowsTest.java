package io.tidemark.streams.clicks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.tidemark.streams.clicks.UniqueVisitors.Estimator;
import io.tidemark.streams.event.Click;
import io.tidemark.streams.time.Timed;
import io.tidemark.streams.time.Verdict;
import io.tidemark.streams.time.WindowOutput;
import io.tidemark.streams.time.WindowResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClickstreamWindowsTest {

  private static final long MIN = 60_000;
  private static final long T0 = 1_732_299_900_000L; // a five-minute boundary

  private static ActorSystem system;

  @BeforeAll
  static void start() {
    system = ActorSystem.create("ClickstreamWindowsTest");
  }

  @AfterAll
  static void stop() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Timed<Click> click(long offset, String user, String url, long ts) {
    return new Timed<>(offset, ts, new Click("c-" + offset, user, url, ts));
  }

  @Test
  void replayGivesPageViewsVisitorsAndTooLateVerdicts() throws Exception {
    ClickstreamSettings settings =
        ClickstreamSettings.create(ConfigFactory.load()).withEstimator(Estimator.EXACT);
    List<Timed<Click>> input =
        List.of(
            click(0, "u1", "https://s.example/a?x=1", T0 + 1_000),
            click(1, "u2", "https://s.example/a#top", T0 + 2_000),
            click(2, "u1", "https://s.example/b", T0 + 61_000),
            click(3, "u3", "https://s.example/a", T0 + 4 * MIN), // watermark 3 min 55 s
            click(4, "u4", "https://s.example/a", T0 + 30_000), // too late for pageviews only
            click(5, "u5", "https://s.example/c", T0 + 12 * MIN), // watermark 11 min 55 s
            click(6, "u6", "https://s.example/c", T0 + 10)); // too late for both

    List<WindowOutput> out =
        Source.from(input)
            .via(ClickstreamWindows.flow(settings))
            .runWith(Sink.seq(), system)
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);

    Map<String, Object> finals = new TreeMap<>();
    List<String> tooLate = new ArrayList<>();
    for (WindowOutput o : out) {
      if (o instanceof WindowResult<?, ?> r && r.isFinal()) {
        String row = r.computation() + " " + r.key() + " +" + (r.windowStart() - T0) / MIN;
        finals.put(row, r.result() + " r" + r.revision());
      } else if (o instanceof Verdict<?> v && v.isTooLate()) {
        tooLate.add(v.offset() + ":" + v.detail());
      }
    }
    assertEquals(List.of("4:pageviews", "6:pageviews,visitors"), tooLate);
    assertEquals(
        Map.of(
            "pageviews https://s.example/a +0", "2 r1",
            "pageviews https://s.example/b +1", "1 r1",
            "pageviews https://s.example/a +4", "1 r1",
            "pageviews https://s.example/c +12", "1 r1",
            "visitors site +0", Visitors.exact(Set.of("u1", "u2", "u3", "u4")) + " r1",
            "visitors site +10", Visitors.exact(Set.of("u5")) + " r1"),
        finals);
  }
}
