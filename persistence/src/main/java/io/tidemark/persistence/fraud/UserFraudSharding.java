package io.tidemark.persistence.fraud;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocation;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocationStrategy;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Registers {@link UserFraud} with Cluster Sharding: entity ids are userIds, shard {@code "p"}
 * holds the users whose key falls in Kafka partition {@code p} ({@link
 * KafkaPartitionMessageExtractor}), idle entities passivate after {@code passivate-idle-after}.
 * With external allocation the node consuming partition {@code p} places shard {@code "p"} on
 * itself ({@link #allocateLocally}), so an entity lives where its transactions are consumed.
 */
public final class UserFraudSharding {

  private UserFraudSharding() {}

  /**
   * Registers the entity with Cluster Sharding, settings from the system's configuration, shards
   * allocated by sharding's default strategy.
   *
   * @return the shard region; or ask through {@code ClusterSharding.get(system).entityRefFor(
   *     UserFraud.ENTITY_KEY, userId)}
   */
  public static ActorRef<ShardingEnvelope<UserFraud.Command>> init(ActorSystem<?> system) {
    return init(system, UserFraudSettings.create(system.settings().config()));
  }

  /** Registers the entity with Cluster Sharding, shards allocated by the default strategy. */
  public static ActorRef<ShardingEnvelope<UserFraud.Command>> init(
      ActorSystem<?> system, UserFraudSettings settings) {
    return init(system, settings, CurrentFraudRule.fixed(settings.rule()));
  }

  /**
   * Registers the entity with Cluster Sharding, shards allocated by the default strategy; the
   * entities decide with the rule in force in {@code rule} at each transaction.
   */
  public static ActorRef<ShardingEnvelope<UserFraud.Command>> init(
      ActorSystem<?> system, UserFraudSettings settings, CurrentFraudRule rule) {
    return ClusterSharding.get(system).init(entity(system, settings, rule));
  }

  /**
   * Registers the entity with Cluster Sharding, shards placed by {@link
   * ExternalShardAllocationStrategy}: the node that is assigned Kafka partition {@code p} calls
   * {@link #allocateLocally} with {@code p}, and shard {@code "p"} moves there. Until a shard has a
   * location it is allocated to the requesting region.
   */
  public static ActorRef<ShardingEnvelope<UserFraud.Command>> initWithExternalAllocation(
      ActorSystem<?> system, UserFraudSettings settings) {
    return initWithExternalAllocation(system, settings, CurrentFraudRule.fixed(settings.rule()));
  }

  /**
   * As {@link #initWithExternalAllocation(ActorSystem, UserFraudSettings)}; the entities decide
   * with the rule in force in {@code rule} at each transaction.
   */
  public static ActorRef<ShardingEnvelope<UserFraud.Command>> initWithExternalAllocation(
      ActorSystem<?> system, UserFraudSettings settings, CurrentFraudRule rule) {
    ExternalShardAllocationStrategy strategy =
        ExternalShardAllocationStrategy.create(
            system, UserFraud.ENTITY_KEY.name(), settings.allocationTimeout());
    return ClusterSharding.get(system)
        .init(entity(system, settings, rule).withAllocationStrategy(strategy));
  }

  /**
   * With external allocation: places the shards of these Kafka partitions on this node, e.g. from
   * the consumer's partitions-assigned callback.
   */
  public static CompletionStage<Done> allocateLocally(
      ActorSystem<?> system, Collection<Integer> partitions) {
    Address self = Cluster.get(system).selfMember().address();
    Map<String, Address> locations = new HashMap<>();
    partitions.forEach(p -> locations.put(Integer.toString(p), self));
    return ExternalShardAllocation.get(system)
        .getClient(UserFraud.ENTITY_KEY.name())
        .setShardLocations(locations);
  }

  private static Entity<UserFraud.Command, ShardingEnvelope<UserFraud.Command>> entity(
      ActorSystem<?> system, UserFraudSettings settings, CurrentFraudRule rule) {
    ClusterShardingSettings defaults = ClusterShardingSettings.create(system);
    ClusterShardingSettings sharding =
        defaults.withPassivationStrategy(
            defaults
                .passivationStrategySettings()
                .withIdleEntityPassivation(settings.passivateIdleAfter())
                // The least recently used entities stop beyond the limit: under a backlog of
                // many users the heap holds a bounded number of entities, not one per user seen.
                .withActiveEntityLimit(
                    system.settings().config().getInt("tidemark.fraud.entity.active-entity-limit"))
                .withLeastRecentlyUsedReplacement());
    return Entity.of(
            UserFraud.ENTITY_KEY,
            context -> UserFraud.create(context.getEntityId(), settings, rule))
        .withMessageExtractor(
            new KafkaPartitionMessageExtractor<UserFraud.Command>(settings.shards()))
        .withSettings(sharding);
  }
}
