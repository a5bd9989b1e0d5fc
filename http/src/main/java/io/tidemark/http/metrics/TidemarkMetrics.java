package io.tidemark.http.metrics;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics of SPEC §6.2, updated by the pipelines and scraped at {@code GET /metrics}. The
 * invariant of SPEC §4.2 reads off them: per computation, {@code consumed = counted + dead letters}
 * (+ duplicates for fraud).
 *
 * <p>Label values: {@code computation} is {@code pageviews}, {@code visitors} or {@code fraud};
 * {@code reason} a dead-letter reason; {@code topic} and {@code partition} the input partition. For
 * {@code fraud}, "counted" is "accepted by the user's entity".
 *
 * <p>The fraud counters of this node's pipeline are taken when the entity answers, before the Kafka
 * transaction commits (a redelivery after an abort counts again); {@code
 * tidemark_fraud_alerts_committed_total} alone counts what {@code read_committed} readers see, and
 * since every node's alert feed reads every partition of {@code fraud-alerts}, it is the same on
 * every node: the alerts of the whole cluster.
 */
public final class TidemarkMetrics {

  private final Metrics registry = new Metrics();
  private final Clock clock;

  private final MetricFamily<Counter> consumed =
      registry.counter("tidemark_records_consumed_total", "Input records consumed", "computation");
  private final MetricFamily<Counter> counted =
      registry.counter(
          "tidemark_records_counted_total",
          "Input records counted in a result (accepted, for fraud)",
          "computation");
  private final MetricFamily<Counter> deadLetters =
      registry.counter(
          "tidemark_dead_letters_total",
          "Input records dead-lettered, by reason",
          "computation",
          "reason");
  private final MetricFamily<Counter> deadLetterRecords =
      registry.counter(
          "tidemark_dead_letter_records_total",
          "Input records sent to the dead-letters topic, by input topic and reason: a record"
              + " dead-lettered for several computations counts once",
          "source",
          "reason");
  private final MetricFamily<Counter> duplicates =
      registry.counter(
          "tidemark_duplicate_transactions_total", "Transactions ignored as duplicates");
  private final MetricFamily<Gauge> watermark =
      registry.gauge(
          "tidemark_watermark_ms",
          "Event-time watermark of an input partition, epoch milliseconds",
          "topic",
          "partition");
  private final MetricFamily<Gauge> consumerLag =
      registry.gauge(
          "tidemark_consumer_lag_records",
          "Records of an input partition not yet consumed (end offset - position)",
          "topic",
          "partition");
  private final MetricFamily<Counter> windowFirings =
      registry.counter(
          "tidemark_window_firings_total", "Windows fired (first final result)", "computation");
  private final MetricFamily<Counter> lateUpdates =
      registry.counter(
          "tidemark_window_late_updates_total",
          "Fired windows updated by an in-time late event",
          "computation");
  private final MetricFamily<Counter> alertsCommitted =
      registry.counter(
          "tidemark_fraud_alerts_committed_total",
          "Alerts committed to the fraud-alerts topic since this node started, as this node's"
              + " read_committed alert feed saw them: the cluster-wide count, each alert once");
  private final MetricFamily<Counter> alertsRaised =
      registry.counter(
          "tidemark_fraud_alerts_raised_total",
          "Alerts raised by the fraud entities of this node before their Kafka transaction"
              + " committed; a redelivery after an aborted transaction counts again");
  private final MetricFamily<Gauge> activeEntities =
      registry.gauge("tidemark_active_entities", "Fraud entities alive on this node");
  private final MetricFamily<Gauge> fraudPartitions =
      registry.gauge(
          "tidemark_fraud_assigned_partitions",
          "Partitions of the transactions topic this node's fraud pipeline consumes");
  private final MetricFamily<Counter> restarts =
      registry.counter(
          "tidemark_stream_restarts_total",
          "Restarts of a consuming stream after a failure (with backoff)",
          "stream");
  private final MetricFamily<Gauge> webSocketClients =
      registry.gauge("tidemark_websocket_clients", "Live-feed WebSocket connections open");
  private final MetricFamily<Counter> webSocketClientsDropped =
      registry.counter(
          "tidemark_websocket_clients_dropped_total",
          "Live-feed clients disconnected because they fell behind");
  private final MetricFamily<Counter> liveMessagesDropped =
      registry.counter(
          "tidemark_live_messages_dropped_total",
          "Live-feed messages dropped because the fan-out buffer was full");

  private final MetricFamily<Counter> commitRetries =
      registry.counter(
          "tidemark_commit_retries_total",
          "Serving-layer transactions tried again after a failure that can heal (lost"
              + " connection, serialization failure, deadlock, database shutdown)",
          "topic");
  private final MetricFamily<Counter> commitsRejected =
      registry.counter(
          "tidemark_commits_rejected_total",
          "Serving-layer transactions the database refused for a reason retrying cannot change;"
              + " the pipeline stops",
          "topic");
  private final MetricFamily<Counter> logsRewound =
      registry.counter(
          "tidemark_input_log_rewound_total",
          "Partitions refused because the position stored with the tables lies outside their log"
              + " (topic deleted and created again, or records deleted before they were consumed);"
              + " the pipeline stops",
          "topic");
  private final MetricFamily<Gauge> pipelineFailed =
      registry.gauge(
          "tidemark_pipeline_failed",
          "1 when the pipeline of this input topic stopped on a failure it cannot recover from"
              + " (readiness is red), else 0",
          "topic");
  private final MetricFamily<Gauge> bufferBytes =
      registry.gauge(
          "tidemark_buffer_bytes",
          "Bytes held by a bounded buffer of the pipelines, an estimate",
          "buffer");
  private final MetricFamily<Gauge> bufferKeys =
      registry.gauge(
          "tidemark_buffer_keys", "Keys (rows, windows) held by a bounded buffer", "buffer");
  private final MetricFamily<Gauge> bufferLimitBytes =
      registry.gauge(
          "tidemark_buffer_limit_bytes",
          "Bound of a buffer in bytes: when full, it backpressures or drops (live feed)",
          "buffer");

  /** Metrics with event-time lag measured against the system clock. */
  public TidemarkMetrics() {
    this(Clock.systemUTC());
  }

  /** Metrics with event-time lag measured against {@code clock}. */
  public TidemarkMetrics(Clock clock) {
    this.clock = clock;
    registry.derivedGauge(
        "tidemark_event_time_lag_ms",
        "Wall-clock time minus the watermark of an input partition, milliseconds",
        watermark.labelNames(),
        this::eventTimeLags);
  }

  /** The registry to render. */
  public Metrics registry() {
    return registry;
  }

  public Counter consumed(String computation) {
    return consumed.labels(computation);
  }

  public Counter counted(String computation) {
    return counted.labels(computation);
  }

  public Counter deadLetters(String computation, String reason) {
    return deadLetters.labels(computation, reason);
  }

  public Counter deadLetterRecords(String source, String reason) {
    return deadLetterRecords.labels(source, reason);
  }

  public Counter duplicates() {
    return duplicates.labels();
  }

  /** Set to the partition's watermark (epoch ms) whenever it advances. */
  public Gauge watermark(String topic, int partition) {
    return watermark.labels(topic, Integer.toString(partition));
  }

  public Gauge consumerLag(String topic, int partition) {
    return consumerLag.labels(topic, Integer.toString(partition));
  }

  public Counter windowFirings(String computation) {
    return windowFirings.labels(computation);
  }

  public Counter lateUpdates(String computation) {
    return lateUpdates.labels(computation);
  }

  /** Alerts committed to {@code fraud-alerts} (cluster-wide), counted by the alert feed. */
  public Counter alertsCommitted() {
    return alertsCommitted.labels();
  }

  /** Alerts this node's entities raised, before commit (redeliveries count again). */
  public Counter alertsRaised() {
    return alertsRaised.labels();
  }

  public Gauge activeEntities() {
    return activeEntities.labels();
  }

  /** How many transactions partitions this node's fraud pipeline consumes. */
  public Gauge fraudAssignedPartitions() {
    return fraudPartitions.labels();
  }

  /** Restarts of a consuming stream, by stream ({@code fraud-pipeline}, {@code alert-feed}). */
  public Counter streamRestarts(String stream) {
    return restarts.labels(stream);
  }

  public Gauge webSocketClients() {
    return webSocketClients.labels();
  }

  public Counter webSocketClientsDropped() {
    return webSocketClientsDropped.labels();
  }

  public Counter liveMessagesDropped() {
    return liveMessagesDropped.labels();
  }

  public Counter commitRetries(String topic) {
    return commitRetries.labels(topic);
  }

  public Counter commitsRejected(String topic) {
    return commitsRejected.labels(topic);
  }

  public Counter logsRewound(String topic) {
    return logsRewound.labels(topic);
  }

  public Gauge pipelineFailed(String topic) {
    return pipelineFailed.labels(topic);
  }

  /** Bytes held now by the named buffer. */
  public Gauge bufferBytes(String buffer) {
    return bufferBytes.labels(buffer);
  }

  /** Keys held now by the named buffer. */
  public Gauge bufferKeys(String buffer) {
    return bufferKeys.labels(buffer);
  }

  /** The bound in bytes of the named buffer. */
  public Gauge bufferLimitBytes(String buffer) {
    return bufferLimitBytes.labels(buffer);
  }

  /** Consumed records by computation. */
  public Map<String, Long> consumedByComputation() {
    return byFirstLabel(consumed.snapshot());
  }

  /** Counted records by computation. */
  public Map<String, Long> countedByComputation() {
    return byFirstLabel(counted.snapshot());
  }

  /** Dead letters by reason, all computations added up. */
  public Map<String, Long> deadLettersByReason() {
    Map<String, Long> byReason = new LinkedHashMap<>();
    deadLetterRecords
        .snapshot()
        .forEach((labels, n) -> byReason.merge(labels.get(1), n, Long::sum));
    return byReason;
  }

  /** Watermarks by (topic, partition). */
  public Map<List<String>, Long> watermarks() {
    return watermark.snapshot();
  }

  /** Consumer lags by (topic, partition). */
  public Map<List<String>, Long> consumerLags() {
    return consumerLag.snapshot();
  }

  /** Event-time lag by (topic, partition): now minus the watermark. */
  public Map<List<String>, Long> eventTimeLags() {
    long now = clock.millis();
    Map<List<String>, Long> lags = new LinkedHashMap<>();
    watermark.snapshot().forEach((labels, mark) -> lags.put(labels, Math.max(0, now - mark)));
    return lags;
  }

  private static Map<String, Long> byFirstLabel(Map<List<String>, Long> snapshot) {
    Map<String, Long> values = new LinkedHashMap<>();
    snapshot.forEach((labels, n) -> values.merge(labels.get(0), n, Long::sum));
    return values;
  }
}
