package io.tidemark.service.reconcile;

import io.tidemark.streams.clicks.ClickstreamSettings;
import io.tidemark.streams.clicks.ClickstreamWindows;
import io.tidemark.streams.clicks.PageViews;
import io.tidemark.streams.clicks.Visitors;
import io.tidemark.streams.event.Click;
import io.tidemark.streams.event.Decoded;
import io.tidemark.streams.event.EventCodec;
import io.tidemark.streams.event.Reason;
import io.tidemark.streams.time.WindowOperator;
import io.tidemark.streams.time.WindowResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The serving rows recomputed from the log (kappa architecture): each partition's records up to a
 * given offset run through the same decoder and window engine as the live pipeline, WITHOUT an
 * end-of-input flush, so the results are exactly those the pipeline has fired by that offset;
 * partitions then combine as in the serving layer (views add, sketches merge).
 */
public final class Recomputation {

  /** A record that was dead-lettered: where it was and why. */
  public record DeadLettered(int partition, long offset, Reason reason, String detail) {}

  private final ClickstreamSettings settings;
  private final Map<WindowKey, Long> views = new TreeMap<>();
  private final Map<WindowKey, List<byte[]>> sketches = new HashMap<>();
  private final List<DeadLettered> deadLetters = new ArrayList<>();
  private final TreeSet<WindowKey> openWindows = new TreeSet<>();
  private long consumed;
  private long countedPageViews;
  private long openPageViews;

  public Recomputation(ClickstreamSettings settings) {
    this.settings = settings;
  }

  /** Runs one partition's records (in offset order) through the engine. */
  public void partition(int partition, Iterable<ConsumerRecord<byte[], byte[]>> records) {
    WindowOperator<Click> operator = ClickstreamWindows.operator(settings);
    Map<WindowKey, Long> partitionViews = new HashMap<>();
    Map<WindowKey, byte[]> partitionSketches = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      consumed++;
      byte[] value = record.value() == null ? new byte[0] : record.value();
      Decoded<Click> decoded = EventCodec.decodeClick(value);
      if (decoded instanceof Decoded.Invalid<Click> invalid) {
        deadLetters.add(
            new DeadLettered(partition, record.offset(), invalid.reason(), invalid.detail()));
        continue;
      }
      Click click = ((Decoded.Valid<Click>) decoded).value();
      var tooLate =
          operator.onRecord(click.ts(), click, r -> keep(r, partitionViews, partitionSketches));
      if (!tooLate.isEmpty()) {
        deadLetters.add(
            new DeadLettered(
                partition, record.offset(), Reason.TOO_LATE, String.join(",", tooLate)));
      }
      if (!tooLate.contains(PageViews.NAME)) {
        countedPageViews++;
      }
    }
    partitionViews.forEach((key, value) -> views.merge(key, value, Long::sum));
    partitionSketches.forEach(
        (key, sketch) -> sketches.computeIfAbsent(key, k -> new ArrayList<>()).add(sketch));
    operator.endOfInput(
        r -> {
          if (r.kind() == WindowResult.Kind.FIRED) {
            openWindows.add(keyOf(r));
            if (PageViews.NAME.equals(r.computation())) {
              openPageViews += (Long) r.result();
            }
          }
        });
  }

  private static void keep(
      WindowResult<?, ?> result, Map<WindowKey, Long> views, Map<WindowKey, byte[]> sketches) {
    if (!result.isFinal()) {
      return;
    }
    if (PageViews.NAME.equals(result.computation())) {
      views.put(keyOf(result), (Long) result.result());
    } else {
      sketches.put(keyOf(result), ((Visitors) result.result()).sketch());
    }
  }

  private static WindowKey keyOf(WindowResult<?, ?> result) {
    String key = PageViews.NAME.equals(result.computation()) ? (String) result.key() : "";
    return new WindowKey(key, result.windowStart());
  }

  /** The combined rows as the serving tables must hold them. */
  public ServingRows rows(SortedMap<Integer, Long> nextOffsets) {
    Map<WindowKey, byte[]> merged = new HashMap<>();
    SortedMap<WindowKey, Long> counts = new TreeMap<>();
    sketches.forEach(
        (key, parts) -> {
          Visitors visitors = Visitors.mergeSketches(parts);
          merged.put(key, visitors.sketch());
          counts.put(key, visitors.visitors());
        });
    return new ServingRows(nextOffsets, new TreeMap<>(views), merged, counts);
  }

  /** Every record that was dead-lettered, in partition and offset order of processing. */
  public List<DeadLettered> deadLetters() {
    return deadLetters;
  }

  /** Windows still open at the end of some partition (not yet in the tables for it). */
  public int openWindowCount() {
    return openWindows.size();
  }

  /** Page views counted in windows still open at the end of their partition. */
  public long openPageViews() {
    return openPageViews;
  }

  /** Records run through the engine. */
  public long consumed() {
    return consumed;
  }

  /** Records counted in page views. */
  public long countedPageViews() {
    return countedPageViews;
  }

  /**
   * Reads each partition of {@code topic} from the beginning up to (excluding) the given offset and
   * runs it through the engine.
   */
  public static Recomputation fromKafka(
      String bootstrapServers,
      String topic,
      SortedMap<Integer, Long> untilOffsets,
      ClickstreamSettings settings,
      Duration timeout) {
    Recomputation recomputation = new Recomputation(settings);
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      for (Map.Entry<Integer, Long> entry : untilOffsets.entrySet()) {
        TopicPartition tp = new TopicPartition(topic, entry.getKey());
        long until = entry.getValue();
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (consumer.position(tp) < until) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "Could not read " + tp + " up to offset " + until + " within " + timeout);
          }
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
            if (record.offset() < until) {
              records.add(record);
            }
          }
        }
        recomputation.partition(entry.getKey(), records);
      }
    }
    return recomputation;
  }
}
