package io.tidemark.service.generate;

import java.util.Iterator;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces a {@link Generator}'s clicks and transactions to Kafka, keyed by userId, interleaved so
 * that both advance together, at a given rate or as fast as possible. Blocking; {@link #produced()}
 * may be read from another thread for progress.
 */
public final class KafkaGenerate {

  private final String bootstrapServers;
  private final String clicksTopic;
  private final String transactionsTopic;
  private final AtomicLong produced = new AtomicLong();
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private volatile boolean stopped;

  public KafkaGenerate(String bootstrapServers, String clicksTopic, String transactionsTopic) {
    this.bootstrapServers = bootstrapServers;
    this.clicksTopic = clicksTopic;
    this.transactionsTopic = transactionsTopic;
  }

  /** Records sent so far. */
  public long produced() {
    return produced.get();
  }

  /** Makes a running {@link #produce} return after its current record. */
  public void stop() {
    stopped = true;
  }

  /**
   * Sends every record of the generator and waits for their acknowledgement.
   *
   * @param recordsPerSecond records per second over both topics; 0 or less: as fast as possible
   * @return records sent
   */
  public long produce(Generator generator, double recordsPerSecond) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    long clicks = generator.settings().clicks();
    long transactions = generator.settings().transactions();
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      Iterator<GeneratedRecord> clickRecords = generator.clicks();
      Iterator<GeneratedRecord> txnRecords = generator.transactions();
      long sentClicks = 0;
      long sentTxns = 0;
      while (!stopped && (clickRecords.hasNext() || txnRecords.hasNext())) {
        // Keep transactions at the same share of their total as clicks.
        boolean txnNext =
            !clickRecords.hasNext()
                || (txnRecords.hasNext() && sentTxns * clicks <= sentClicks * transactions);
        GeneratedRecord record = txnNext ? txnRecords.next() : clickRecords.next();
        if (txnNext) {
          sentTxns++;
        } else {
          sentClicks++;
        }
        String topic = Generator.CLICKS.equals(record.topic()) ? clicksTopic : transactionsTopic;
        producer.send(
            new ProducerRecord<>(topic, record.key(), record.value()),
            (metadata, error) -> {
              if (error != null) {
                failure.compareAndSet(null, error);
              }
            });
        long n = produced.incrementAndGet();
        if (recordsPerSecond > 0) {
          long due = start + (long) (n * 1e9 / recordsPerSecond);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
        }
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("Could not produce to Kafka", failure.get());
    }
    return produced.get();
  }
}
