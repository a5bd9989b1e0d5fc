package io.tidemark.streams.time;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.Shape;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

/**
 * What {@link WindowStage} and {@link WindowBatchStage} share: one {@link WindowOperator} per
 * materialization (optionally restored from a snapshot), early firings and checkpoints on timers, a
 * queue of pending outputs that is drained before the next input is pulled, and completion after
 * the final flush. The two stages differ only in what an input is (a record, a list of records) and
 * in how the outputs of one step (an input, a flush, an early firing, a checkpoint) are queued: one
 * by one, or as one list.
 *
 * @param <E> the events
 * @param <I> an input element
 * @param <O> an output element
 */
abstract class WindowStageLogic<E, I, O> extends TimerGraphStageLogic {

  private static final String EARLY_FIRING = "early-firing";
  private static final String CHECKPOINT = "checkpoint";

  private final Inlet<I> in;
  private final Outlet<O> out;
  private final WindowSettings settings;
  private final WindowOperator<E> operator;

  /** Outputs not yet pushed. */
  final ArrayDeque<O> pending = new ArrayDeque<>();

  private long lastOffset;
  private boolean sinceCheckpoint;
  private boolean finishing;

  WindowStageLogic(
      Shape shape,
      Inlet<I> in,
      Outlet<O> out,
      List<? extends WindowAggregation<E, ?, ?, ?>> aggregations,
      WindowSettings settings,
      Optional<WindowSnapshot> restoreFrom) {
    super(shape);
    this.in = in;
    this.out = out;
    this.settings = settings;
    this.operator = WindowOperator.create(aggregations, settings);
    restoreFrom.ifPresent(operator::restore);
    setHandler(
        in,
        new AbstractInHandler() {
          @Override
          public void onPush() {
            Consumer<WindowOutput> step = beginStep();
            onInput(grab(in), step);
            endStep();
            emitPending();
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

  /** Feeds one input element to the windows through {@link #record}; outputs go to {@code step}. */
  abstract void onInput(I input, Consumer<WindowOutput> step);

  /** Where the outputs of the next step go. */
  abstract Consumer<WindowOutput> beginStep();

  /** The step's outputs are complete: queue them in {@link #pending} if not done already. */
  abstract void endStep();

  /** One record through the windows: the results it causes, then its {@link Verdict}. */
  final void record(Timed<E> record, Consumer<WindowOutput> step) {
    Set<String> tooLate = operator.onRecord(record.ts(), record.event(), step);
    step.accept(new Verdict<>(record.offset(), record.event(), tooLate, operator.watermark()));
    lastOffset = record.offset();
    sinceCheckpoint = true;
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

  private void onEndOfInput() {
    finishing = true;
    cancelTimer(EARLY_FIRING);
    cancelTimer(CHECKPOINT);
    operator.endOfInput(beginStep());
    endStep();
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
        operator.provisional(beginStep());
        endStep();
      }
    } else if (CHECKPOINT.equals(key) && sinceCheckpoint) {
      beginStep().accept(new Checkpoint(lastOffset, operator.snapshot()));
      endStep();
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
