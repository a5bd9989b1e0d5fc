package io.tidemark.streams.time;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

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

  private static final String EARLY_FIRING = "early-firing";
  private static final String CHECKPOINT = "checkpoint";

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

  private final class Logic extends TimerGraphStageLogic {
    private final WindowOperator<E> operator = WindowOperator.create(aggregations, settings);
    private final ArrayDeque<List<WindowOutput>> pending = new ArrayDeque<>();
    private long lastOffset;
    private boolean sinceCheckpoint;
    private boolean finishing;

    Logic() {
      super(shape);
      restoreFrom.ifPresent(operator::restore);
      setHandler(
          in,
          new AbstractInHandler() {
            @Override
            public void onPush() {
              onBatch(grab(in));
            }

            @Override
            public void onUpstreamFinish() {
              onEndOfInput();
            }
          });
      setHandler(
          out,
          new AbstractOutHandler() {
            @Override
            public void onPull() {
              emitPending();
            }
          });
    }

    @Override
    public void preStart() {
      schedule(EARLY_FIRING, settings.earlyFiringInterval());
      schedule(CHECKPOINT, settings.checkpointInterval());
    }

    private void schedule(String key, Duration interval) {
      if (!interval.isZero()) {
        scheduleWithFixedDelay(key, interval, interval);
      }
    }

    private void onBatch(List<Timed<E>> records) {
      List<WindowOutput> outputs = new ArrayList<>(records.size());
      Consumer<WindowResult<?, ?>> results = outputs::add;
      for (Timed<E> record : records) {
        Set<String> tooLate = operator.onRecord(record.ts(), record.event(), results);
        outputs.add(new Verdict<>(record.offset(), record.event(), tooLate, operator.watermark()));
        lastOffset = record.offset();
        sinceCheckpoint = true;
      }
      enqueue(outputs);
      emitPending();
    }

    private void onEndOfInput() {
      finishing = true;
      cancelTimer(EARLY_FIRING);
      cancelTimer(CHECKPOINT);
      List<WindowOutput> outputs = new ArrayList<>();
      operator.endOfInput(outputs::add);
      enqueue(outputs);
      emitPending();
    }

    @Override
    public void onTimer(Object key) {
      if (finishing) {
        return;
      }
      if (EARLY_FIRING.equals(key)) {
        // Live values are best effort: skipped while downstream has not taken the previous ones.
        if (pending.isEmpty()) {
          List<WindowOutput> outputs = new ArrayList<>();
          operator.provisional(outputs::add);
          enqueue(outputs);
        }
      } else if (CHECKPOINT.equals(key) && sinceCheckpoint) {
        enqueue(List.of(new Checkpoint(lastOffset, operator.snapshot())));
        sinceCheckpoint = false;
      }
      emitPending();
    }

    private void enqueue(List<WindowOutput> outputs) {
      if (!outputs.isEmpty()) {
        pending.add(outputs);
      }
    }

    /** Pushes the next pending list if downstream wants one; asks upstream when all are out. */
    private void emitPending() {
      if (isAvailable(out) && !pending.isEmpty()) {
        push(out, pending.poll());
      }
      if (pending.isEmpty()) {
        if (finishing) {
          completeStage();
        } else if (isAvailable(out) && !hasBeenPulled(in)) {
          pull(in);
        }
      }
    }
  }
}
