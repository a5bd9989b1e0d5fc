package io.tidemark.service.pipeline;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tidemark.streams.event.DeadLetter;
import io.tidemark.streams.event.Reason;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class DeadLetterProducerTest {

  private final MockProducer<byte[], byte[]> kafka =
      new MockProducer<>(false, new ByteArraySerializer(), new ByteArraySerializer());
  private final DeadLetterProducer producer = new DeadLetterProducer(kafka, "dead-letters");

  @Test
  void everyPartitionWhoseDeadLetterWasLostFailsItsOwnFlush() {
    producer.send(letter(0, 10));
    producer.send(letter(1, 20));
    producer.send(letter(2, 30));
    kafka.errorNext(new TimeoutException("broker gone"));
    kafka.errorNext(new TimeoutException("broker gone"));

    IllegalStateException first = assertThrows(IllegalStateException.class, () -> flush(0));
    IllegalStateException second = assertThrows(IllegalStateException.class, () -> flush(1));

    assertEquals(
        "Could not write a dead letter of partition 1 to dead-letters", second.getMessage());
    assertEquals(TimeoutException.class, first.getCause().getClass());
    assertDoesNotThrow(() -> flush(2));
  }

  @Test
  void aLostDeadLetterFailsOneFlushOfItsPartition() {
    producer.send(letter(3, 1));
    kafka.errorNext(new TimeoutException("broker gone"));
    assertThrows(IllegalStateException.class, () -> flush(3));

    // the partition consumes its records again and sends them anew
    producer.send(letter(3, 1));
    assertDoesNotThrow(() -> flush(3));
    assertEquals(2, kafka.history().size());
  }

  @Test
  void sentDeadLettersAreKeyedBySourcePartitionAndOffset() {
    producer.send(letter(5, 42));
    flush(5);
    assertEquals("clicks-5-42", new String(kafka.history().get(0).key(), StandardCharsets.UTF_8));
  }

  private void flush(int partition) {
    producer.flush(partition);
  }

  private static DeadLetter letter(int partition, long offset) {
    return DeadLetter.of(
        "clicks",
        partition,
        offset,
        Reason.MALFORMED_JSON,
        "bad",
        "{".getBytes(StandardCharsets.UTF_8));
  }
}
