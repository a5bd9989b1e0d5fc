package io.tidemark.service.cluster;

import com.typesafe.config.Config;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;

/**
 * Makes the service's actor system a cluster member: with {@code tidemark.cluster.seed-nodes}
 * ({@code PEKKO_SEED_NODES}, comma-separated {@code pekko://tidemark@host:port}) it joins them;
 * without, it joins itself and is a one-node cluster, which is what {@code run} and {@code demo} on
 * one JVM need. Called once, at start.
 */
public final class ClusterJoin {

  private ClusterJoin() {}

  /** Joins the configured seed nodes, or itself when none are configured. */
  public static void join(ActorSystem<?> system) {
    Cluster cluster = Cluster.get(system);
    List<Address> seeds = seedNodes(system.settings().config());
    if (seeds.isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    } else {
      system.log().info("Joining cluster through seed nodes {}", seeds);
      cluster.manager().tell(new JoinSeedNodes(seeds));
    }
  }

  /** The configured seed node addresses; empty when the node forms a cluster of its own. */
  public static List<Address> seedNodes(Config config) {
    String value = config.getString("tidemark.cluster.seed-nodes");
    return Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .map(AddressFromURIString::parse)
        .toList();
  }
}
