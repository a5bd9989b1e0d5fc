package io.tidemark.persistence.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.utils.Utils;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.junit.jupiter.api.Test;

/** The shard of an entity is the partition Kafka's own producer picks for its key. */
class KafkaPartitionMessageExtractorTest {

  @Property(tries = 500)
  void partitionIsTheKafkaProducersPartition(
      @ForAll @StringLength(max = 40) String key, @ForAll @IntRange(min = 1, max = 512) int n) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    assertEquals(Utils.murmur2(bytes), KafkaPartitionMessageExtractor.murmur2(bytes));
    assertEquals(
        BuiltInPartitioner.partitionForKey(bytes, n),
        KafkaPartitionMessageExtractor.partition(key, n));
  }

  @Test
  void shardIdIsThePartitionOfTheEntityId() {
    var extractor = new KafkaPartitionMessageExtractor<String>(12);
    var envelope = new ShardingEnvelope<>("u-42", "hello");

    assertEquals("u-42", extractor.entityId(envelope));
    assertEquals("hello", extractor.unwrapMessage(envelope));
    assertEquals(
        Integer.toString(
            BuiltInPartitioner.partitionForKey("u-42".getBytes(StandardCharsets.UTF_8), 12)),
        extractor.shardId("u-42"));
  }

  @Test
  void partitionCountMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new KafkaPartitionMessageExtractor<>(0));
  }
}
