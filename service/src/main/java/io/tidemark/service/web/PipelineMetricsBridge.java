package io.tidemark.service.web;

import io.tidemark.http.metrics.TidemarkMetrics;
import io.tidemark.service.pipeline.PipelineMetrics;
import io.tidemark.streams.clicks.PageViews;
import io.tidemark.streams.clicks.UniqueVisitors;
import io.tidemark.streams.event.Reason;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Copies the clickstream pipeline's counters into the service's {@link TidemarkMetrics} on every
 * {@link #sync()} (the service calls it a few times a second): every click is consumed by both
 * computations; a bad click is a dead letter of both, a too-late one of those it was too late for.
 * Counters move by the difference since the previous sync; watermarks and consumer lags are set.
 */
public final class PipelineMetricsBridge {

  private static final List<String> COMPUTATIONS = List.of(PageViews.NAME, UniqueVisitors.NAME);

  private final PipelineMetrics pipeline;
  private final TidemarkMetrics metrics;
  private final String topic;
  private final Map<String, Long> previous = new HashMap<>();

  public PipelineMetricsBridge(PipelineMetrics pipeline, TidemarkMetrics metrics, String topic) {
    this.pipeline = pipeline;
    this.metrics = metrics;
    this.topic = topic;
  }

  /** Brings the metrics up to date with the pipeline. */
  public synchronized void sync() {
    long consumed = pipeline.consumed();
    Map<Reason, Long> deadLetters = pipeline.deadLetters();
    Map<String, Long> counted = pipeline.counted();
    Map<String, Long> tooLate = pipeline.tooLate();
    Map<String, Long> firings = pipeline.firings();
    Map<String, Long> lateUpdates = pipeline.lateUpdates();
    deadLetters.forEach(
        (reason, n) -> {
          if (n > 0) {
            advance(
                "records/" + reason, n, r -> metrics.deadLetterRecords(topic, r), reason.name());
          }
        });
    for (String c : COMPUTATIONS) {
      advance("consumed/" + c, consumed, metrics::consumed, c);
      advance("counted/" + c, counted.getOrDefault(c, 0L), metrics::counted, c);
      advance("firings/" + c, firings.getOrDefault(c, 0L), metrics::windowFirings, c);
      advance("late/" + c, lateUpdates.getOrDefault(c, 0L), metrics::lateUpdates, c);
      for (Reason reason : Reason.values()) {
        long n =
            reason == Reason.TOO_LATE
                ? tooLate.getOrDefault(c, 0L)
                : deadLetters.getOrDefault(reason, 0L);
        if (n > 0) {
          advance("dead/" + c + "/" + reason, n, r -> metrics.deadLetters(c, r), reason.name());
        }
      }
    }
    pipeline.watermarks().forEach((p, mark) -> metrics.watermark(topic, p).set(mark));
    advance("retries", pipeline.retries(), metrics::commitRetries, topic);
    advance("rejected", pipeline.rejectedCommits(), metrics::commitsRejected, topic);
    advance("rewound", pipeline.rewoundLogs(), metrics::logsRewound, topic);
    metrics.pipelineFailed(topic).set(pipeline.failure().isPresent() ? 1 : 0);
    pipeline.bufferedBytes().forEach((buffer, bytes) -> metrics.bufferBytes(buffer).set(bytes));
  }

  /** Sets the consumer lag of each partition from its end offset and committed position. */
  public void consumerLags(Map<Integer, Long> endOffsets) {
    Map<Integer, Long> committed = pipeline.committedOffsets();
    Map<Integer, Boolean> assigned = pipeline.assignedPartitions();
    endOffsets.forEach(
        (p, end) -> {
          if (assigned.containsKey(p)) {
            long position = committed.getOrDefault(p, 0L);
            metrics.consumerLag(topic, p).set(Math.max(0, end - position));
          }
        });
  }

  private void advance(
      String key,
      long now,
      Function<String, io.tidemark.http.metrics.Counter> counter,
      String label) {
    long before = previous.getOrDefault(key, 0L);
    if (now > before) {
      counter.apply(label).inc(now - before);
      previous.put(key, now);
    }
  }
}
