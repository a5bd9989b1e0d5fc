package io.tidemark.streams.time;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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

  private static final String EARLY_FIRING = "early-firing";
  private static final String CHECKPOINT = "checkpoint";

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

  private final class Logic extends TimerGraphStageLogic {
    private final WindowOperator<E> operator = WindowOperator.create(aggregations, settings);
    private final ArrayDeque<WindowOutput> pending = new ArrayDeque<>();
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
              onRecord(grab(in));
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

    private void onRecord(Timed<E> record) {
      Set<String> tooLate = operator.onRecord(record.ts(), record.event(), pending::add);
      pending.add(new Verdict<>(record.offset(), record.event(), tooLate, operator.watermark()));
      lastOffset = record.offset();
      sinceCheckpoint = true;
      emitPending();
    }

    private void onEndOfInput() {
      finishing = true;
      cancelTimer(EARLY_FIRING);
      cancelTimer(CHECKPOINT);
      operator.endOfInput(pending::add);
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
          operator.provisional(pending::add);
        }
      } else if (CHECKPOINT.equals(key) && sinceCheckpoint) {
        pending.add(new Checkpoint(lastOffset, operator.snapshot()));
        sinceCheckpoint = false;
      }
      emitPending();
    }

    /** Pushes the next pending output if downstream wants one; asks upstream when all are out. */
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
