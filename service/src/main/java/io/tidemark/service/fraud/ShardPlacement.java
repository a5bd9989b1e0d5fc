package io.tidemark.service.fraud;

import io.tidemark.persistence.fraud.UserFraud;
import io.tidemark.persistence.fraud.UserFraudSharding;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.kafka.ConsumerRebalanceEvent;
import org.apache.pekko.kafka.TopicPartitionsAssigned;
import org.apache.pekko.kafka.TopicPartitionsRevoked;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Rebalance listener of the transactions consumer: when this node is assigned Kafka partitions, it
 * moves the {@link UserFraud} shards of those partitions here ({@link
 * UserFraudSharding#allocateLocally}), so that every entity lives on the node that consumes its
 * user's transactions and asks stay local. Moving a shard stops its entities elsewhere; they
 * recover here from the journal.
 */
final class ShardPlacement {

  private ShardPlacement() {}

  static Behavior<ConsumerRebalanceEvent> create(FraudMetrics metrics, int shards) {
    return Behaviors.setup(
        context ->
            Behaviors.receive(ConsumerRebalanceEvent.class)
                .onMessage(
                    TopicPartitionsAssigned.class,
                    assigned -> onAssigned(context.getSystem(), assigned, metrics, shards))
                .onMessage(
                    TopicPartitionsRevoked.class,
                    revoked -> {
                      metrics.revoked(partitions(revoked.topicPartitions()));
                      return Behaviors.same();
                    })
                .build());
  }

  private static Behavior<ConsumerRebalanceEvent> onAssigned(
      ActorSystem<?> system, TopicPartitionsAssigned assigned, FraudMetrics metrics, int shards) {
    Set<Integer> partitions = partitions(assigned.topicPartitions());
    metrics.assigned(partitions);
    if (partitions.stream().anyMatch(p -> p >= shards)) {
      system
          .log()
          .warn(
              "Transactions partitions {} exceed tidemark.fraud.entity.shards = {}: set it to the"
                  + " partition count, or entities do not live where their partition is consumed",
              partitions,
              shards);
    }
    if (!partitions.isEmpty()) {
      UserFraudSharding.allocateLocally(system, partitions)
          .whenComplete(
              (done, error) -> {
                if (error != null) {
                  system.log().warn("Could not place shards {} here: {}", partitions, error);
                } else {
                  system.log().info("Fraud shards {} placed on this node", partitions);
                }
              });
    }
    return Behaviors.same();
  }

  private static Set<Integer> partitions(scala.collection.immutable.Set<TopicPartition> set) {
    return CollectionConverters.asJava(set).stream()
        .map(TopicPartition::partition)
        .collect(Collectors.toSet());
  }
}
