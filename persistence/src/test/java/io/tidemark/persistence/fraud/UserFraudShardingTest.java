package io.tidemark.persistence.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.tidemark.persistence.fraud.UserFraud.GetState;
import io.tidemark.persistence.fraud.UserFraud.Outcome;
import io.tidemark.persistence.fraud.UserFraud.Process;
import io.tidemark.persistence.fraud.UserFraud.Processed;
import io.tidemark.persistence.fraud.UserFraud.StateView;
import io.tidemark.streams.event.Transaction;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.ShardRegion.ShardState;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocation;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link UserFraud} under Cluster Sharding on a one-node cluster, in-memory journal: the entity
 * lives in the shard named by the Kafka partition of its userId, placed by external shard
 * allocation, is passivated when idle and recovers on the next command.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserFraudShardingTest {

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder()
          .withCustomConfig(
              ConfigFactory.parseString(
                      """
                      pekko.actor.provider = cluster
                      pekko.remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
                      pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                      """)
                  .withFallback(EventSourcedBehaviorTestKit.config()))
          .build();

  private static final int SHARDS = 8;
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void entityLivesInItsPartitionsShardAndSurvivesPassivation() throws Exception {
    Cluster cluster = Cluster.get(testKit.system());
    Address self = cluster.selfMember().address();
    cluster.manager().tell(Join.create(self));
    TestProbe<CurrentShardRegionState> shards = testKit.createTestProbe();
    shards.awaitAssert(
        TIMEOUT,
        () -> {
          assertEquals(MemberStatus.up(), cluster.selfMember().status());
          return null;
        });

    UserFraudSettings settings =
        new UserFraudSettings(
            FraudSettings.defaults(), 100, SHARDS, Duration.ofSeconds(1), Duration.ofSeconds(5));
    UserFraudSharding.initWithExternalAllocation(testKit.system(), settings);
    List<Integer> partitions = IntStream.range(0, SHARDS).boxed().toList();
    UserFraudSharding.allocateLocally(testKit.system(), partitions)
        .toCompletableFuture()
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    var locations =
        ExternalShardAllocation.get(testKit.system())
            .getClient(UserFraud.ENTITY_KEY.name())
            .getShardLocations()
            .toCompletableFuture()
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
            .getShardLocations();
    assertEquals(
        partitions.stream().map(String::valueOf).collect(Collectors.toSet()), locations.keySet());
    locations.values().forEach(location -> assertEquals(self, location.address()));

    String userId = "u-42";
    Transaction txn = new Transaction("t-1", userId, 3.0, "EUR", "DE", 1_732_300_000_000L);
    var entity = ClusterSharding.get(testKit.system()).entityRefFor(UserFraud.ENTITY_KEY, userId);
    Processed reply =
        entity
            .<Processed>ask(replyTo -> new Process(txn, 0, replyTo), TIMEOUT)
            .toCompletableFuture()
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(Outcome.ACCEPTED, reply.outcome());

    String shard = Integer.toString(KafkaPartitionMessageExtractor.partition(userId, SHARDS));
    assertEquals(Set.of(userId), entitiesOf(shard, shards));

    // Idle for passivate-idle-after: stopped, and recovered by the next command.
    shards.awaitAssert(
        TIMEOUT,
        () -> {
          assertTrue(entitiesOf(shard, shards).isEmpty());
          return null;
        });
    StateView view =
        entity
            .<StateView>ask(GetState::new, TIMEOUT)
            .toCompletableFuture()
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(txn.ts(), view.maxTs());
    assertEquals(List.of(txn.txnId()), view.retained().stream().map(r -> r.txnId()).toList());
  }

  private Set<String> entitiesOf(String shard, TestProbe<CurrentShardRegionState> probe) {
    ClusterSharding.get(testKit.system())
        .shardState()
        .tell(new GetShardRegionState(UserFraud.ENTITY_KEY, probe.ref()));
    return probe.receiveMessage(TIMEOUT).getShards().stream()
        .filter(s -> s.shardId().equals(shard))
        .map(ShardState::getEntityIds)
        .findFirst()
        .orElse(Set.of());
  }
}
