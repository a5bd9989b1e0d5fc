package io.tidemark.service.pipeline;

import io.tidemark.streams.event.Reason;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one running pipeline, for status lines and metrics: records consumed, dead letters by
 * reason, records counted and too late per computation, window firings and late updates, commits,
 * rows written, the watermark and the committed offset of every partition. Counts restart from zero
 * with the process; the exact accounting lives in the database.
 */
public final class PipelineMetrics {

  /** Records between the consumer and the windows, in batches ({@code max-batch-bytes} each). */
  public static final String RECORD_BATCHES = "record-batches";

  /** Results waiting for the database ({@code max-pending-bytes} per partition). */
  public static final String PENDING_COMMITS = "pending-commits";

  private final LongAdder consumed = new LongAdder();
  private final Map<Reason, LongAdder> deadLetters = new EnumMap<>(Reason.class);
  private final LongAdder commits = new LongAdder();
  private final LongAdder rows = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder rewound = new LongAdder();
  private final AtomicReference<String> failure = new AtomicReference<>();
  private final Map<String, Map<Integer, AtomicLong>> held = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicLong> committedOffsets = new ConcurrentHashMap<>();
  private final Map<Integer, Boolean> assigned = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicLong> watermarks = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> counted = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> tooLate = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> firings = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> lateUpdates = new ConcurrentHashMap<>();

  public PipelineMetrics() {
    for (Reason reason : Reason.values()) {
      deadLetters.put(reason, new LongAdder());
    }
  }

  void recordsConsumed(int count) {
    consumed.add(count);
  }

  void deadLetter(Reason reason) {
    deadLetters.get(reason).increment();
  }

  void counted(String computation, long count) {
    counted.computeIfAbsent(computation, c -> new LongAdder()).add(count);
  }

  void tooLate(String computation, long count) {
    tooLate.computeIfAbsent(computation, c -> new LongAdder()).add(count);
  }

  void fired(String computation) {
    firings.computeIfAbsent(computation, c -> new LongAdder()).increment();
  }

  void lateUpdate(String computation) {
    lateUpdates.computeIfAbsent(computation, c -> new LongAdder()).increment();
  }

  void watermark(int partition, long watermark) {
    watermarks.computeIfAbsent(partition, p -> new AtomicLong(Long.MIN_VALUE)).set(watermark);
  }

  void committed(int partition, long nextOffset, int rowCount) {
    commits.increment();
    rows.add(rowCount);
    committedOffsets.computeIfAbsent(partition, p -> new AtomicLong()).set(nextOffset);
  }

  void retried() {
    retries.increment();
  }

  void buffered(String buffer, int partition, long bytes) {
    held.computeIfAbsent(buffer, b -> new ConcurrentHashMap<>())
        .computeIfAbsent(partition, p -> new AtomicLong())
        .addAndGet(bytes);
  }

  /** The partition's stream ended: whatever its buffers held is gone with it. */
  void released(int partition) {
    held.values().forEach(partitions -> partitions.remove(partition));
  }

  void holding(String buffer, int partition, long bytes) {
    held.computeIfAbsent(buffer, b -> new ConcurrentHashMap<>())
        .computeIfAbsent(partition, p -> new AtomicLong())
        .set(bytes);
  }

  void logRewound() {
    rewound.increment();
  }

  void rejected() {
    rejected.increment();
  }

  void failed(String reason) {
    failure.compareAndSet(null, reason);
  }

  void assigned(int partition) {
    assigned.put(partition, Boolean.TRUE);
  }

  void revoked(int partition) {
    assigned.remove(partition);
  }

  /** Records consumed since start (including ones consumed again after a restart). */
  public long consumed() {
    return consumed.sum();
  }

  /** Dead letters sent since start, by reason. */
  public Map<Reason, Long> deadLetters() {
    Map<Reason, Long> result = new EnumMap<>(Reason.class);
    deadLetters.forEach((reason, count) -> result.put(reason, count.sum()));
    return result;
  }

  /** Committed transactions since start. */
  public long commits() {
    return commits.sum();
  }

  /** Result rows written since start. */
  public long rows() {
    return rows.sum();
  }

  /** Database transactions retried since start. */
  public long retries() {
    return retries.sum();
  }

  /**
   * Bytes held now by each bounded buffer of the pipeline ({@link #RECORD_BATCHES}, {@link
   * #PENDING_COMMITS}), all partitions together; an estimate.
   */
  public Map<String, Long> bufferedBytes() {
    Map<String, Long> result = new TreeMap<>();
    held.forEach(
        (buffer, partitions) ->
            result.put(buffer, partitions.values().stream().mapToLong(AtomicLong::get).sum()));
    return result;
  }

  /** Assignments refused because the stored position lay outside the partition's log. */
  public long rewoundLogs() {
    return rewound.sum();
  }

  /** Commits the database refused for a reason retrying cannot change, since start. */
  public long rejectedCommits() {
    return rejected.sum();
  }

  /** Why the pipeline stopped on its own, if it did: it then consumes nothing until restarted. */
  public Optional<String> failure() {
    return Optional.ofNullable(failure.get());
  }

  /** The next offset committed last, per partition this process committed. */
  public SortedMap<Integer, Long> committedOffsets() {
    SortedMap<Integer, Long> result = new TreeMap<>();
    committedOffsets.forEach((p, o) -> result.put(p, o.get()));
    return result;
  }

  /** Partitions currently assigned to this process. */
  public SortedMap<Integer, Boolean> assignedPartitions() {
    return new TreeMap<>(assigned);
  }

  /** Records counted in each computation since start (not too late for it). */
  public Map<String, Long> counted() {
    return sums(counted);
  }

  /** Records too late for each computation since start (one TOO_LATE dead letter covers all). */
  public Map<String, Long> tooLate() {
    return sums(tooLate);
  }

  /** Windows fired since start, per computation. */
  public Map<String, Long> firings() {
    return sums(firings);
  }

  /** Late updates of fired windows since start, per computation. */
  public Map<String, Long> lateUpdates() {
    return sums(lateUpdates);
  }

  /** The latest watermark of every partition this process consumed, epoch ms. */
  public SortedMap<Integer, Long> watermarks() {
    SortedMap<Integer, Long> result = new TreeMap<>();
    watermarks.forEach((p, w) -> result.put(p, w.get()));
    return result;
  }

  private static Map<String, Long> sums(Map<String, LongAdder> adders) {
    Map<String, Long> result = new TreeMap<>();
    adders.forEach((name, adder) -> result.put(name, adder.sum()));
    return result;
  }
}
