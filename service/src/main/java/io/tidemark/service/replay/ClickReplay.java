package io.tidemark.service.replay;

import io.tidemark.streams.clicks.ClickstreamSettings;
import io.tidemark.streams.clicks.ClickstreamWindows;
import io.tidemark.streams.clicks.PageViews;
import io.tidemark.streams.clicks.UniqueVisitors;
import io.tidemark.streams.clicks.Visitors;
import io.tidemark.streams.event.Click;
import io.tidemark.streams.event.DeadLetter;
import io.tidemark.streams.event.Decoded;
import io.tidemark.streams.event.EventCodec;
import io.tidemark.streams.event.Reason;
import io.tidemark.streams.event.Received;
import io.tidemark.streams.io.JsonLines;
import io.tidemark.streams.io.Line;
import io.tidemark.streams.time.Checkpoint;
import io.tidemark.streams.time.Timed;
import io.tidemark.streams.time.Verdict;
import io.tidemark.streams.time.WindowOutput;
import io.tidemark.streams.time.WindowResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Runs the clickstream graph of one partition over a JSON-lines file: the same decoder and window
 * stage as the live pipeline, with the final value of every window kept for the output files.
 *
 * <p>Instances are single-use; the stream's last stage is the only writer of the collected state,
 * which is read after the stream completes.
 */
public final class ClickReplay {

  static final String SOURCE = "clicks";

  /** One result row key: computation key and window start, ordered for stable output. */
  record RowKey(String key, long windowStart) implements Comparable<RowKey> {
    @Override
    public int compareTo(RowKey other) {
      int byKey = key.compareTo(other.key);
      return byKey != 0 ? byKey : Long.compare(windowStart, other.windowStart);
    }
  }

  final ComputationCounts pageViews = new ComputationCounts();
  final ComputationCounts visitors = new ComputationCounts();
  final Map<RowKey, WindowResult<?, ?>> pageViewRows = new TreeMap<>();
  final Map<RowKey, WindowResult<?, ?>> visitorRows = new TreeMap<>();
  final List<DeadLetter> deadLetters = new ArrayList<>();
  final AtomicLong progress = new AtomicLong();

  private final ClickstreamSettings settings;

  public ClickReplay(ClickstreamSettings settings) {
    this.settings = settings;
  }

  /** Replays {@code file} as partition 0; completes when every record is accounted for. */
  public CompletionStage<Done> run(Path file, ActorSystem<?> system) {
    return JsonLines.source(file)
        // decode each line; bad ones become dead letters right here
        .mapConcat(this::decode)
        // decoding and windowing run on different threads
        .async()
        // event-time windows of both computations, judged by the file's watermark
        .via(ClickstreamWindows.receivedFlow(settings, Optional.empty()))
        // keep the last final value per window and account for every record
        .runWith(Sink.foreach(this::collect), system);
  }

  private List<Timed<Received<Click>>> decode(Line line) {
    progress.lazySet(line.offset() + 1);
    Decoded<Click> decoded = EventCodec.decodeClick(line.bytes());
    if (decoded instanceof Decoded.Valid<Click> valid) {
      Click click = valid.value();
      return List.of(new Timed<>(line.offset(), click.ts(), new Received<>(click, line.bytes())));
    }
    Decoded.Invalid<Click> invalid = (Decoded.Invalid<Click>) decoded;
    synchronized (deadLetters) {
      deadLetters.add(invalid.toDeadLetter(SOURCE, 0, line.offset(), line.bytes()));
      pageViews.consumed++;
      visitors.consumed++;
      pageViews.deadLetter(invalid.reason());
      visitors.deadLetter(invalid.reason());
    }
    return List.of();
  }

  private void collect(WindowOutput output) {
    if (output instanceof WindowResult<?, ?> result && result.isFinal()) {
      Map<RowKey, WindowResult<?, ?>> rows =
          PageViews.NAME.equals(result.computation()) ? pageViewRows : visitorRows;
      rows.put(new RowKey(String.valueOf(result.key()), result.windowStart()), result);
    } else if (output instanceof Verdict<?> verdict) {
      account(verdict);
    } else if (output instanceof Checkpoint) {
      throw new IllegalStateException("replay runs without checkpoints");
    }
  }

  private void account(Verdict<?> verdict) {
    synchronized (deadLetters) {
      count(pageViews, verdict, PageViews.NAME);
      count(visitors, verdict, UniqueVisitors.NAME);
      if (verdict.isTooLate()) {
        byte[] raw = ((Received<?>) verdict.event()).raw();
        deadLetters.add(
            DeadLetter.of(SOURCE, 0, verdict.offset(), Reason.TOO_LATE, verdict.detail(), raw));
      }
    }
  }

  private static void count(ComputationCounts counts, Verdict<?> verdict, String computation) {
    counts.consumed++;
    if (verdict.countedIn(computation)) {
      counts.counted++;
    } else {
      counts.deadLetter(Reason.TOO_LATE);
    }
  }

  /** Records read so far, good and bad. */
  public long consumed() {
    return progress.get();
  }

  /** Result rows of both computations after the run. */
  public int rows() {
    return pageViewRows.size() + visitorRows.size();
  }

  /** The page-view count of a final row. */
  static long views(WindowResult<?, ?> row) {
    return (Long) row.result();
  }

  /** The visitor estimate of a final row. */
  static long visitors(WindowResult<?, ?> row) {
    return ((Visitors) row.result()).visitors();
  }
}
