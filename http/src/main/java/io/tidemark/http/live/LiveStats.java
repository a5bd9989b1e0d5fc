package io.tidemark.http.live;

import io.tidemark.http.metrics.TidemarkMetrics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples this node's {@link LiveMessage.Stats} for the live feed from the metrics: throughput is
 * the difference of the consumed counters between two samples. Reading the metrics is lock-free, so
 * sampling never disturbs the pipelines. The service samples at a fixed rate and combines the
 * samples of the cluster's nodes.
 */
public final class LiveStats {

  private final TidemarkMetrics metrics;
  private final Clock clock;
  private long previousAt;
  private Map<String, Long> previousConsumed = Map.of();

  public LiveStats(TidemarkMetrics metrics, Clock clock) {
    this.metrics = metrics;
    this.clock = clock;
    this.previousAt = clock.millis();
  }

  /** The statistics now, with rates since the previous sample. */
  public synchronized LiveMessage.Stats sample() {
    long now = clock.millis();
    long interval = Math.max(1, now - previousAt);
    Map<String, Long> consumed = metrics.consumedByComputation();
    Map<String, Double> perSecond = new LinkedHashMap<>();
    consumed.forEach(
        (computation, total) -> {
          long delta = total - previousConsumed.getOrDefault(computation, 0L);
          perSecond.put(computation, delta * 1000.0 / interval);
        });
    previousAt = now;
    previousConsumed = consumed;
    return new LiveMessage.Stats(
        now,
        interval,
        consumed,
        perSecond,
        metrics.deadLettersByReason(),
        partitions(),
        metrics.alertsCommitted().value(),
        metrics.activeEntities().value(),
        metrics.webSocketClients().value());
  }

  private List<LiveMessage.Stats.Partition> partitions() {
    Map<List<String>, Long> lags = metrics.eventTimeLags();
    Map<List<String>, Long> consumerLags = metrics.consumerLags();
    List<LiveMessage.Stats.Partition> partitions = new ArrayList<>();
    metrics
        .watermarks()
        .forEach(
            (labels, watermark) ->
                partitions.add(
                    new LiveMessage.Stats.Partition(
                        labels.get(0),
                        Integer.parseInt(labels.get(1)),
                        watermark,
                        lags.getOrDefault(labels, 0L),
                        consumerLags.getOrDefault(labels, -1L))));
    return partitions;
  }
}
