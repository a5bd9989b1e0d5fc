package io.tidemark.service.pipeline;

import io.tidemark.persistence.serving.CommitOutcome;
import io.tidemark.persistence.serving.PartitionPosition;
import io.tidemark.streams.clicks.ClickstreamSettings;
import io.tidemark.streams.clicks.ClickstreamWindows;
import io.tidemark.streams.clicks.PageViews;
import io.tidemark.streams.clicks.UniqueVisitors;
import io.tidemark.streams.event.Click;
import io.tidemark.streams.event.DeadLetter;
import io.tidemark.streams.event.Decoded;
import io.tidemark.streams.event.EventCodec;
import io.tidemark.streams.event.Reason;
import io.tidemark.streams.event.Received;
import io.tidemark.streams.time.Checkpoint;
import io.tidemark.streams.time.Timed;
import io.tidemark.streams.time.Verdict;
import io.tidemark.streams.time.WindowOutput;
import io.tidemark.streams.time.WindowResult;
import io.tidemark.streams.time.WindowSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The clickstream pipeline of ONE input partition, from its Kafka records to committed serving
 * rows: decode, event-time windows restored from the partition's checkpoint, batches of final
 * results that end at window checkpoints, one database transaction per batch with the offsets and
 * the snapshot. Lives as long as the partition is assigned; a fenced commit fails it, so that the
 * consumer restarts and reads its position again.
 *
 * <p>Records go from the consumer to the windows in batches: those that arrive while the partition
 * is busy with the previous batch (at most {@code max-batch} records and {@code max-batch-bytes}
 * bytes) are decoded, windowed, counted and dead-lettered together, so that the stream's own cost
 * (stage hops, the consumption gate, the idle timer) is paid per batch. The outputs and their order
 * are those of one record at a time.
 *
 * <p>The commit offset: a {@link Checkpoint} at offset {@code v} covers every record up to {@code
 * v}. Records that never reach the windows (bad ones) are covered too when no valid record after
 * {@code v} has entered the window stage yet; two counters written by the decoding step (last valid
 * offset, last decoded offset) tell. A quiet partition commits such records on an idle tick.
 */
final class PartitionStream {

  static final String SOURCE = "clicks";

  /** The computations every valid click goes to. */
  static final List<String> COMPUTATIONS = List.of(PageViews.NAME, UniqueVisitors.NAME);

  /** Injected by {@code keepAlive} when the partition has been quiet for a while. */
  private enum Idle {
    TICK
  }

  /**
   * The batch stage before the asynchronous boundary fills while the one batch waiting after it is
   * taken: at most about three batches of a partition are in memory between consumer and windows.
   */
  private static final Attributes ONE_BATCH_AHEAD = Attributes.inputBuffer(1, 1);

  /** Heap bytes of a consumer record besides its key and value (object, headers, boxed fields). */
  private static final int RECORD_OVERHEAD = 200;

  private final int partition;
  private final PartitionPosition position;
  private final PipelineSettings settings;
  private final Committer committer;
  private final DeadLetterProducer deadLetters;
  private final PipelineMetrics metrics;
  private final LiveUpdates live;
  private final ConsumptionGate gate;

  // Written by the decoding step, read by the batching step (the same fused part of the graph).
  private volatile long lastValidOffset;
  private volatile long lastDecodedOffset;

  // Owned by the batching step.
  private PendingBatch pending = new PendingBatch();
  private long lastCheckpointOffset;
  private long lastBatchEnd;

  // Owned by the commit step (mapAsync(1): one commit at a time).
  private Optional<Long> committed;

  PartitionStream(
      int partition,
      PartitionPosition position,
      PipelineSettings settings,
      Committer committer,
      DeadLetterProducer deadLetters,
      PipelineMetrics metrics,
      LiveUpdates live,
      ConsumptionGate gate) {
    this.partition = partition;
    this.position = position;
    this.settings = settings;
    this.committer = committer;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.live = live;
    this.gate = gate;
    long before = position.startOffset() - 1;
    this.lastValidOffset = before;
    this.lastDecodedOffset = before;
    this.lastCheckpointOffset = before;
    this.lastBatchEnd = position.startOffset();
    this.committed = position.nextOffset();
  }

  /** Runs the partition's records through to the database until the source ends. */
  CompletionStage<Done> run(
      Source<ConsumerRecord<byte[], byte[]>, NotUsed> records, ActorSystem<?> system) {
    ClickstreamSettings clickstream = settings.clickstream();
    if (live == LiveUpdates.NONE) {
      clickstream =
          clickstream.withWindows(clickstream.windows().withEarlyFiringInterval(Duration.ZERO));
    }
    clickstream =
        clickstream.withWindows(
            clickstream.windows().withCheckpointInterval(settings.commitInterval()));
    Optional<WindowSnapshot> restored = position.snapshot().map(WindowSnapshot::fromBytes);
    long start = position.startOffset();
    return records
        // records before the stored position are in the tables already
        .filter(record -> record.offset() >= start)
        // records that arrive while the stages below are busy go on together, as one batch of at
        // most max-batch records and max-batch-bytes bytes
        .batchWeighted(settings.maxBatchBytes(), this::weigh, this::firstOfBatch, this::addToBatch)
        // the consumer side runs on while a batch is processed; below, every step is per batch
        .async()
        // while consumption is paused, batches wait here and the consumer stops fetching
        .via(gate.<List<ConsumerRecord<byte[], byte[]>>>flow().addAttributes(ONE_BATCH_AHEAD))
        // decode; bad records become dead letters here
        .map(this::decode)
        // the partition's event-time windows, continuing from its checkpoint
        .via(ClickstreamWindows.receivedBatchFlow(clickstream, restored))
        // too-late records become dead letters, results go to the live feed
        .map(this::observe)
        // a quiet partition still commits the offsets of its bad records
        .keepAlive(settings.idleCommitInterval(), () -> Idle.TICK)
        // final results up to a checkpoint form one batch
        .mapConcat(this::batch)
        // batches waiting for the database merge into one, up to max-pending-bytes; beyond that
        // the partition waits for the database (backpressure)
        .batchWeighted(
            settings.maxPendingBytes(), PendingBatch::weight, this::firstPending, this::addPending)
        // one transaction per batch: fence, rows, offset, snapshot
        .mapAsync(1, this::commit)
        .runWith(Sink.ignore(), system);
  }

  /**
   * A record's weight in its batch: its bytes, but at least max-batch-bytes / max-batch, so that a
   * batch within max-batch-bytes also holds at most max-batch records.
   */
  private long weigh(ConsumerRecord<byte[], byte[]> record) {
    long floor = Math.max(1, settings.maxBatchBytes() / settings.maxBatch());
    return Math.max(floor, bytes(record));
  }

  private static long bytes(ConsumerRecord<byte[], byte[]> record) {
    return RECORD_OVERHEAD
        + (record.key() == null ? 0 : record.key().length)
        + (record.value() == null ? 0 : record.value().length);
  }

  private List<ConsumerRecord<byte[], byte[]>> firstOfBatch(ConsumerRecord<byte[], byte[]> record) {
    List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
    return addToBatch(batch, record);
  }

  private List<ConsumerRecord<byte[], byte[]>> addToBatch(
      List<ConsumerRecord<byte[], byte[]>> batch, ConsumerRecord<byte[], byte[]> record) {
    batch.add(record);
    metrics.buffered(PipelineMetrics.RECORD_BATCHES, partition, bytes(record));
    return batch;
  }

  private PendingBatch firstPending(PendingBatch batch) {
    metrics.holding(PipelineMetrics.PENDING_COMMITS, partition, batch.weight());
    return batch;
  }

  private PendingBatch addPending(PendingBatch pending, PendingBatch later) {
    PendingBatch merged = pending.merge(later);
    metrics.holding(PipelineMetrics.PENDING_COMMITS, partition, merged.weight());
    return merged;
  }

  private List<Timed<Received<Click>>> decode(List<ConsumerRecord<byte[], byte[]>> records) {
    metrics.recordsConsumed(records.size());
    long held = 0;
    for (ConsumerRecord<byte[], byte[]> record : records) {
      held += bytes(record);
    }
    metrics.buffered(PipelineMetrics.RECORD_BATCHES, partition, -held);
    List<Timed<Received<Click>>> valid = new ArrayList<>(records.size());
    for (ConsumerRecord<byte[], byte[]> record : records) {
      long offset = record.offset();
      byte[] value = record.value() == null ? new byte[0] : record.value();
      Decoded<Click> decoded = EventCodec.decodeClick(value);
      if (decoded instanceof Decoded.Valid<Click> ok) {
        Click click = ok.value();
        valid.add(new Timed<>(offset, click.ts(), new Received<>(click, value)));
        lastValidOffset = offset;
      } else {
        Decoded.Invalid<Click> invalid = (Decoded.Invalid<Click>) decoded;
        deadLetters.send(invalid.toDeadLetter(SOURCE, partition, offset, value));
        metrics.deadLetter(invalid.reason());
      }
      lastDecodedOffset = offset;
    }
    return valid;
  }

  private Object observe(List<WindowOutput> outputs) {
    long[] counted = new long[COMPUTATIONS.size()];
    long[] tooLate = new long[COMPUTATIONS.size()];
    Verdict<?> last = null;
    for (WindowOutput output : outputs) {
      if (output instanceof WindowResult<?, ?> result) {
        countResult(result);
        live.accept(partition, result);
      } else if (output instanceof Verdict<?> verdict) {
        last = verdict;
        countVerdict(verdict, counted, tooLate);
      }
    }
    if (last != null) {
      metrics.watermark(partition, last.watermark());
      for (int i = 0; i < COMPUTATIONS.size(); i++) {
        metrics.counted(COMPUTATIONS.get(i), counted[i]);
        metrics.tooLate(COMPUTATIONS.get(i), tooLate[i]);
      }
    }
    return outputs;
  }

  private void countResult(WindowResult<?, ?> result) {
    switch (result.kind()) {
      case FIRED -> metrics.fired(result.computation());
      case LATE_UPDATE -> metrics.lateUpdate(result.computation());
      case PROVISIONAL -> {}
    }
  }

  private void countVerdict(Verdict<?> verdict, long[] counted, long[] tooLate) {
    if (!verdict.isTooLate()) {
      for (int i = 0; i < counted.length; i++) {
        counted[i]++;
      }
      return;
    }
    for (int i = 0; i < counted.length; i++) {
      if (verdict.countedIn(COMPUTATIONS.get(i))) {
        counted[i]++;
      } else {
        tooLate[i]++;
      }
    }
    byte[] raw = ((Received<?>) verdict.event()).raw();
    deadLetters.send(
        DeadLetter.of(SOURCE, partition, verdict.offset(), Reason.TOO_LATE, verdict.detail(), raw));
    metrics.deadLetter(Reason.TOO_LATE);
  }

  private List<PendingBatch> batch(Object element) {
    if (element == Idle.TICK) {
      return pending.isEmpty() ? close(Optional.empty()) : List.of();
    }
    List<PendingBatch> closed = List.of();
    for (Object output : (List<?>) element) {
      if (output instanceof WindowResult<?, ?> result) {
        if (result.isFinal()) {
          pending.add(result);
        }
      } else if (output instanceof Checkpoint checkpoint) {
        lastCheckpointOffset = checkpoint.offset();
        closed = concat(closed, close(Optional.of(checkpoint.snapshot().toBytes())));
      }
    }
    return closed;
  }

  private static List<PendingBatch> concat(List<PendingBatch> a, List<PendingBatch> b) {
    if (a.isEmpty()) {
      return b;
    }
    List<PendingBatch> both = new ArrayList<>(a);
    both.addAll(b);
    return both;
  }

  /** Ends the pending batch at the furthest offset whose records are all accounted for. */
  private List<PendingBatch> close(Optional<byte[]> snapshot) {
    // Read the decoded offset first: if no valid record entered the windows after the checkpoint
    // by the time the valid offset is read, every record decoded before is a dead letter already.
    long decoded = lastDecodedOffset;
    long valid = lastValidOffset;
    long covered = valid == lastCheckpointOffset ? Math.max(decoded, valid) : lastCheckpointOffset;
    long next = covered + 1;
    if (next <= lastBatchEnd && snapshot.isEmpty()) {
      return List.of();
    }
    lastBatchEnd = Math.max(lastBatchEnd, next);
    PendingBatch done = pending.endAt(next, snapshot);
    pending = new PendingBatch();
    return List.of(done);
  }

  private CompletionStage<CommitOutcome> commit(PendingBatch batch) {
    metrics.holding(PipelineMetrics.PENDING_COMMITS, partition, 0);
    var serving =
        batch.toServingBatch(settings.name(), settings.clicksTopic(), partition, committed);
    return committer
        .commit(serving)
        .thenApply(
            outcome -> {
              if (outcome == CommitOutcome.FENCED) {
                throw new PartitionFencedException(settings.clicksTopic(), partition);
              }
              committed = Optional.of(serving.nextOffset());
              metrics.committed(partition, serving.nextOffset(), serving.rowCount());
              return outcome;
            });
  }

  /** Another consumer committed this partition: this one must re-read where it stands. */
  static final class PartitionFencedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    PartitionFencedException(String topic, int partition) {
      super(
          "Partition "
              + topic
              + "-"
              + partition
              + " was committed by another consumer; restarting from the stored position");
    }
  }
}
