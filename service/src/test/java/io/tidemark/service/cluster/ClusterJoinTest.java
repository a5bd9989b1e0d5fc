package io.tidemark.service.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.Test;

class ClusterJoinTest {

  @Test
  void noSeedNodesMeansJoiningItself() {
    var config = ConfigFactory.parseString("tidemark.cluster.seed-nodes = \"\"");
    assertTrue(ClusterJoin.seedNodes(config).isEmpty());
  }

  @Test
  void seedNodesAreCommaSeparatedAddresses() {
    var config =
        ConfigFactory.parseString(
            "tidemark.cluster.seed-nodes = \"pekko://tidemark@10.0.0.1:25520,"
                + " pekko://tidemark@10.0.0.2:25520 \"");
    assertEquals(
        List.of(
            new Address("pekko", "tidemark", "10.0.0.1", 25520),
            new Address("pekko", "tidemark", "10.0.0.2", 25520)),
        ClusterJoin.seedNodes(config));
  }

  @Test
  void serviceConfigurationFormsAClusterWithSplitBrainResolver() {
    var config = ConfigFactory.load();
    assertEquals("cluster", config.getString("pekko.actor.provider"));
    assertEquals(
        "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider",
        config.getString("pekko.cluster.downing-provider-class"));
    assertEquals("127.0.0.1", config.getString("pekko.remote.artery.canonical.hostname"));
  }
}
