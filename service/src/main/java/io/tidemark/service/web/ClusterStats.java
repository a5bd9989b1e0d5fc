package io.tidemark.service.web;

import io.tidemark.http.live.LiveMessage;
import io.tidemark.http.live.LiveMessage.Stats.Partition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cluster's statistics for the live feed, from the latest sample of every node: consumption,
 * rates, dead letters, entities and clients add up over the nodes; a partition is shown as its
 * owner reports it (the report with the newest watermark: a node that gave the partition up keeps
 * an older one); alerts are this node's count (every node follows every alert). A node not heard
 * from for {@code expireAfterMs} no longer counts.
 */
final class ClusterStats {

  private final long expireAfterMs;
  private final Map<String, Heard> nodes = new HashMap<>();

  ClusterStats(long expireAfterMs) {
    this.expireAfterMs = expireAfterMs;
  }

  /** Another node's sample, heard at {@code now} (this node's clock). */
  synchronized void heard(String node, LiveMessage.Stats stats, long now) {
    nodes.put(node, new Heard(stats, now));
  }

  /** Nodes counted besides this one. */
  synchronized int others(long now) {
    expire(now);
    return nodes.size();
  }

  /** This node's sample combined with the other nodes' latest ones. */
  synchronized LiveMessage.Stats combine(LiveMessage.Stats local, long now) {
    expire(now);
    Map<String, Long> consumed = new TreeMap<>(local.consumed());
    Map<String, Double> perSecond = new TreeMap<>(local.perSecond());
    Map<String, Long> deadLetters = new TreeMap<>(local.deadLetters());
    Map<List<Object>, Partition> partitions = new HashMap<>();
    local.partitions().forEach(p -> newest(partitions, p));
    long activeEntities = local.activeEntities();
    long clients = local.clients();
    for (Heard heard : nodes.values()) {
      LiveMessage.Stats other = heard.stats();
      other.consumed().forEach((k, v) -> consumed.merge(k, v, Long::sum));
      other.perSecond().forEach((k, v) -> perSecond.merge(k, v, Double::sum));
      other.deadLetters().forEach((k, v) -> deadLetters.merge(k, v, Long::sum));
      other.partitions().forEach(p -> newest(partitions, p));
      activeEntities += other.activeEntities();
      clients += other.clients();
    }
    List<Partition> sorted = new ArrayList<>(partitions.values());
    sorted.sort(Comparator.comparing(Partition::topic).thenComparingInt(Partition::partition));
    return new LiveMessage.Stats(
        local.at(),
        local.intervalMs(),
        consumed,
        perSecond,
        deadLetters,
        sorted,
        local.alerts(),
        activeEntities,
        clients);
  }

  private static void newest(Map<List<Object>, Partition> partitions, Partition p) {
    partitions.merge(
        List.of(p.topic(), p.partition()), p, (a, b) -> b.watermark() > a.watermark() ? b : a);
  }

  private void expire(long now) {
    for (Iterator<Heard> it = nodes.values().iterator(); it.hasNext(); ) {
      if (it.next().at() < now - expireAfterMs) {
        it.remove();
      }
    }
  }

  private record Heard(LiveMessage.Stats stats, long at) {}
}
