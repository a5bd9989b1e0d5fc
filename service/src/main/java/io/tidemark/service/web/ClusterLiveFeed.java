package io.tidemark.service.web;

import io.tidemark.http.live.LiveHub;
import io.tidemark.http.live.LiveStats;
import io.tidemark.service.pipeline.LiveUpdates;
import io.tidemark.service.web.LiveTopic.PartitionWindow;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * The live feed across the cluster (DESIGN "Scaling out"): one computation fanned out to every
 * client of every node. Each node consumes some of the input partitions; every flush interval it
 * publishes the latest window results of its partitions to the distributed pub-sub topic {@link
 * LiveTopic#NAME}, and every stats interval its own statistics. Every node subscribes and feeds all
 * partitions' results into its {@link LiveWindowFeed}, which combines them by partition (so a
 * partition that moved to another node is counted once: its new owner's value replaces the old) and
 * publishes to the node's hub; the statistics of all nodes are combined by {@link ClusterStats}. On
 * a single node the topic delivers locally, without serialization.
 */
public final class ClusterLiveFeed {

  /** Most windows in one topic message. */
  static final int WINDOWS_PER_MESSAGE = 500;

  /**
   * Most bytes of one topic message, an estimate of its serialized size: well below Artery's
   * default 256 KiB frame, which drops a larger message, whatever the length of the page keys.
   */
  static final int MESSAGE_BYTES = 64 * 1024;

  /** Serialized bytes of one window besides its key's text (an upper estimate). */
  private static final int WINDOW_BYTES = 96;

  private final ActorSystem<?> system;
  private final String node;
  private final LiveHub hub;
  private final LiveStats stats;
  private final Clock clock;
  private final PartitionWindows local;
  private final LiveWindowFeed windows;
  private final ClusterStats cluster;
  private final ActorRef<Topic.Command<LiveTopic>> topic;
  private final List<Cancellable> timers;

  private ClusterLiveFeed(
      ActorSystem<?> system,
      LiveHub hub,
      LiveStats stats,
      int maxPerFlush,
      long maxBytes,
      Duration flushInterval,
      Duration statsInterval) {
    this.system = system;
    this.local = new PartitionWindows(maxBytes);
    this.node = system.address().toString();
    this.hub = hub;
    this.stats = stats;
    this.clock = Clock.systemUTC();
    this.windows = new LiveWindowFeed(hub, maxPerFlush, maxBytes);
    this.cluster = new ClusterStats(3 * statsInterval.toMillis());
    this.topic =
        system.systemActorOf(
            Topic.create(LiveTopic.class, LiveTopic.NAME), "live-topic", Props.empty());
    system.systemActorOf(subscriber(), "live-subscriber", Props.empty());
    var classic = system.classicSystem();
    this.timers =
        List.of(
            classic
                .scheduler()
                .scheduleAtFixedRate(
                    flushInterval, flushInterval, this::flush, classic.dispatcher()),
            classic
                .scheduler()
                .scheduleAtFixedRate(
                    statsInterval, statsInterval, this::publishStats, classic.dispatcher()));
  }

  /**
   * Joins the live topic and starts publishing to it and to {@code hub}.
   *
   * @param stats samples this node's statistics
   * @param maxPerFlush most window messages one flush sends the clients
   * @param flushInterval how often window results are published, and sent to the clients
   * @param statsInterval how often the statistics are
   */
  public static ClusterLiveFeed start(
      ActorSystem<?> system,
      LiveHub hub,
      LiveStats stats,
      int maxPerFlush,
      Duration flushInterval,
      Duration statsInterval) {
    return start(
        system,
        hub,
        stats,
        maxPerFlush,
        LiveWindowFeed.DEFAULT_MAX_BYTES,
        flushInterval,
        statsInterval);
  }

  /**
   * Joins the live topic and starts publishing to it and to {@code hub}, the windows it keeps
   * bounded by {@code maxBytes} (each of: this node's changed windows, the combined windows).
   */
  public static ClusterLiveFeed start(
      ActorSystem<?> system,
      LiveHub hub,
      LiveStats stats,
      int maxPerFlush,
      long maxBytes,
      Duration flushInterval,
      Duration statsInterval) {
    return new ClusterLiveFeed(
        system, hub, stats, maxPerFlush, maxBytes, flushInterval, statsInterval);
  }

  /** Window updates of this node's partitions dropped because the windows waiting were full. */
  public long droppedUpdates() {
    return local.dropped();
  }

  /** Where this node's pipelines send their window results. */
  public LiveUpdates liveUpdates() {
    return local;
  }

  /** The combination of every node's window results this node's clients are sent. */
  public LiveWindowFeed windows() {
    return windows;
  }

  /** Other nodes whose statistics count now. */
  public int nodesHeard() {
    return cluster.others(clock.millis());
  }

  /** The topic's view of the cluster: subscribers here, topic instances known (this one too). */
  CompletionStage<Topic.TopicStats> topicStats(Duration timeout) {
    return AskPattern.ask(topic, Topic::getTopicStats, timeout, system.scheduler());
  }

  /** Stops publishing; the topic and its subscriber stop with the actor system. */
  public void stop() {
    timers.forEach(Cancellable::cancel);
  }

  /** Publishes this node's changed windows to the cluster, then the combined ones to the hub. */
  private void flush() {
    for (List<PartitionWindow> part : messages(local.drain())) {
      topic.tell(Topic.publish(new LiveTopic.Windows(node, part)));
    }
    windows.flush();
  }

  /**
   * The windows in order, cut into topic messages of at most {@link #WINDOWS_PER_MESSAGE} windows
   * and {@link #MESSAGE_BYTES} bytes (a window longer than that alone goes alone).
   */
  static List<List<PartitionWindow>> messages(List<PartitionWindow> windows) {
    List<List<PartitionWindow>> messages = new ArrayList<>();
    int from = 0;
    long bytes = 0;
    for (int i = 0; i < windows.size(); i++) {
      PartitionWindow window = windows.get(i);
      long size = WINDOW_BYTES + 3L * (window.key().length() + window.computation().length());
      if (i > from && (i - from == WINDOWS_PER_MESSAGE || bytes + size > MESSAGE_BYTES)) {
        messages.add(windows.subList(from, i));
        from = i;
        bytes = 0;
      }
      bytes += size;
    }
    if (from < windows.size()) {
      messages.add(windows.subList(from, windows.size()));
    }
    return messages;
  }

  /** Publishes this node's statistics to the cluster, and the cluster's to the hub. */
  private void publishStats() {
    var sample = stats.sample();
    topic.tell(Topic.publish(new LiveTopic.NodeStats(node, sample)));
    hub.publish(cluster.combine(sample, clock.millis()));
  }

  private Behavior<LiveTopic> subscriber() {
    return Behaviors.setup(
        context -> {
          topic.tell(Topic.subscribe(context.getSelf()));
          return Behaviors.receive(LiveTopic.class)
              .onMessage(LiveTopic.Windows.class, this::onWindows)
              .onMessage(LiveTopic.NodeStats.class, this::onStats)
              .build();
        });
  }

  private Behavior<LiveTopic> onWindows(LiveTopic.Windows message) {
    for (PartitionWindow window : message.windows()) {
      windows.accept(window.partition(), window.result());
    }
    return Behaviors.same();
  }

  private Behavior<LiveTopic> onStats(LiveTopic.NodeStats message) {
    // this node's own sample is combined directly, when it is taken
    if (!message.node().equals(node)) {
      cluster.heard(message.node(), message.stats(), clock.millis());
    }
    return Behaviors.same();
  }

  @Override
  public String toString() {
    return "ClusterLiveFeed(" + node + " on " + system.name() + ")";
  }
}
