package io.tidemark.persistence.fraud;

import java.nio.charset.StandardCharsets;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;

/**
 * Sharding message extractor whose shard id is the Kafka partition of the entity id: the partition
 * that Kafka's default partitioner picks for a record keyed by the entity id (murmur2 of the key's
 * UTF-8 bytes, made positive, modulo the partition count). With {@code shards} equal to the
 * partition count of the input topic, the shard {@code "7"} holds exactly the entities whose input
 * is in partition 7, so external shard allocation can place it on the node that consumes that
 * partition and every ask stays local.
 *
 * <p>The same function as pekko-connectors-kafka-cluster-sharding's {@code KafkaClusterSharding}
 * extractor, without its admin-client lookup of the partition count: here the count is
 * configuration ({@code tidemark.fraud.entity.shards}).
 *
 * @param <M> the entity's command type
 */
public final class KafkaPartitionMessageExtractor<M>
    extends ShardingMessageExtractor<ShardingEnvelope<M>, M> {

  private final int partitions;

  /**
   * @param partitions the partition count of the topic whose key is the entity id; positive
   */
  public KafkaPartitionMessageExtractor(int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be positive, was " + partitions);
    }
    this.partitions = partitions;
  }

  /** The number of shards, equal to the topic's partition count. */
  public int partitions() {
    return partitions;
  }

  @Override
  public String entityId(ShardingEnvelope<M> envelope) {
    return envelope.entityId();
  }

  @Override
  public String shardId(String entityId) {
    return Integer.toString(partition(entityId, partitions));
  }

  @Override
  public M unwrapMessage(ShardingEnvelope<M> envelope) {
    return envelope.message();
  }

  /**
   * The partition Kafka's default partitioner chooses for a record with this (non-null) key among
   * {@code partitions} partitions.
   */
  public static int partition(String key, int partitions) {
    return (murmur2(key.getBytes(StandardCharsets.UTF_8)) & 0x7fffffff) % partitions;
  }

  /** Kafka's {@code Utils.murmur2}: 32-bit MurmurHash2 with seed {@code 0x9747b28c}. */
  static int murmur2(byte[] data) {
    final int m = 0x5bd1e995;
    final int r = 24;
    int length = data.length;
    int h = 0x9747b28c ^ length;
    for (int i = 0; i + 3 < length; i += 4) {
      int k =
          (data[i] & 0xff)
              | (data[i + 1] & 0xff) << 8
              | (data[i + 2] & 0xff) << 16
              | (data[i + 3] & 0xff) << 24;
      k *= m;
      k ^= k >>> r;
      k *= m;
      h *= m;
      h ^= k;
    }
    // The tail of 1 to 3 bytes, as the reference implementation's fall-through switch mixes it.
    int tail = length & ~3;
    int rest = length % 4;
    if (rest == 3) {
      h ^= (data[tail + 2] & 0xff) << 16;
    }
    if (rest >= 2) {
      h ^= (data[tail + 1] & 0xff) << 8;
    }
    if (rest >= 1) {
      h ^= data[tail] & 0xff;
      h *= m;
    }
    h ^= h >>> 13;
    h *= m;
    h ^= h >>> 15;
    return h;
  }
}
