package io.tidemark.service.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tidemark.persistence.serving.PartitionPosition;
import io.tidemark.persistence.serving.ServingRepository;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A partition whose database does not answer: what it holds in memory stays within its bounds and
 * the consumer is backpressured, however many records are waiting in Kafka.
 */
class PartitionStreamBoundsTest {

  private static final long T0 = 1_732_300_020_000L - 1_732_300_020_000L % 60_000;
  private static final int RECORDS = 20_000;
  private static final long MAX_PENDING_BYTES = 1024 * 1024;

  private final ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bounds-test");
  private final ExecutorService blocking = Executors.newFixedThreadPool(2);
  private final CountDownLatch databaseDown = new CountDownLatch(1);
  private final AtomicBoolean stopping = new AtomicBoolean();

  @AfterEach
  void stop() throws InterruptedException {
    stopping.set(true);
    databaseDown.countDown();
    blocking.shutdown();
    system.terminate();
    blocking.awaitTermination(10, TimeUnit.SECONDS);
  }

  @Test
  void aDatabaseThatDoesNotAnswerBackpressuresTheConsumerWithinThePendingBound() {
    Config config =
        ConfigFactory.parseString(
                "tidemark.pipeline { max-pending-bytes = "
                    + MAX_PENDING_BYTES
                    + ", max-batch = 50, max-batch-bytes = 1MiB, commit-interval = 5ms }")
            .withFallback(ConfigFactory.load());
    PipelineSettings settings = PipelineSettings.create(config);
    PipelineMetrics metrics = new PipelineMetrics();
    DeadLetterProducer deadLetters =
        new DeadLetterProducer(
            new MockProducer<>(true, new ByteArraySerializer(), new ByteArraySerializer()),
            "dead-letters");
    Committer committer =
        new Committer(
            new ServingRepository(unansweredDatabase()),
            deadLetters,
            blocking,
            Duration.ofMillis(1),
            Duration.ofMillis(10),
            metrics,
            stopping::get);
    AtomicInteger pulled = new AtomicInteger();
    Source<ConsumerRecord<byte[], byte[]>, org.apache.pekko.NotUsed> records =
        Source.fromIterator(() -> clicks(pulled));

    new PartitionStream(
            0,
            PartitionPosition.beginning(),
            settings,
            committer,
            deadLetters,
            metrics,
            LiveUpdates.NONE,
            new ConsumptionGate())
        .run(records, system);

    int stalledAt = awaitNoMorePulls(pulled);
    assertTrue(stalledAt < RECORDS / 4, "consumed " + stalledAt + " of " + RECORDS);
    long pending = metrics.bufferedBytes().getOrDefault(PipelineMetrics.PENDING_COMMITS, 0L);
    // the bound, not something else, stopped it: pending holds a good part of it
    assertTrue(pending > MAX_PENDING_BYTES / 4, "pending " + pending);
    assertTrue(pending <= MAX_PENDING_BYTES, "pending " + pending);
    assertEquals(0, metrics.commits());
  }

  @Test
  void recordsWaitingForThePartitionAreBoundedInBytesAsWellAsInCount() {
    int recordBytes = 20_000;
    long maxBatchBytes = 256 * 1024;
    Config config =
        ConfigFactory.parseString(
                "tidemark.pipeline { max-batch = 1000, max-batch-bytes = " + maxBatchBytes + " }")
            .withFallback(ConfigFactory.load());
    PipelineSettings settings = PipelineSettings.create(config);
    PipelineMetrics metrics = new PipelineMetrics();
    DeadLetterProducer deadLetters =
        new DeadLetterProducer(
            new MockProducer<>(true, new ByteArraySerializer(), new ByteArraySerializer()),
            "dead-letters");
    Committer committer =
        new Committer(
            new ServingRepository(unansweredDatabase()),
            deadLetters,
            blocking,
            Duration.ofMillis(1),
            Duration.ofMillis(10),
            metrics,
            stopping::get);
    // a paused partition: batches wait at the gate and the consumer must stop
    ConsumptionGate gate = new ConsumptionGate();
    gate.pause();
    AtomicInteger pulled = new AtomicInteger();
    String padding = "x".repeat(recordBytes);
    Source<ConsumerRecord<byte[], byte[]>, org.apache.pekko.NotUsed> records =
        Source.fromIterator(
            () ->
                new Iterator<>() {
                  @Override
                  public boolean hasNext() {
                    return pulled.get() < RECORDS;
                  }

                  @Override
                  public ConsumerRecord<byte[], byte[]> next() {
                    int i = pulled.getAndIncrement();
                    String json =
                        "{\"eventId\":\"c-"
                            + i
                            + "\",\"userId\":\"u\",\"url\":\"/p\",\"ts\":"
                            + T0
                            + ",\"pad\":\""
                            + padding
                            + "\"}";
                    return new ConsumerRecord<>(
                        "clicks", 0, i, null, json.getBytes(StandardCharsets.UTF_8));
                  }
                });

    new PartitionStream(
            0,
            PartitionPosition.beginning(),
            settings,
            committer,
            deadLetters,
            metrics,
            LiveUpdates.NONE,
            gate)
        .run(records, system);

    int stalledAt = awaitNoMorePulls(pulled);
    // about three batches wait (before, at and after the gate), each within max-batch-bytes
    long perBatch = maxBatchBytes / recordBytes + 1;
    assertTrue(stalledAt <= 4 * perBatch, "consumed " + stalledAt);
    long held = metrics.bufferedBytes().getOrDefault(PipelineMetrics.RECORD_BATCHES, 0L);
    assertTrue(held <= 4 * maxBatchBytes, "held " + held);
    assertTrue(held >= maxBatchBytes / 2, "held " + held);
  }

  /** Every record a new page and a new minute: each fires the previous record's window. */
  private static Iterator<ConsumerRecord<byte[], byte[]>> clicks(AtomicInteger pulled) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return pulled.get() < RECORDS;
      }

      @Override
      public ConsumerRecord<byte[], byte[]> next() {
        int i = pulled.getAndIncrement();
        String json =
            "{\"eventId\":\"c-"
                + i
                + "\",\"userId\":\"u-"
                + (i % 100)
                + "\",\"url\":\"https://shop.example/"
                + "p".repeat(900)
                + i
                + "\",\"ts\":"
                + (T0 + i * 60_000L)
                + "}";
        return new ConsumerRecord<>("clicks", 0, i, null, json.getBytes(StandardCharsets.UTF_8));
      }
    };
  }

  /** Waits until the stream has pulled nothing for a second; the count then. */
  private static int awaitNoMorePulls(AtomicInteger pulled) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    int last = -1;
    long quietSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      int now = pulled.get();
      if (now != last) {
        last = now;
        quietSince = System.nanoTime();
      } else if (now == RECORDS || System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(3)) {
        return now;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    return last;
  }

  /** A database whose connections never come while the test runs (a black-holed server). */
  private DataSource unansweredDatabase() {
    return (DataSource)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getConnection")) {
                databaseDown.await();
                throw new SQLTransientConnectionException("database down");
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }
}
