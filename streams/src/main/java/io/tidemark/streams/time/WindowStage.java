package io.tidemark.streams.time;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * The Pekko Streams stage around a {@link WindowOperator}: the event-time windows of ONE input
 * partition. Each materialization owns a fresh operator (optionally restored from a snapshot) held
 * inside its stage logic.
 *
 * <p>Outputs, in order: for every input record, the results it caused then its {@link Verdict}; at
 * the end of the input, the results of the final flush (watermark +∞); in between, when enabled,
 * {@code PROVISIONAL} results every {@code earlyFiringInterval} and a {@link Checkpoint} every
 * {@code checkpointInterval} (only if records arrived since the previous one). Early firings and
 * checkpoints depend on the clock; nothing else does.
 *
 * <p>Backpressure: the stage pulls the next record only once every output of the previous one has
 * been pushed, so it buffers at most one record's outputs (or one early firing, which is skipped
 * while downstream is behind).
 *
 * @param <E> the event type
 */
public final class WindowStage<E> extends GraphStage<FlowShape<Timed<E>, WindowOutput>> {

  private final Inlet<Timed<E>> in = Inlet.create("WindowStage.in");
  private final Outlet<WindowOutput> out = Outlet.create("WindowStage.out");
  private final FlowShape<Timed<E>, WindowOutput> shape = FlowShape.of(in, out);

  private final List<? extends WindowAggregation<E, ?, ?, ?>> aggregations;
  private final WindowSettings settings;
  private final Optional<WindowSnapshot> restoreFrom;

  private WindowStage(
      List<? extends WindowAggregation<E, ?, ?, ?>> aggregations,
      WindowSettings settings,
      Optional<WindowSnapshot> restoreFrom) {
    this.aggregations = List.copyOf(aggregations);
    this.settings = settings;
    this.restoreFrom = restoreFrom;
  }

  /** The windows of one partition, starting empty. */
  public static <E> Flow<Timed<E>, WindowOutput, NotUsed> flow(
      List<? extends WindowAggregation<E, ?, ?, ?>> aggregations, WindowSettings settings) {
    return flow(aggregations, settings, Optional.empty());
  }

  /** The windows of one partition, continuing from a snapshot when one is given. */
  public static <E> Flow<Timed<E>, WindowOutput, NotUsed> flow(
      List<? extends WindowAggregation<E, ?, ?, ?>> aggregations,
      WindowSettings settings,
      Optional<WindowSnapshot> restoreFrom) {
    // Fail at assembly, not at materialization, on bad computations or a mismatched snapshot.
    WindowOperator<E> probe = WindowOperator.create(aggregations, settings);
    restoreFrom.ifPresent(probe::restore);
    return Flow.fromGraph(new WindowStage<>(aggregations, settings, restoreFrom))
        .named("tidemark-windows");
  }

  @Override
  public FlowShape<Timed<E>, WindowOutput> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new Logic();
  }

  private final class Logic extends WindowStageLogic<E, Timed<E>, WindowOutput> {
    private final Consumer<WindowOutput> queue = pending::add;

    Logic() {
      super(shape, in, out, aggregations, settings, restoreFrom);
    }

    @Override
    void onInput(Timed<E> record, Consumer<WindowOutput> step) {
      record(record, step);
    }

    /** Every output is queued as it comes. */
    @Override
    Consumer<WindowOutput> beginStep() {
      return queue;
    }

    @Override
    void endStep() {}
  }
}
