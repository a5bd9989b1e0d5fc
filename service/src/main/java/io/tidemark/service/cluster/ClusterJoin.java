package io.tidemark.service.cluster;

import com.typesafe.config.Config;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;

/**
 * Makes the service's actor system a cluster member, as {@link ClusterJoinSettings} says: with
 * {@code seed-nodes} it joins the configured seed nodes ({@code PEKKO_SEED_NODES}, comma-separated
 * {@code pekko://tidemark@host:port}) or, without any, itself, a one-node cluster, which is what
 * {@code run} and {@code demo} on one JVM need; with {@code bootstrap} it starts Pekko Management
 * (HTTP on {@code pekko.management.http}) and cluster bootstrap, which finds the other nodes
 * through service discovery (the Kubernetes API on Kubernetes) and joins or forms the cluster with
 * them: the node joins nothing itself (and stops if the management endpoint cannot bind). Called
 * once, at start; the management endpoint stops with the actor system.
 */
public final class ClusterJoin {

  private ClusterJoin() {}

  /** Joins as configured in {@code tidemark.cluster}. */
  public static void join(ActorSystem<?> system) {
    ClusterJoinSettings settings = ClusterJoinSettings.create(system.settings().config());
    switch (settings.method()) {
      case SEED_NODES -> joinSeedNodes(system, settings.seedNodes());
      case BOOTSTRAP -> bootstrap(system);
    }
  }

  private static void joinSeedNodes(ActorSystem<?> system, List<Address> seeds) {
    Cluster cluster = Cluster.get(system);
    if (seeds.isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    } else {
      system.log().info("Joining cluster through seed nodes {}", seeds);
      cluster.manager().tell(new JoinSeedNodes(seeds));
    }
  }

  private static void bootstrap(ActorSystem<?> system) {
    Config discovery =
        system
            .settings()
            .config()
            .getConfig("pekko.management.cluster.bootstrap.contact-point-discovery");
    PekkoManagement management = PekkoManagement.get(system);
    management
        .start()
        .whenComplete(
            (uri, failure) -> {
              if (failure == null) {
                system.log().info("Pekko Management on {}", uri);
              } else {
                // without its endpoint the node can never join: stop rather than stay unready
                system.log().error("Pekko Management did not start; stopping", failure);
                CoordinatedShutdown.get(system)
                    .run(CoordinatedShutdown.clusterJoinUnsuccessfulReason());
              }
            });
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "stop-pekko-management",
            () -> management.stop().exceptionally(notBound -> Done.getInstance()));
    system
        .log()
        .info(
            "Joining cluster through cluster bootstrap: service '{}' by {}, {} contact points"
                + " to form a new cluster",
            discovery.getString("service-name"),
            discovery.getString("discovery-method"),
            discovery.getInt("required-contact-point-nr"));
    ClusterBootstrap.get(system).start();
  }
}
