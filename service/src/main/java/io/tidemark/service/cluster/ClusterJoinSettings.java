package io.tidemark.service.cluster;

import com.typesafe.config.Config;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;

/**
 * How a node joins its cluster ({@code tidemark.cluster}, {@code PEKKO_CLUSTER_JOIN}, {@code
 * PEKKO_SEED_NODES}).
 *
 * @param method seed nodes (or itself) or cluster bootstrap
 * @param seedNodes the seed node addresses; empty when the node joins itself or bootstraps
 */
public record ClusterJoinSettings(Method method, List<Address> seedNodes) {

  /** The ways a node joins. */
  public enum Method {
    /** Joins the seed nodes, or itself when there are none. */
    SEED_NODES("seed-nodes"),
    /** Pekko Management cluster bootstrap through service discovery. */
    BOOTSTRAP("bootstrap");

    private final String key;

    Method(String key) {
      this.key = key;
    }

    /** The method named {@code key} in the configuration. */
    public static Method of(String key) {
      String k = key.trim().toLowerCase(Locale.ROOT);
      return Arrays.stream(values())
          .filter(m -> m.key.equals(k))
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "tidemark.cluster.join must be seed-nodes or bootstrap, not '" + key + "'"));
    }

    @Override
    public String toString() {
      return key;
    }
  }

  public ClusterJoinSettings {
    seedNodes = List.copyOf(seedNodes);
    if (method == Method.BOOTSTRAP && !seedNodes.isEmpty()) {
      throw new IllegalArgumentException(
          "tidemark.cluster.join = bootstrap finds the nodes itself: leave seed-nodes"
              + " (PEKKO_SEED_NODES) empty, got "
              + seedNodes);
    }
  }

  /** Reads {@code tidemark.cluster}. */
  public static ClusterJoinSettings create(Config config) {
    Config cluster = config.getConfig("tidemark.cluster");
    return new ClusterJoinSettings(
        Method.of(cluster.getString("join")), parseSeedNodes(cluster.getString("seed-nodes")));
  }

  private static List<Address> parseSeedNodes(String value) {
    return Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .map(AddressFromURIString::parse)
        .toList();
  }
}
