package io.tidemark.streams.time;

import java.util.ArrayList;
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
 * {@link WindowStage} for batches: the event-time windows of ONE input partition, fed a list of
 * records at a time and emitting, per batch, the list of everything those records caused. A live
 * pipeline that takes its records in batches pays the stream's per-element cost once per batch
 * instead of once per record and per output.
 *
 * <p>The outputs are exactly those of {@link WindowStage} for the same records, in the same order,
 * cut into lists: for each batch, every record's results then its {@link Verdict}; at the end of
 * the input, the final flush; in between, when enabled, a list of {@code PROVISIONAL} results every
 * {@code earlyFiringInterval} and a list holding one {@link Checkpoint} every {@code
 * checkpointInterval} (only if records arrived since the previous one), both between two batches. A
 * batch that causes nothing (an empty one) emits nothing.
 *
 * <p>Backpressure: the stage pulls the next batch only once the outputs of the previous one are
 * pushed, so it holds at most one batch's outputs (or one early firing, skipped while downstream is
 * behind).
 *
 * @param <E> the event type
 */
public final class WindowBatchStage<E>
    extends GraphStage<FlowShape<List<Timed<E>>, List<WindowOutput>>> {

  private final Inlet<List<Timed<E>>> in = Inlet.create("WindowBatchStage.in");
  private final Outlet<List<WindowOutput>> out = Outlet.create("WindowBatchStage.out");
  private final FlowShape<List<Timed<E>>, List<WindowOutput>> shape = FlowShape.of(in, out);

  private final List<? extends WindowAggregation<E, ?, ?, ?>> aggregations;
  private final WindowSettings settings;
  private final Optional<WindowSnapshot> restoreFrom;

  private WindowBatchStage(
      List<? extends WindowAggregation<E, ?, ?, ?>> aggregations,
      WindowSettings settings,
      Optional<WindowSnapshot> restoreFrom) {
    this.aggregations = List.copyOf(aggregations);
    this.settings = settings;
    this.restoreFrom = restoreFrom;
  }

  /** The windows of one partition over batches, continuing from a snapshot when one is given. */
  public static <E> Flow<List<Timed<E>>, List<WindowOutput>, NotUsed> flow(
      List<? extends WindowAggregation<E, ?, ?, ?>> aggregations,
      WindowSettings settings,
      Optional<WindowSnapshot> restoreFrom) {
    // Fail at assembly, not at materialization, on bad computations or a mismatched snapshot.
    WindowOperator<E> probe = WindowOperator.create(aggregations, settings);
    restoreFrom.ifPresent(probe::restore);
    return Flow.fromGraph(new WindowBatchStage<>(aggregations, settings, restoreFrom))
        .named("tidemark-window-batches");
  }

  @Override
  public FlowShape<List<Timed<E>>, List<WindowOutput>> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new Logic();
  }

  private final class Logic extends WindowStageLogic<E, List<Timed<E>>, List<WindowOutput>> {
    private List<WindowOutput> current;

    Logic() {
      super(shape, in, out, aggregations, settings, restoreFrom);
    }

    @Override
    void onInput(List<Timed<E>> records, Consumer<WindowOutput> step) {
      for (Timed<E> record : records) {
        record(record, step);
      }
    }

    /** A step's outputs are gathered in one list. */
    @Override
    Consumer<WindowOutput> beginStep() {
      current = new ArrayList<>();
      return current::add;
    }

    /** Queues the step's list; a step that caused nothing emits nothing. */
    @Override
    void endStep() {
      if (!current.isEmpty()) {
        pending.add(current);
      }
      current = null;
    }
  }
}
