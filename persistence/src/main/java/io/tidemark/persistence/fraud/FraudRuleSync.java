package io.tidemark.persistence.fraud;

import com.typesafe.config.Config;
import io.tidemark.persistence.CborSerializable;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * Keeps this node's {@link CurrentFraudRule} in step with the stored rule and with the other nodes
 * of the cluster. A change ({@link #update}) is stored first (the database is the source of truth
 * and gives it the next version), put in force here, then published over Pekko distributed pub-sub
 * (topic {@value #TOPIC}); every node's sync actor puts what it hears in force. As a safety net for
 * a message that never arrived (a node that joined later, a partition), each node also reads the
 * stored rule at start-up and again every {@code refresh} interval. Only newer versions are put in
 * force, so the order in which pub-sub and the re-reads deliver does not matter.
 *
 * <p>Lifecycle: {@link #start} reads the stored rule once (blocking) and spawns the actor as a
 * system actor; it stops with the actor system.
 */
public final class FraudRuleSync {

  /** The pub-sub topic of rule changes. */
  public static final String TOPIC = "tidemark-fraud-rule";

  /** Configuration key of the re-read interval. */
  public static final String REFRESH_PATH = "tidemark.fraud.rule-refresh";

  /** A message of the sync actor. */
  public sealed interface Command {}

  /** Over pub-sub: a node stored this rule. */
  public record RuleChanged(VersionedFraudRule rule) implements Command, CborSerializable {

    public RuleChanged {
      Objects.requireNonNull(rule, "rule");
    }
  }

  /** Local: this node stored {@code rule}; tell the others. */
  private record Publish(VersionedFraudRule rule) implements Command {}

  /** Timer: read the stored rule again. */
  private enum Refresh implements Command {
    INSTANCE
  }

  /** The stored rule as read, or why it could not be. */
  private record Loaded(Optional<VersionedFraudRule> rule, Throwable failure) implements Command {}

  private final FraudRuleStore store;
  private final CurrentFraudRule current;
  private final ActorRef<Command> actor;

  private FraudRuleSync(FraudRuleStore store, CurrentFraudRule current, ActorRef<Command> actor) {
    this.store = store;
    this.current = current;
    this.actor = actor;
  }

  /**
   * Puts the stored rule, if any, in force in {@code current} (blocking: the first decision must
   * not use the configured defaults when another rule is stored) and starts the sync actor.
   *
   * @param refresh how often the stored rule is read again; positive
   */
  public static FraudRuleSync start(
      ActorSystem<?> system, FraudRuleStore store, CurrentFraudRule current, Duration refresh) {
    return start(system, store, current, refresh, "fraud-rule-sync");
  }

  /** As {@link #start(ActorSystem, FraudRuleStore, CurrentFraudRule, Duration)}, actor named. */
  static FraudRuleSync start(
      ActorSystem<?> system,
      FraudRuleStore store,
      CurrentFraudRule current,
      Duration refresh,
      String name) {
    store.load().toCompletableFuture().join().ifPresent(current::offer);
    system.log().info("Fraud rule in force: {}", current.get());
    ActorRef<Command> actor =
        system.systemActorOf(create(store, current, refresh), name, Props.empty());
    return new FraudRuleSync(store, current, actor);
  }

  /**
   * Reads {@value #REFRESH_PATH} from the application configuration (its root).
   *
   * @throws IllegalArgumentException if it is not positive
   */
  public static Duration refreshInterval(Config config) {
    Duration refresh = config.getDuration(REFRESH_PATH);
    if (refresh.isZero() || refresh.isNegative()) {
      throw new IllegalArgumentException(REFRESH_PATH + " must be positive, was " + refresh);
    }
    return refresh;
  }

  /** The rule in force on this node, as the entities read it. */
  public CurrentFraudRule current() {
    return current;
  }

  /**
   * Stores {@code settings} as the next version, puts it in force here and publishes it to the
   * other nodes; completes with the stored rule once it is in force here.
   */
  public CompletionStage<VersionedFraudRule> update(FraudSettings settings) {
    return store
        .save(settings)
        .thenApply(
            saved -> {
              current.offer(saved);
              actor.tell(new Publish(saved));
              return saved;
            });
  }

  /** The sync actor: subscribes to the topic, publishes local changes, re-reads on a timer. */
  public static Behavior<Command> create(
      FraudRuleStore store, CurrentFraudRule current, Duration refresh) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  ActorRef<Topic.Command<RuleChanged>> topic =
                      context.spawn(Topic.create(RuleChanged.class, TOPIC), "topic");
                  topic.tell(Topic.subscribe(context.getSelf().narrow()));
                  timers.startTimerWithFixedDelay(Refresh.INSTANCE, refresh);
                  return new Actor(context, store, current, topic).receive();
                }));
  }

  private static final class Actor {
    private final ActorContext<Command> context;
    private final FraudRuleStore store;
    private final CurrentFraudRule current;
    private final ActorRef<Topic.Command<RuleChanged>> topic;

    Actor(
        ActorContext<Command> context,
        FraudRuleStore store,
        CurrentFraudRule current,
        ActorRef<Topic.Command<RuleChanged>> topic) {
      this.context = context;
      this.store = store;
      this.current = current;
      this.topic = topic;
    }

    Behavior<Command> receive() {
      return Behaviors.receive(Command.class)
          .onMessage(Publish.class, this::onPublish)
          .onMessage(RuleChanged.class, this::onRuleChanged)
          .onMessage(Refresh.class, this::onRefresh)
          .onMessage(Loaded.class, this::onLoaded)
          .build();
    }

    private Behavior<Command> onPublish(Publish publish) {
      topic.tell(Topic.publish(new RuleChanged(publish.rule())));
      return Behaviors.same();
    }

    private Behavior<Command> onRuleChanged(RuleChanged changed) {
      offer(changed.rule(), "pub-sub");
      return Behaviors.same();
    }

    private Behavior<Command> onRefresh(Refresh refresh) {
      context.pipeToSelf(store.load(), Loaded::new);
      return Behaviors.same();
    }

    private Behavior<Command> onLoaded(Loaded loaded) {
      if (loaded.failure() != null) {
        context
            .getLog()
            .warn("Could not read the stored fraud rule: {}", loaded.failure().toString());
      } else {
        loaded.rule().ifPresent(rule -> offer(rule, "database"));
      }
      return Behaviors.same();
    }

    private void offer(VersionedFraudRule rule, String from) {
      if (current.offer(rule)) {
        context
            .getLog()
            .info(
                "Fraud rule version {} in force (from {}): {}",
                rule.version(),
                from,
                rule.settings());
      }
    }
  }
}
