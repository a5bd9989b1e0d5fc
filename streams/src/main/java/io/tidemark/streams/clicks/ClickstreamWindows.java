package io.tidemark.streams.clicks;

import io.tidemark.streams.event.Click;
import io.tidemark.streams.event.Received;
import io.tidemark.streams.time.Timed;
import io.tidemark.streams.time.WindowAggregation;
import io.tidemark.streams.time.WindowBatchStage;
import io.tidemark.streams.time.WindowOperator;
import io.tidemark.streams.time.WindowOutput;
import io.tidemark.streams.time.WindowSnapshot;
import io.tidemark.streams.time.WindowStage;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * The clickstream computations of SPEC §3.1 and §3.2 over one click partition: page views per page
 * per minute ({@code "pageviews"}) and site-wide unique visitors per five minutes ({@code
 * "visitors"}), both judged by the same per-partition watermark.
 */
public final class ClickstreamWindows {

  private ClickstreamWindows() {}

  /** Both computations, page views first (the order of results and {@code TOO_LATE} details). */
  public static List<WindowAggregation<Click, ?, ?, ?>> computations(ClickstreamSettings settings) {
    return List.of(
        new PageViews(settings.pageViewsWindow().toMillis()),
        new UniqueVisitors(
            settings.visitorsWindow().toMillis(), settings.estimator(), settings.lgK()));
  }

  /** Both computations over events that carry a click, e.g. {@link Received} clicks. */
  public static <T> List<WindowAggregation<T, ?, ?, ?>> computations(
      ClickstreamSettings settings, Function<? super T, Click> click) {
    return computations(settings).stream()
        .<WindowAggregation<T, ?, ?, ?>>map(computation -> computation.on(click))
        .toList();
  }

  /**
   * The window stage of one click partition over received records: verdicts carry the original
   * bytes, so that a {@code TOO_LATE} record is dead-lettered as it arrived.
   */
  public static Flow<Timed<Received<Click>>, WindowOutput, NotUsed> receivedFlow(
      ClickstreamSettings settings, Optional<WindowSnapshot> restoreFrom) {
    return WindowStage.flow(
            computations(settings, Received<Click>::event), settings.windows(), restoreFrom)
        .named("tidemark-clickstream-windows");
  }

  /**
   * {@link #receivedFlow} over batches of records: the same outputs, one list per batch (see {@link
   * WindowBatchStage}).
   */
  public static Flow<List<Timed<Received<Click>>>, List<WindowOutput>, NotUsed> receivedBatchFlow(
      ClickstreamSettings settings, Optional<WindowSnapshot> restoreFrom) {
    return WindowBatchStage.flow(
            computations(settings, Received<Click>::event), settings.windows(), restoreFrom)
        .named("tidemark-clickstream-window-batches");
  }

  /** A plain operator for one partition, for batch use and benchmarks. */
  public static WindowOperator<Click> operator(ClickstreamSettings settings) {
    return WindowOperator.create(computations(settings), settings.windows());
  }

  /** The window stage of one click partition, starting empty. */
  public static Flow<Timed<Click>, WindowOutput, NotUsed> flow(ClickstreamSettings settings) {
    return flow(settings, Optional.empty());
  }

  /** The window stage of one click partition, continuing from a checkpoint when given. */
  public static Flow<Timed<Click>, WindowOutput, NotUsed> flow(
      ClickstreamSettings settings, Optional<WindowSnapshot> restoreFrom) {
    return WindowStage.flow(computations(settings), settings.windows(), restoreFrom)
        .named("tidemark-clickstream-windows");
  }
}
