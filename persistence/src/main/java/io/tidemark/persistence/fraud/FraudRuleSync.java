package io.tidemark.persistence.fraud;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWRegister;
import org.apache.pekko.cluster.ddata.LWWRegisterKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;

/**
 * Keeps this node's {@link CurrentFraudRule} in step with the stored rule and with the other nodes
 * of the cluster. A change ({@link #update}) is stored first (the database is the source of truth
 * and gives it the next version), put in force here, then written to a replicated register of Pekko
 * Distributed Data (key {@value #KEY}) with {@code WriteAll}: the nodes reachable now get it at
 * once, and gossip brings it to every node that was unreachable or joined later. The register's
 * clock is the rule's version, so merging two replicas keeps the later change. Every node's sync
 * actor subscribes to the register and puts what it hears in force. As a last safety net (a cluster
 * that was split while the database changed), each node also reads the stored rule at start-up and
 * again every {@code refresh} interval. Only newer versions are put in force, so the order in which
 * the register and the re-reads deliver does not matter.
 *
 * <p>Lifecycle: {@link #start} reads the stored rule once (blocking) and spawns the actor as a
 * system actor; it stops with the actor system. Needs the cluster actor provider.
 */
public final class FraudRuleSync {

  /** The id of the replicated register holding the latest stored rule. */
  public static final String KEY = "tidemark-fraud-rule";

  /** Configuration key of the re-read interval. */
  public static final String REFRESH_PATH = "tidemark.fraud.rule-refresh";

  /** How long a change waits for every reachable node to acknowledge it; gossip goes on after. */
  static final Duration WRITE_ALL_TIMEOUT = Duration.ofSeconds(3);

  private static final Key<LWWRegister<VersionedFraudRule>> REGISTER = LWWRegisterKey.create(KEY);

  /** Merging replicas keeps the rule with the higher version: its version is its timestamp. */
  private static final LWWRegister.Clock<VersionedFraudRule> VERSION_CLOCK =
      (currentTimestamp, rule) -> rule.version();

  /** A message of the sync actor. */
  public sealed interface Command {}

  /** Local: this node stored {@code rule}; tell the others. */
  private record Publish(VersionedFraudRule rule) implements Command {}

  /** The register changed (here or by gossip). */
  private record Replicated(Replicator.SubscribeResponse<LWWRegister<VersionedFraudRule>> response)
      implements Command {}

  /** How the write of a change went; the change is local at least. */
  private record Written(
      VersionedFraudRule rule, Replicator.UpdateResponse<LWWRegister<VersionedFraudRule>> response)
      implements Command {}

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
    store.load().toCompletableFuture().join().ifPresent(current::offer);
    system.log().info("Fraud rule in force: {}", current.get());
    ActorRef<Command> actor =
        system.systemActorOf(create(store, current, refresh), "fraud-rule-sync", Props.empty());
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
   * Stores {@code settings} as the next version, puts it in force here and replicates it to the
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

  /** The sync actor: subscribes to the register, writes local changes, re-reads on a timer. */
  static Behavior<Command> create(
      FraudRuleStore store, CurrentFraudRule current, Duration refresh) {
    return Behaviors.setup(
        context ->
            DistributedData.<Command, LWWRegister<VersionedFraudRule>>withReplicatorMessageAdapter(
                replicator ->
                    Behaviors.withTimers(
                        timers -> {
                          replicator.subscribe(REGISTER, Replicated::new);
                          timers.startTimerWithFixedDelay(Refresh.INSTANCE, refresh);
                          SelfUniqueAddress self =
                              DistributedData.get(context.getSystem()).selfUniqueAddress();
                          return new Actor(context, store, current, replicator, self).receive();
                        })));
  }

  private static final class Actor {
    private final ActorContext<Command> context;
    private final FraudRuleStore store;
    private final CurrentFraudRule current;
    private final ReplicatorMessageAdapter<Command, LWWRegister<VersionedFraudRule>> replicator;
    private final SelfUniqueAddress self;

    Actor(
        ActorContext<Command> context,
        FraudRuleStore store,
        CurrentFraudRule current,
        ReplicatorMessageAdapter<Command, LWWRegister<VersionedFraudRule>> replicator,
        SelfUniqueAddress self) {
      this.context = context;
      this.store = store;
      this.current = current;
      this.replicator = replicator;
      this.self = self;
    }

    Behavior<Command> receive() {
      return Behaviors.receive(Command.class)
          .onMessage(Publish.class, this::onPublish)
          .onMessage(Written.class, this::onWritten)
          .onMessage(Replicated.class, this::onReplicated)
          .onMessage(Refresh.class, this::onRefresh)
          .onMessage(Loaded.class, this::onLoaded)
          .build();
    }

    private Behavior<Command> onPublish(Publish publish) {
      VersionedFraudRule rule = publish.rule();
      replicator.askUpdate(
          replyTo ->
              new Replicator.Update<>(
                  REGISTER,
                  LWWRegister.create(self, rule, VERSION_CLOCK),
                  new Replicator.WriteAll(WRITE_ALL_TIMEOUT),
                  replyTo,
                  register ->
                      rule.isNewerThan(register.getValue())
                          ? register.withValue(self, rule, VERSION_CLOCK)
                          : register),
          response -> new Written(rule, response));
      return Behaviors.same();
    }

    private Behavior<Command> onWritten(Written written) {
      if (written.response() instanceof Replicator.UpdateSuccess) {
        context.getLog().debug("Fraud rule version {} on every node", written.rule().version());
      } else {
        context
            .getLog()
            .info(
                "Fraud rule version {} not acknowledged by every node within {} ({}): gossip"
                    + " carries it on",
                written.rule().version(),
                WRITE_ALL_TIMEOUT,
                written.response().getClass().getSimpleName());
      }
      return Behaviors.same();
    }

    private Behavior<Command> onReplicated(Replicated replicated) {
      if (replicated.response() instanceof Replicator.Changed<LWWRegister<VersionedFraudRule>> c) {
        offer(c.get(REGISTER).getValue(), "cluster");
      }
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
