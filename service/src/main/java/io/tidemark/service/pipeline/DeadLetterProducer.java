package io.tidemark.service.pipeline;

import io.tidemark.streams.event.DeadLetter;
import io.tidemark.streams.event.DeadLetterJson;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends dead letters to the {@code dead-letters} topic. Sends do not wait; {@link #flush(int)}
 * waits until every earlier send is acknowledged and fails if one of the given input partition's
 * was not, so a partition calls it before committing the offsets that cover its dead letters. The
 * producer is shared by the partitions of a node: a failed send is remembered for the input
 * partition whose dead letter it was, and every partition that lost one fails its own next flush
 * (and so its commit), however many lost one in the same flush.
 *
 * <p>The topic is at-least-once: a crash between a send and the commit makes the restarted pipeline
 * send the same dead letters again. Their key {@code <source>-<partition>-<offset>} is
 * deterministic, so duplicates are recognisable (and a compacted topic would drop them).
 */
public final class DeadLetterProducer implements AutoCloseable {

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final Map<Integer, Exception> failures = new ConcurrentHashMap<>();

  public DeadLetterProducer(String bootstrapServers, String topic) {
    this(new KafkaProducer<>(properties(bootstrapServers)), topic);
  }

  DeadLetterProducer(Producer<byte[], byte[]> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  private static Properties properties(String bootstrapServers) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "tidemark-dead-letters");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return props;
  }

  /** The key of a dead letter: {@code <source>-<partition>-<offset>}. */
  public static String key(DeadLetter letter) {
    return letter.source() + "-" + letter.partition() + "-" + letter.offset();
  }

  /** Sends one dead letter without waiting for the acknowledgement. */
  public void send(DeadLetter letter) {
    byte[] key = key(letter).getBytes(StandardCharsets.UTF_8);
    int partition = letter.partition();
    try {
      producer.send(
          new ProducerRecord<>(topic, key, DeadLetterJson.encode(letter)),
          (metadata, error) -> {
            if (error != null) {
              failures.putIfAbsent(partition, error);
            }
          });
    } catch (RuntimeException e) {
      failures.putIfAbsent(partition, e);
    }
  }

  /**
   * Waits until every dead letter sent so far is acknowledged. Blocking.
   *
   * @throws IllegalStateException if a dead letter of input {@code partition} sent since its
   *     previous flush could not be written; the partition must not commit past it
   */
  public void flush(int partition) {
    producer.flush();
    Exception error = failures.remove(partition);
    if (error != null) {
      throw new IllegalStateException(
          "Could not write a dead letter of partition " + partition + " to " + topic, error);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
