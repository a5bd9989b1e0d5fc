package io.tidemark.persistence.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.persistence.fraud.UserFraud.Accepted;
import io.tidemark.persistence.fraud.UserFraud.Command;
import io.tidemark.persistence.fraud.UserFraud.Event;
import io.tidemark.persistence.fraud.UserFraud.Outcome;
import io.tidemark.persistence.fraud.UserFraud.Process;
import io.tidemark.persistence.fraud.UserFraud.Processed;
import io.tidemark.persistence.fraud.UserFraud.State;
import io.tidemark.persistence.fraud.UserFraud.StateView;
import io.tidemark.streams.event.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The cases of SPEC §3.3 through the {@link UserFraud} entity, with the rule's defaults (more than
 * 3 countries in 10 minutes, 5 minutes of lateness): replies, persisted events and state after each
 * command, redelivery, retention and recovery.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserFraudTest {

  @JUnit5TestKit
  ActorTestKit testKit =
      new JUnit5TestKitBuilder().withCustomConfig(EventSourcedBehaviorTestKit.config()).build();

  private static final long T0 = 1_732_300_000_000L;
  private static final long MINUTE = 60_000L;
  private static final AtomicInteger USERS = new AtomicInteger();

  /** One entity of a fresh user, with the given snapshot interval. */
  private final class User {
    final String id = "u-" + USERS.incrementAndGet();
    final EventSourcedBehaviorTestKit<Command, Event, State> kit;
    private long offset;
    private int txns;

    User(int snapshotEvery) {
      kit =
          EventSourcedBehaviorTestKit.create(
              testKit.system(),
              UserFraud.create(id, UserFraudSettings.defaults().withSnapshotEvery(snapshotEvery)));
    }

    /** An entity deciding with the rule in force in {@code rule} at each command. */
    User(CurrentFraudRule rule) {
      kit =
          EventSourcedBehaviorTestKit.create(
              testKit.system(), UserFraud.create(id, UserFraudSettings.defaults(), rule));
    }

    User() {
      this(100);
    }

    Transaction txn(String country, long ts) {
      return new Transaction(id + "-t" + ++txns, id, 10.0, "EUR", country, ts);
    }

    /** Delivers a new record holding {@code txn} (the next offset). */
    CommandResultWithReply<Command, Event, State, Processed> send(Transaction txn) {
      return send(txn, offset++);
    }

    CommandResultWithReply<Command, Event, State, Processed> send(Transaction txn, long at) {
      return kit.runCommand(replyTo -> new Process(txn, at, replyTo));
    }

    /** Delivers a new transaction that must be accepted without alerts. */
    Transaction accept(String country, long ts) {
      Transaction txn = txn(country, ts);
      var result = send(txn);
      assertEquals(Processed.accepted(List.of()), result.reply(), "reply to " + txn);
      assertEquals(txn, result.eventOfType(Accepted.class).accepted().transaction());
      return txn;
    }

    StateView view() {
      return kit.<StateView>runCommand(UserFraud.GetState::new).reply();
    }

    Set<String> retained() {
      Set<String> ids = new TreeSet<>();
      view().retained().forEach(r -> ids.add(r.txnId()));
      return ids;
    }
  }

  @Test
  void threeCountriesRaiseNoAlert() {
    User user = new User();
    user.accept("DE", T0);
    user.accept("FR", T0 + MINUTE);
    Transaction third = user.accept("IT", T0 + 2 * MINUTE);

    StateView view = user.view();
    assertEquals(third.ts(), view.maxTs());
    assertEquals(3, view.retained().size());
    assertTrue(view.retained().stream().noneMatch(FraudState.Retained::flagged));
  }

  @Test
  void fourthCountryFlagsTheArrival() {
    User user = new User();
    Transaction de = user.accept("DE", T0);
    Transaction fr = user.accept("FR", T0 + MINUTE);
    Transaction it = user.accept("IT", T0 + 2 * MINUTE);
    Transaction es = user.txn("ES", T0 + 3 * MINUTE);

    var result = user.send(es);

    FraudAlert expected =
        new FraudAlert(
            es.txnId(),
            user.id,
            es.txnId(),
            es.ts(),
            List.of("DE", "ES", "FR", "IT"),
            List.of(de.txnId(), fr.txnId(), it.txnId(), es.txnId()),
            "more-than-3-countries-in-10m",
            es.ts());
    assertEquals(Processed.accepted(List.of(expected)), result.reply());
    Accepted event = result.eventOfType(Accepted.class);
    assertEquals(List.of(expected), event.accepted().alerts());
    assertEquals(3L, event.offset());
    assertEquals(List.of(es.txnId()), flagged(result.state()));
  }

  @Test
  void transactionExactlyTenMinutesBeforeIsOutsideTheWindow() {
    User user = new User();
    user.accept("DE", T0);
    user.accept("FR", T0 + MINUTE);
    user.accept("IT", T0 + 2 * MINUTE);
    user.accept("ES", T0 + 10 * MINUTE);

    assertEquals(List.of(), flagged(user.kit.getState()));
  }

  @Test
  void transactionJustUnderTenMinutesBeforeIsInsideTheWindow() {
    User user = new User();
    user.accept("DE", T0);
    user.accept("FR", T0 + MINUTE);
    user.accept("IT", T0 + 2 * MINUTE);
    Transaction es = user.txn("ES", T0 + 10 * MINUTE - 1);

    var result = user.send(es);

    assertEquals(List.of(es.txnId()), alertIds(result.reply()));
    assertEquals(List.of("DE", "ES", "FR", "IT"), result.reply().alerts().get(0).countries());
  }

  @Test
  void lateArrivalFlagsEarlierTransaction() {
    User user = new User();
    user.accept("DE", T0);
    user.accept("FR", T0 + MINUTE);
    Transaction it = user.accept("IT", T0 + 2 * MINUTE);
    Transaction es = user.txn("ES", T0 - MINUTE);

    var result = user.send(es);

    assertEquals(List.of(it.txnId()), alertIds(result.reply()));
    FraudAlert alert = result.reply().alerts().get(0);
    assertEquals(it.ts(), alert.txnTs());
    assertEquals(es.ts(), alert.detectedAt(), "detected by the late arrival");
    assertEquals(result.reply().alerts(), result.eventOfType(Accepted.class).accepted().alerts());
    assertEquals(List.of(it.txnId()), flagged(result.state()));
  }

  @Test
  void oneArrivalCanFlagSeveralTransactions() {
    User user = new User();
    user.accept("DE", T0);
    user.accept("FR", T0 + MINUTE);
    Transaction it1 = user.accept("IT", T0 + 2 * MINUTE);
    Transaction it2 = user.accept("IT", T0 + 3 * MINUTE);
    Transaction es = user.txn("ES", T0 - MINUTE);

    var result = user.send(es);

    assertEquals(List.of(it1.txnId(), it2.txnId()), alertIds(result.reply()));
    assertEquals(List.of(it1.txnId(), it2.txnId()), flagged(result.state()));

    // Flagged transactions are never alerted again.
    Transaction pl = user.txn("PL", T0 + 4 * MINUTE);
    assertEquals(List.of(pl.txnId()), alertIds(user.send(pl).reply()));
  }

  @Test
  void redeliveryGetsTheFirstReplyAndPersistsNothing() {
    User user = new User();
    user.accept("DE", T0);
    user.accept("FR", T0 + MINUTE);
    user.accept("IT", T0 + 2 * MINUTE);
    Transaction es = user.txn("ES", T0 + 3 * MINUTE);
    var first = user.send(es, 3);
    State before = first.state();

    var again = user.send(es, 3);
    var unknownOffset = user.send(es, Process.NO_OFFSET);

    assertEquals(first.reply(), again.reply());
    assertEquals(1, again.reply().alerts().size());
    assertEquals(first.reply(), unknownOffset.reply());
    assertTrue(again.hasNoEvents());
    assertTrue(unknownOffset.hasNoEvents());
    assertEquals(before, user.kit.getState());
  }

  @Test
  void duplicateFromAnotherRecordRaisesNoAlertAgain() {
    User user = new User();
    user.accept("DE", T0);
    user.accept("FR", T0 + MINUTE);
    user.accept("IT", T0 + 2 * MINUTE);
    Transaction es = user.txn("ES", T0 + 3 * MINUTE);
    State before = user.send(es, 3).state();

    var duplicate = user.send(es, 4);

    assertEquals(Outcome.DUPLICATE, duplicate.reply().outcome());
    assertEquals(List.of(), duplicate.reply().alerts());
    assertEquals(
        "fraud: txnId " + es.txnId() + " already accepted from offset 3",
        duplicate.reply().detail());
    assertTrue(duplicate.hasNoEvents());
    assertEquals(before, duplicate.state());
  }

  @Test
  void transactionOlderThanAllowedLatenessIsTooLate() {
    User user = new User();
    user.accept("DE", T0 + 10 * MINUTE);
    user.accept("FR", T0 + 5 * MINUTE); // exactly maxTs - 5 min: still in time
    Transaction late = user.txn("IT", T0 + 5 * MINUTE - 1);
    State before = user.kit.getState();

    var result = user.send(late, 7);
    var redelivered = user.send(late, 7);

    assertEquals(Outcome.TOO_LATE, result.reply().outcome());
    assertEquals(List.of(), result.reply().alerts());
    assertEquals(
        "fraud: ts "
            + late.ts()
            + " < maxTs "
            + (T0 + 10 * MINUTE)
            + " - allowedLateness 300000 ms",
        result.reply().detail());
    assertTrue(result.hasNoEvents());
    assertEquals(result.reply(), redelivered.reply(), "a redelivery is too late again");
    assertTrue(redelivered.hasNoEvents());
    assertEquals(before, user.kit.getState());
  }

  @Test
  void retentionDropsTransactionsTheRuleNoLongerNeeds() {
    User user = new User();
    Transaction t1 = user.accept("DE", T0);
    Transaction t2 = user.accept("FR", T0 + MINUTE);
    Transaction t3 = user.accept("IT", T0 + 2 * MINUTE);
    assertEquals(Set.of(t1.txnId(), t2.txnId(), t3.txnId()), user.retained());

    // maxTs = T0 + 16 min: only ts > maxTs - 5 min - 10 min = T0 + 1 min stays.
    Transaction t4 = user.accept("ES", T0 + 16 * MINUTE);

    assertEquals(Set.of(t3.txnId(), t4.txnId()), user.retained());
    // t1 and t2 are remembered for a redelivery of their records (recent offsets) ...
    assertEquals(
        Set.of(t1.txnId(), t2.txnId(), t3.txnId(), t4.txnId()),
        user.kit.getState().acceptances().keySet());
    assertEquals(Outcome.ACCEPTED, user.send(t1, 0).reply().outcome(), "redelivery of t1");
    // ... while the same txnId from another record is judged by the rule: too late.
    assertEquals(Outcome.TOO_LATE, user.send(t1, 99).reply().outcome());
  }

  @Test
  void aDuplicateIsADuplicateAgainWhenRedeliveredAfterTheRuleForgotTheOriginal() {
    User user = new User();
    Transaction t1 = user.accept("DE", T0);
    var duplicate = user.send(t1);
    assertEquals(Outcome.DUPLICATE, duplicate.reply().outcome());
    Transaction t2 = user.accept("FR", T0 + 16 * MINUTE);
    assertEquals(Set.of(t2.txnId()), user.retained(), "the rule forgot t1");

    assertEquals(duplicate.reply(), user.send(t1, 1).reply(), "the duplicate's redelivery");
    assertEquals(Outcome.TOO_LATE, user.send(t1, 3).reply().outcome(), "a later copy");
  }

  @Test
  void aForgottenTransactionIsRememberedForRedeliveryWithinTheSpanOnly() {
    User user = new User();
    Transaction t1 = user.accept("DE", T0);
    Transaction t2 = user.accept("FR", T0 + 16 * MINUTE);
    assertEquals(Set.of(t2.txnId()), user.retained());
    assertEquals(Set.of(t1.txnId(), t2.txnId()), user.kit.getState().acceptances().keySet());

    // An acceptance from an offset more than the span below the newest one goes.
    Transaction far = user.txn("IT", T0 + 17 * MINUTE);
    user.send(far, UserFraud.State.REDELIVERY_SPAN + 1);
    assertEquals(Set.of(t2.txnId(), far.txnId()), user.kit.getState().acceptances().keySet());
    assertEquals(Outcome.TOO_LATE, user.send(t1, 0).reply().outcome());
  }

  @Test
  void recoveryRestoresStateAndReplies() {
    User user = new User(3);
    List<Transaction> txns = new ArrayList<>();
    List<Processed> replies = new ArrayList<>();
    String[] countries = {"DE", "FR", "IT", "ES", "PL", "DE", "NL"};
    for (int i = 0; i < countries.length; i++) {
      Transaction txn = user.txn(countries[i], T0 + i * MINUTE);
      txns.add(txn);
      replies.add(user.send(txn, i).reply());
    }
    State before = user.kit.getState();
    assertTrue(user.kit.snapshotTestKit().isPresent());

    State recovered = user.kit.restart().state();

    assertEquals(before, recovered);
    for (int i = 0; i < txns.size(); i++) {
      var again = user.send(txns.get(i), i);
      assertEquals(replies.get(i), again.reply(), "redelivery of " + txns.get(i));
      assertTrue(again.hasNoEvents());
    }
    assertEquals(before, user.kit.getState());
  }

  @Test
  void loweredCountryThresholdAppliesToTheNextDecision() {
    CurrentFraudRule rule = CurrentFraudRule.startingWith(FraudSettings.defaults());
    User user = new User(rule);
    Transaction de = user.accept("DE", T0);
    Transaction fr = user.accept("FR", T0 + MINUTE);
    Transaction it = user.accept("IT", T0 + 2 * MINUTE);

    assertTrue(
        rule.offer(new VersionedFraudRule(1, new FraudSettings(10 * MINUTE, 2, 5 * MINUTE))));
    Transaction nl = user.txn("NL", T0 + 3 * MINUTE);
    var result = user.send(nl);

    // Three countries were no alert under the defaults; under "more than 2" the next arrival is
    // flagged, without restarting the entity. (IT's window is not re-examined: no arrival
    // entered it since the change.)
    assertEquals(List.of(nl.txnId()), alertIds(result.reply()));
    FraudAlert alert = result.reply().alerts().get(0);
    assertEquals("more-than-2-countries-in-10m", alert.rule());
    assertEquals(List.of("DE", "FR", "IT", "NL"), alert.countries());
    assertEquals(List.of(de.txnId(), fr.txnId(), it.txnId(), nl.txnId()), alert.txnIds());
    assertEquals(result.reply().alerts(), result.eventOfType(Accepted.class).accepted().alerts());
  }

  @Test
  void raisedThresholdRaisesNoAlertForTheFourthCountry() {
    CurrentFraudRule rule = CurrentFraudRule.startingWith(FraudSettings.defaults());
    User user = new User(rule);
    user.accept("DE", T0);
    user.accept("FR", T0 + MINUTE);
    user.accept("IT", T0 + 2 * MINUTE);
    rule.offer(new VersionedFraudRule(3, new FraudSettings(10 * MINUTE, 4, 5 * MINUTE)));

    user.accept("ES", T0 + 3 * MINUTE);

    assertEquals(List.of(), flagged(user.kit.getState()));
  }

  @Test
  void recoveryUnderAnotherRuleRebuildsTheStateWithoutDecidingAgain() {
    CurrentFraudRule rule = CurrentFraudRule.startingWith(FraudSettings.defaults());
    User user = new User(rule);
    rule.offer(new VersionedFraudRule(1, new FraudSettings(10 * MINUTE, 1, 5 * MINUTE)));
    user.accept("DE", T0);
    Transaction fr = user.txn("FR", T0 + MINUTE);
    Processed flaggedFr = user.send(fr, 1).reply();
    assertEquals(List.of(fr.txnId()), alertIds(flaggedFr));
    State before = user.kit.getState();

    // Back to the defaults: replaying the journal must not decide again (it would flag nothing).
    rule.offer(new VersionedFraudRule(2, FraudSettings.defaults()));
    State recovered = user.kit.restart().state();

    assertEquals(before, recovered);
    assertEquals(List.of(fr.txnId()), flagged(recovered));
    assertEquals(flaggedFr, user.send(fr, 1).reply(), "a redelivery gets the first reply");
  }

  @Test
  void shorterWindowEvictsByTheHorizonRecordedInTheEvent() {
    CurrentFraudRule rule = CurrentFraudRule.startingWith(FraudSettings.defaults());
    User user = new User(rule);
    Transaction t1 = user.accept("DE", T0);
    Transaction t2 = user.accept("FR", T0 + 2 * MINUTE);
    rule.offer(new VersionedFraudRule(1, new FraudSettings(MINUTE, 3, 0)));

    // maxTs = T0 + 3 min: the new rule keeps only ts > maxTs - 0 - 1 min = T0 + 2 min.
    var result = user.send(user.txn("IT", T0 + 3 * MINUTE));

    assertEquals(T0 + 2 * MINUTE, result.eventOfType(Accepted.class).accepted().retainAfterTs());
    assertEquals(1, user.retained().size());
    assertTrue(result.state().acceptances().keySet().containsAll(user.retained()));
    assertEquals(T0 + 2 * MINUTE, result.state().retainAfterTs());
    // Redeliveries of their records get the first answer; the same txnIds from other records are
    // older than the state keeps: too late.
    assertEquals(Outcome.ACCEPTED, user.send(t2, 1).reply().outcome());
    assertEquals(Outcome.ACCEPTED, user.send(t1, 0).reply().outcome());
    assertEquals(Outcome.TOO_LATE, user.send(t2, 41).reply().outcome());
    assertEquals(Outcome.TOO_LATE, user.send(t1, 40).reply().outcome());
  }

  @Test
  void transactionForgottenBeforeTheLatenessGrewIsTooLate() {
    CurrentFraudRule rule = CurrentFraudRule.startingWith(FraudSettings.defaults());
    User user = new User(rule);
    Transaction t1 = user.accept("DE", T0);
    user.accept("FR", T0 + 16 * MINUTE); // horizon T0 + 1 min: t1 forgotten
    rule.offer(new VersionedFraudRule(1, new FraudSettings(10 * MINUTE, 3, 60 * MINUTE)));
    State before = user.kit.getState();

    // In time under the new lateness, but the state no longer knows t1: neither a duplicate
    // check nor its window can be judged, so it must not be accepted (and alerted) again.
    var again = user.send(t1, 5);

    assertEquals(Outcome.TOO_LATE, again.reply().outcome());
    assertTrue(again.reply().detail().contains("older than the retained transactions"));
    assertTrue(again.hasNoEvents());
    assertEquals(before, user.kit.getState());
    // Newer than the horizon and in time under the new lateness: accepted.
    user.accept("IT", T0 + MINUTE + 1);
  }

  private static List<String> flagged(State state) {
    List<String> ids = new ArrayList<>();
    state.fraud().retained().stream()
        .filter(FraudState.Retained::flagged)
        .forEach(r -> ids.add(r.txnId()));
    return ids;
  }

  private static List<String> alertIds(Processed processed) {
    assertEquals(Outcome.ACCEPTED, processed.outcome());
    List<String> ids = new ArrayList<>();
    processed.alerts().forEach(a -> ids.add(a.alertId()));
    return ids;
  }
}
