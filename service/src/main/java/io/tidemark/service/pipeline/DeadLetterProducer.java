package io.tidemark.service.pipeline;

import io.tidemark.streams.event.DeadLetter;
import io.tidemark.streams.event.DeadLetterJson;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends dead letters to the {@code dead-letters} topic. Sends do not wait; {@link #flush()} waits
 * until every earlier send is acknowledged and fails if one was not, so a partition calls it before
 * committing the offsets that cover its dead letters.
 *
 * <p>The topic is at-least-once: a crash between a send and the commit makes the restarted pipeline
 * send the same dead letters again. Their key {@code <source>-<partition>-<offset>} is
 * deterministic, so duplicates are recognisable (and a compacted topic would drop them).
 */
public final class DeadLetterProducer implements AutoCloseable {

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  public DeadLetterProducer(String bootstrapServers, String topic) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "tidemark-dead-letters");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(props);
    this.topic = topic;
  }

  /** The key of a dead letter: {@code <source>-<partition>-<offset>}. */
  public static String key(DeadLetter letter) {
    return letter.source() + "-" + letter.partition() + "-" + letter.offset();
  }

  /** Sends one dead letter without waiting for the acknowledgement. */
  public void send(DeadLetter letter) {
    byte[] key = key(letter).getBytes(StandardCharsets.UTF_8);
    producer.send(
        new ProducerRecord<>(topic, key, DeadLetterJson.encode(letter)),
        (metadata, error) -> {
          if (error != null) {
            failure.compareAndSet(null, error);
          }
        });
  }

  /**
   * Waits until every dead letter sent so far is acknowledged. Blocking.
   *
   * @throws IllegalStateException if one of them could not be written
   */
  public void flush() {
    producer.flush();
    Exception error = failure.getAndSet(null);
    if (error != null) {
      throw new IllegalStateException("Could not write a dead letter to " + topic, error);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
