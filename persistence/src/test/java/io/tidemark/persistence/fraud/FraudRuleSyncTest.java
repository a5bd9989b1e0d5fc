package io.tidemark.persistence.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.tidemark.persistence.TestSchema;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Nodes are actor systems of one cluster in this JVM (Artery on localhost, so the replicated rule
 * goes through the real transport and serializers), over the real PostgreSQL: a change reaches the
 * other node once, without retries; a node that joins after the change gets it by gossip; a rule
 * stored without going through a node is picked up by the re-read; the stored rule wins over the
 * defaults at start.
 */
class FraudRuleSyncTest {

  private static final FraudSettings DEFAULTS = FraudSettings.defaults();
  private static final Duration NEVER = Duration.ofHours(1);
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private static TestSchema db;

  private final List<ActorTestKit> systems = new ArrayList<>();

  @BeforeAll
  static void createSchema() {
    db = TestSchema.create("rulesync", 4);
  }

  @AfterAll
  static void dropSchema() throws SQLException {
    db.close();
  }

  @BeforeEach
  void emptyTable() throws SQLException {
    db.execute("TRUNCATE fraud_rule");
  }

  @AfterEach
  void stopSystems() {
    systems.forEach(ActorTestKit::shutdownTestKit);
  }

  /** A node's actor system, not yet in a cluster. */
  private ActorTestKit system() {
    ActorTestKit kit =
        ActorTestKit.create(
            "tidemark",
            ConfigFactory.parseString(
                    """
                    pekko.actor.provider = cluster
                    pekko.remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
                    pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                    """)
                .withFallback(ConfigFactory.load()));
    systems.add(kit);
    return kit;
  }

  private FraudRuleSync sync(ActorTestKit node, Duration refresh) {
    return FraudRuleSync.start(
        node.system(),
        new JdbcFraudRuleStore(db.dataSource(), db.executor()),
        CurrentFraudRule.startingWith(DEFAULTS),
        refresh);
  }

  /** {@code node} joins the cluster whose first node is {@code seed}; waits until both are up. */
  private static void join(ActorTestKit node, ActorTestKit seed) {
    Cluster.get(node.system())
        .manager()
        .tell(Join.create(Cluster.get(seed.system()).selfMember().address()));
    TestProbe<Object> probe = node.createTestProbe();
    probe.awaitAssert(
        DEADLINE,
        () -> {
          assertEquals(MemberStatus.up(), Cluster.get(node.system()).selfMember().status());
          return null;
        });
  }

  private static void awaitInForce(ActorTestKit node, FraudRuleSync sync, VersionedFraudRule rule) {
    node.createTestProbe()
        .awaitAssert(
            DEADLINE,
            () -> {
              assertEquals(rule, sync.current().get());
              return null;
            });
  }

  @Test
  void storedRuleWinsOverTheDefaultsAtStart() throws Exception {
    FraudSettings stored = new FraudSettings(300_000, 2, 60_000);
    new JdbcFraudRuleStore(db.dataSource(), db.executor()).save(stored).toCompletableFuture().get();

    FraudRuleSync node = sync(system(), NEVER);

    assertEquals(new VersionedFraudRule(1, stored), node.current().get());
  }

  @Test
  void withoutStoredRuleTheDefaultsApply() {
    assertEquals(VersionedFraudRule.unstored(DEFAULTS), sync(system(), NEVER).current().get());
  }

  @Test
  void oneChangeIsInForceHereAtOnceAndReachesTheOtherNode() throws Exception {
    ActorTestKit first = system();
    ActorTestKit second = system();
    join(first, first);
    join(second, first);
    FraudRuleSync a = sync(first, NEVER);
    FraudRuleSync b = sync(second, NEVER);

    VersionedFraudRule saved =
        a.update(new FraudSettings(300_000, 2, 60_000)).toCompletableFuture().get();

    assertEquals(saved, a.current().get(), "in force where it was changed");
    awaitInForce(second, b, saved);
  }

  @Test
  void nodeJoiningAfterTheChangeGetsItByGossip() throws Exception {
    ActorTestKit first = system();
    join(first, first);
    ActorTestKit second = system();
    FraudRuleSync a = sync(first, NEVER);
    FraudRuleSync b = sync(second, NEVER);

    VersionedFraudRule saved =
        a.update(new FraudSettings(120_000, 5, 0)).toCompletableFuture().get();
    assertEquals(
        VersionedFraudRule.unstored(DEFAULTS), b.current().get(), "not in the cluster yet");
    join(second, first);

    awaitInForce(second, b, saved);
  }

  @Test
  void ruleStoredWithoutGoingThroughANodeIsPickedUpByTheReRead() throws Exception {
    ActorTestKit node = system();
    FraudRuleSync sync = sync(node, Duration.ofMillis(200));

    VersionedFraudRule saved =
        new JdbcFraudRuleStore(db.dataSource(), db.executor())
            .save(new FraudSettings(120_000, 6, 0))
            .toCompletableFuture()
            .get();

    awaitInForce(node, sync, saved);
  }

  @Test
  void olderChangeHeardLateIsIgnored() throws Exception {
    ActorTestKit node = system();
    join(node, node);
    FraudRuleSync a = sync(node, NEVER);
    VersionedFraudRule first =
        a.update(new FraudSettings(60_000, 2, 0)).toCompletableFuture().get();
    VersionedFraudRule second =
        a.update(new FraudSettings(60_000, 7, 0)).toCompletableFuture().get();

    assertTrue(first.version() < second.version());
    assertFalse(a.current().offer(first));
    assertEquals(second, a.current().get());
  }
}
