package io.tidemark.persistence.fraud;

import io.tidemark.persistence.CborSerializable;
import io.tidemark.streams.event.Transaction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The fraud state of one user (SPEC §3.3) as an event-sourced entity, sharded by the Kafka
 * partition of its userId so that it lives on the node consuming that partition. The transactions
 * pipeline asks it to {@link Process} each of the user's transactions in partition order, or
 * several consecutive ones at once with {@link ProcessAll}; it decides with the pure {@link
 * FraudRule}, persists an {@link Accepted} event for every accepted transaction (with the alerts it
 * raised; those of one command in one write) and replies {@link Processed} per transaction.
 *
 * <p>The rule's parameters are read from the node's {@link CurrentFraudRule} at every decision, so
 * a change made through the admin API applies to the next transaction without restarting the
 * entity. Recovery never decides again: the events carry the alerts and the retention horizon, so
 * the journal rebuilds the same state whatever rule is in force when it is replayed. A transaction
 * older than what the state still remembers ({@link State#retainAfterTs()}, which can be the case
 * only after the window or the lateness was enlarged) is too late: its duplicates and windows can
 * no longer be judged, and accepting it could repeat an alert.
 *
 * <p>Exactly-once output: a Kafka transaction that produced alerts may abort after the entity
 * persisted the event, and the input record is then delivered again. The state therefore keeps, for
 * every retained transaction and every one accepted from a recent offset of its partition (within
 * {@code State.REDELIVERY_SPAN}, however far event time has moved since), the source offset it was
 * accepted from and the alerts its acceptance raised: a redelivery (same offset, or an unknown one)
 * gets exactly the first reply again, so the pipeline's output is a function of the input record
 * alone; a true duplicate (the same txnId at another offset) gets {@link Outcome#DUPLICATE} without
 * alerts while the rule retains the transaction, so no alert is repeated. Both persist nothing. A
 * too-late transaction is never stored; its redelivery is too late again.
 *
 * <p>Lifecycle: started by sharding on the first command for its userId, recovered from the last
 * snapshot plus the events after it (a snapshot every {@code snapshot-every} events; all but the
 * last two snapshots deleted), stopped after {@code passivate-idle-after} without commands. The
 * entity deletes no events itself; {@link JournalCleanup} deletes those a snapshot covers. Events
 * carry no tags: the {@code fraud_alerts} table is filled from the committed {@code fraud-alerts}
 * topic, so the journal writes untagged rows in multi-row inserts.
 */
public final class UserFraud
    extends EventSourcedBehaviorWithEnforcedReplies<
        UserFraud.Command, UserFraud.Event, UserFraud.State> {

  /** A message the entity accepts. */
  public sealed interface Command extends CborSerializable {}

  /**
   * Decide on the user's next transaction and reply {@link Processed}.
   *
   * @param txn the transaction, decoded and valid; its userId is the entity's
   * @param offset the position of the record in its input partition, or {@link #NO_OFFSET}; it
   *     tells a redelivery (same offset) from a true duplicate (another offset)
   * @param replyTo receives the outcome
   */
  public record Process(Transaction txn, long offset, ActorRef<Processed> replyTo)
      implements Command {

    /** The offset of a transaction whose input position is unknown. */
    public static final long NO_OFFSET = -1L;

    public Process {
      Objects.requireNonNull(txn, "txn");
      Objects.requireNonNull(replyTo, "replyTo");
    }

    /** Without a source offset: any repeated txnId is then answered as a redelivery. */
    public Process(Transaction txn, ActorRef<Processed> replyTo) {
      this(txn, NO_OFFSET, replyTo);
    }
  }

  /**
   * Decide on several of the user's next transactions, in order, and reply {@link ProcessedAll}:
   * each item gets exactly the reply a {@link Process} of it would get after the items before it.
   * The accepted ones are persisted together in one write, so a batch costs one journal round trip
   * however many it accepts.
   *
   * @param items the transactions with their offsets, in input order; all of the entity's user
   * @param replyTo receives one reply per item, in the items' order
   */
  public record ProcessAll(List<Item> items, ActorRef<ProcessedAll> replyTo) implements Command {

    public ProcessAll {
      items = List.copyOf(items);
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /**
   * One transaction of a {@link ProcessAll}.
   *
   * @param txn the transaction, decoded and valid; its userId is the entity's
   * @param offset as {@link Process#offset()}
   */
  public record Item(Transaction txn, long offset) implements CborSerializable {

    public Item {
      Objects.requireNonNull(txn, "txn");
    }
  }

  /** Reply with a {@link StateView} of the user's current state. */
  public record GetState(ActorRef<StateView> replyTo) implements Command {}

  /** What became of a processed transaction. */
  public enum Outcome {
    /** Accepted into the user's set (or a redelivery of an accepted one); emit the alerts. */
    ACCEPTED,
    /** The txnId was accepted before from another record: ignored, counted as a duplicate. */
    DUPLICATE,
    /** Older than the user's max ts minus the allowed lateness: dead letter {@code TOO_LATE}. */
    TOO_LATE
  }

  /**
   * Reply to {@link Process}.
   *
   * @param outcome what became of the transaction
   * @param alerts the alerts to emit, in order: those its acceptance raised for {@code ACCEPTED},
   *     none otherwise
   * @param detail empty for {@code ACCEPTED}; the dead letter's detail for {@code TOO_LATE}; what
   *     it duplicates for {@code DUPLICATE}
   */
  public record Processed(Outcome outcome, List<FraudAlert> alerts, String detail)
      implements CborSerializable {

    public Processed {
      Objects.requireNonNull(outcome, "outcome");
      alerts = List.copyOf(alerts);
      Objects.requireNonNull(detail, "detail");
    }

    static Processed accepted(List<FraudAlert> alerts) {
      return new Processed(Outcome.ACCEPTED, alerts, "");
    }
  }

  /**
   * Reply to {@link ProcessAll}.
   *
   * @param replies one per item, in the items' order
   */
  public record ProcessedAll(List<Processed> replies) implements CborSerializable {

    public ProcessedAll {
      replies = List.copyOf(replies);
    }
  }

  /**
   * Reply to {@link GetState}: what the rule keeps of the user.
   *
   * @param userId the user
   * @param maxTs the largest accepted ts, {@link Long#MIN_VALUE} before the first
   * @param retained the retained transactions, by ts then txnId, with their flagged marks
   */
  public record StateView(String userId, long maxTs, List<FraudState.Retained> retained)
      implements CborSerializable {

    public StateView {
      retained = List.copyOf(retained);
    }
  }

  /** Something that happened to the user's state. */
  public sealed interface Event extends CborSerializable {}

  /**
   * Event: the rule accepted a transaction; {@code accepted} holds it, the alerts it raised and the
   * retention horizon after it.
   *
   * @param accepted the rule's event
   * @param offset the input offset it came from, or {@link Process#NO_OFFSET}
   */
  public record Accepted(TransactionAccepted accepted, long offset) implements Event {

    public Accepted {
      Objects.requireNonNull(accepted, "accepted");
    }
  }

  /**
   * How a remembered transaction was accepted: what a repeat of it is answered with.
   *
   * @param ts its event time (the rule evicts it by ts)
   * @param offset the input offset it was accepted from, or {@link Process#NO_OFFSET}
   * @param alerts the alerts its acceptance raised
   * @param forgottenAt the offset of the accepted record whose arrival made the rule forget it, or
   *     {@link Long#MAX_VALUE} while the rule retains it: a repeat from another record is a
   *     duplicate if that record came before (its first answer was), too late otherwise
   */
  public record Acceptance(long ts, long offset, List<FraudAlert> alerts, long forgottenAt) {

    public Acceptance {
      alerts = List.copyOf(alerts);
    }

    /** An acceptance the rule retains. */
    Acceptance(long ts, long offset, List<FraudAlert> alerts) {
      this(ts, offset, alerts, Long.MAX_VALUE);
    }

    /** Whether a record from {@code repeatOffset} got, or gets, its answer from this acceptance. */
    boolean answers(long repeatOffset) {
      return isFrom(repeatOffset) || repeatOffset <= forgottenAt;
    }

    /** Whether a record from {@code repeatOffset} is this acceptance's record again. */
    boolean isFrom(long repeatOffset) {
      return repeatOffset == Process.NO_OFFSET
          || offset == Process.NO_OFFSET
          || repeatOffset == offset;
    }

    /** The reply to a transaction with this txnId arriving from {@code repeatOffset}. */
    Processed repeatedFrom(long repeatOffset, String txnId) {
      if (isFrom(repeatOffset)) {
        return Processed.accepted(alerts);
      }
      return new Processed(
          Outcome.DUPLICATE,
          List.of(),
          "fraud: txnId " + txnId + " already accepted from offset " + offset);
    }
  }

  /**
   * The entity's state: the rule's state and, for its retained transactions and its recent ones,
   * how each was accepted.
   *
   * @param fraud the rule's state
   * @param acceptances by txnId: one per transaction retained in {@code fraud}, and also one per
   *     transaction the rule forgot at an offset less than {@link #REDELIVERY_SPAN} below the
   *     highest offset accepted so far. A record answered from it may still be uncommitted when the
   *     rule has long forgotten it (a backlog moves event time fast), and its redelivery must get
   *     the first answer again: its alerts, or that it was a duplicate.
   * @param retainAfterTs the highest retention horizon of the events so far: every transaction with
   *     {@code ts <= retainAfterTs} has been forgotten by the rule; {@link Long#MIN_VALUE} before
   *     the first event. Under an unchanged rule a transaction that old is too late anyway.
   */
  public record State(FraudState fraud, Map<String, Acceptance> acceptances, long retainAfterTs)
      implements CborSerializable {

    /**
     * How many offsets of its partition below the highest one it accepted an entity still answers a
     * redelivery of exactly. Far more than a partition can have processed but not committed (a few
     * batches and one commit interval), and small enough to bound a busy user's state.
     */
    static final long REDELIVERY_SPAN = 20_000;

    private static final State EMPTY = new State(FraudState.empty(), Map.of(), Long.MIN_VALUE);

    public State {
      Objects.requireNonNull(fraud, "fraud");
      acceptances = Map.copyOf(acceptances);
    }

    /** The state of a user without accepted transactions. */
    public static State empty() {
      return EMPTY;
    }

    /**
     * The state after {@code event}; evicts an acceptance once the rule has forgotten its
     * transaction at an offset more than {@link #REDELIVERY_SPAN} below the highest accepted one.
     */
    State apply(Accepted event) {
      TransactionAccepted accepted = event.accepted();
      Map<String, Acceptance> next = new HashMap<>(acceptances);
      long highest = event.offset();
      for (Acceptance a : next.values()) {
        highest = Math.max(highest, a.offset());
      }
      long recentFrom = highest - REDELIVERY_SPAN;
      // Those the rule forgets now are remembered with the offset that made it forget them ...
      next.replaceAll(
          (id, a) ->
              a.ts() <= accepted.retainAfterTs() && a.forgottenAt() == Long.MAX_VALUE
                  ? new Acceptance(a.ts(), a.offset(), a.alerts(), event.offset())
                  : a);
      // ... until every record answered from them is more than the span behind.
      next.values()
          .removeIf(
              a ->
                  a.forgottenAt() != Long.MAX_VALUE
                      && (a.offset() == Process.NO_OFFSET || a.forgottenAt() <= recentFrom));
      Transaction txn = accepted.transaction();
      if (txn.ts() > accepted.retainAfterTs()) {
        next.put(txn.txnId(), new Acceptance(txn.ts(), event.offset(), accepted.alerts()));
      }
      return new State(
          fraud.apply(accepted), next, Math.max(retainAfterTs, accepted.retainAfterTs()));
    }

    StateView view(String userId) {
      return new StateView(userId, fraud.maxTs(), fraud.retained());
    }
  }

  /** The entity type; entity ids are userIds. */
  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "UserFraud");

  /**
   * The behavior of the entity of {@code userId} with the fixed rule {@code settings.rule()},
   * outside sharding too (tests, tools).
   */
  public static Behavior<Command> create(String userId, UserFraudSettings settings) {
    return create(userId, settings, CurrentFraudRule.fixed(settings.rule()));
  }

  /**
   * The behavior of the entity of {@code userId}, deciding with the rule in force in {@code rule}
   * at each transaction ({@code settings.rule()} is then not used).
   */
  public static Behavior<Command> create(
      String userId, UserFraudSettings settings, CurrentFraudRule rule) {
    return new UserFraud(userId, settings, rule);
  }

  /** The longest persistence id the journal stores ({@code event_journal.persistence_id}). */
  static final int MAX_PERSISTENCE_ID = 255;

  /**
   * The persistence id of {@code userId}'s entity: {@code UserFraud|<userId>}, or, for a userId too
   * long for the journal's key (SPEC §1 allows 1,024 characters), {@code UserFraud#<SHA-256 of the
   * userId>}, which no short id can equal.
   */
  public static PersistenceId persistenceId(String userId) {
    String id = ENTITY_KEY.name() + PersistenceId.DefaultSeparator() + userId;
    if (id.length() <= MAX_PERSISTENCE_ID) {
      return PersistenceId.ofUniqueId(id);
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(userId.getBytes(StandardCharsets.UTF_8));
      return PersistenceId.ofUniqueId(ENTITY_KEY.name() + "#" + HexFormat.of().formatHex(hash));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  private final String userId;
  private final UserFraudSettings settings;
  private final CurrentFraudRule rule;

  private UserFraud(String userId, UserFraudSettings settings, CurrentFraudRule rule) {
    super(
        persistenceId(userId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.userId = userId;
    this.settings = settings;
    this.rule = Objects.requireNonNull(rule, "rule");
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Snapshots bound recovery; older snapshots go, events stay (JournalCleanup deletes those a
    // snapshot covers, in bulk, off the write path).
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Process.class, this::onProcess)
        .onCommand(ProcessAll.class, this::onProcessAll)
        .onCommand(GetState.class, this::onGetState)
        .build();
  }

  private ReplyEffect<Event, State> onProcess(State state, Process command) {
    UserFraudDecision.Step step =
        UserFraudDecision.decide(state, command.txn(), command.offset(), rule.settings());
    if (step.event() == null) {
      return Effect().reply(command.replyTo(), step.reply());
    }
    return Effect().persist(step.event()).thenReply(command.replyTo(), after -> step.reply());
  }

  private ReplyEffect<Event, State> onProcessAll(State state, ProcessAll command) {
    // One rule for the whole batch: it is read once, as for a single transaction.
    FraudSettings current = rule.settings();
    State next = state;
    List<Event> events = new ArrayList<>();
    List<Processed> replies = new ArrayList<>(command.items().size());
    for (Item item : command.items()) {
      UserFraudDecision.Step step =
          UserFraudDecision.decide(next, item.txn(), item.offset(), current);
      replies.add(step.reply());
      if (step.event() != null) {
        events.add(step.event());
        next = next.apply(step.event());
      }
    }
    ProcessedAll reply = new ProcessedAll(replies);
    if (events.isEmpty()) {
      return Effect().reply(command.replyTo(), reply);
    }
    return Effect().persist(events).thenReply(command.replyTo(), after -> reply);
  }

  private ReplyEffect<Event, State> onGetState(State state, GetState command) {
    return Effect().reply(command.replyTo(), state.view(userId));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onEvent(Accepted.class, State::apply).build();
  }
}
