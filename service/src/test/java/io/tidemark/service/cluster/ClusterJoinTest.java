package io.tidemark.service.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tidemark.service.cluster.ClusterJoinSettings.Method;
import java.util.List;
import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.Test;

class ClusterJoinTest {

  private static Config cluster(String join, String seeds) {
    return ConfigFactory.parseString(
        "tidemark.cluster { join = \"" + join + "\", seed-nodes = \"" + seeds + "\" }");
  }

  @Test
  void noSeedNodesMeansJoiningItself() {
    ClusterJoinSettings settings = ClusterJoinSettings.create(cluster("seed-nodes", ""));
    assertEquals(Method.SEED_NODES, settings.method());
    assertTrue(settings.seedNodes().isEmpty());
  }

  @Test
  void seedNodesAreCommaSeparatedAddresses() {
    var config =
        cluster("seed-nodes", "pekko://tidemark@10.0.0.1:25520, pekko://tidemark@10.0.0.2:25520 ");
    assertEquals(
        List.of(
            new Address("pekko", "tidemark", "10.0.0.1", 25520),
            new Address("pekko", "tidemark", "10.0.0.2", 25520)),
        ClusterJoinSettings.create(config).seedNodes());
  }

  @Test
  void bootstrapIsChosenByName() {
    assertEquals(Method.BOOTSTRAP, ClusterJoinSettings.create(cluster(" Bootstrap", "")).method());
  }

  @Test
  void bootstrapWithSeedNodesIsRejected() {
    var config = cluster("bootstrap", "pekko://tidemark@10.0.0.1:25520");
    var e = assertThrows(IllegalArgumentException.class, () -> ClusterJoinSettings.create(config));
    assertTrue(e.getMessage().contains("PEKKO_SEED_NODES"), e.getMessage());
  }

  @Test
  void unknownJoinMethodIsRejected() {
    var config = cluster("dns", "");
    var e = assertThrows(IllegalArgumentException.class, () -> ClusterJoinSettings.create(config));
    assertTrue(e.getMessage().contains("'dns'"), e.getMessage());
  }

  @Test
  void serviceConfigurationFormsAClusterWithSplitBrainResolver() {
    var config = ConfigFactory.load();
    assertEquals("cluster", config.getString("pekko.actor.provider"));
    assertEquals(
        "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider",
        config.getString("pekko.cluster.downing-provider-class"));
    assertEquals("127.0.0.1", config.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals(Method.SEED_NODES, ClusterJoinSettings.create(config).method());
  }

  @Test
  void bootstrapDefaultsFindThePodsLabelledWithTheServiceNameThroughTheKubernetesApi() {
    var config = ConfigFactory.load();
    var discovery = config.getConfig("pekko.management.cluster.bootstrap.contact-point-discovery");
    assertEquals("kubernetes-api", discovery.getString("discovery-method"));
    assertEquals("tidemark", discovery.getString("service-name"));
    assertEquals(2, discovery.getInt("required-contact-point-nr"));
    assertEquals("app=%s", config.getString("pekko.discovery.kubernetes-api.pod-label-selector"));
    assertEquals(8558, config.getInt("pekko.management.http.port"));
    // the other nodes reach the management endpoint where they reach remoting
    assertEquals(
        config.getString("pekko.remote.artery.canonical.hostname"),
        config.getString("pekko.management.http.hostname"));
  }
}
