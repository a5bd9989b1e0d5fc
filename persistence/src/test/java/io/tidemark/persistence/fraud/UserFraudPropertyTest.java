package io.tidemark.persistence.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.persistence.fraud.UserFraud.Command;
import io.tidemark.persistence.fraud.UserFraud.Event;
import io.tidemark.persistence.fraud.UserFraud.Outcome;
import io.tidemark.persistence.fraud.UserFraud.Process;
import io.tidemark.persistence.fraud.UserFraud.Processed;
import io.tidemark.persistence.fraud.UserFraud.State;
import io.tidemark.streams.event.Transaction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/**
 * The entity against the pure rule run in a plain loop (itself checked against brute force in
 * {@link FraudRulePropertyTest}), on random delivery sequences of one user's partition: disorder,
 * too-late transactions, redeliveries of earlier records, true duplicates from other records, and
 * restarts of the entity (recovery from snapshots and events) in between. The replies must be the
 * model's, and every flagged transaction must be alerted exactly once over the first deliveries.
 */
class UserFraudPropertyTest {

  private static final long T0 = 1_732_300_000_000L;
  private static final String[] COUNTRIES = {"DE", "FR", "IT", "ES", "PL"};
  private static final AtomicInteger USERS = new AtomicInteger();
  private static ActorTestKit testKit;

  @BeforeContainer
  static void startActorSystem() {
    testKit = ActorTestKit.create("UserFraudPropertyTest", EventSourcedBehaviorTestKit.config());
  }

  @AfterContainer
  static void stopActorSystem() {
    testKit.shutdownTestKit();
  }

  /** What the partition does next. */
  sealed interface Step {}

  /** A new record with a new transaction. */
  record Deliver(Transaction txn) implements Step {}

  /** The record at {@code index} among the earlier records is delivered again. */
  record Redeliver(int index) implements Step {}

  /** A new record repeating the transaction of the earlier record at {@code index}. */
  record Duplicate(int index) implements Step {}

  /** The entity stops and recovers. */
  record Restart() implements Step {}

  record History(int snapshotEvery, List<Step> steps) {}

  @Property(tries = 50)
  void entityAnswersAsTheRuleAndAlertsOnce(@ForAll("histories") History history) {
    String userId = "u-" + USERS.incrementAndGet();
    UserFraudSettings settings =
        UserFraudSettings.defaults().withSnapshotEvery(history.snapshotEvery());
    EventSourcedBehaviorTestKit<Command, Event, State> kit =
        EventSourcedBehaviorTestKit.create(testKit.system(), UserFraud.create(userId, settings));
    Model model = new Model(settings.rule());
    List<Transaction> records = new ArrayList<>();
    List<String> alerted = new ArrayList<>();

    for (Step step : history.steps()) {
      Statistics.label("steps").collect(step.getClass().getSimpleName());
      if (step instanceof Restart) {
        assertEquals(kit.getState(), kit.restart().state(), "recovered state");
        continue;
      }
      int offset;
      Transaction txn;
      if (step instanceof Deliver deliver) {
        txn = withUser(deliver.txn(), userId);
        offset = records.size();
        records.add(txn);
      } else if (step instanceof Redeliver redeliver) {
        offset = redeliver.index() % records.size();
        txn = records.get(offset);
      } else {
        txn = records.get(((Duplicate) step).index() % records.size());
        offset = records.size();
        records.add(txn);
      }
      boolean firstDelivery = offset == records.size() - 1 && !(step instanceof Redeliver);
      Processed expected = model.process(txn, offset);
      var result = kit.<Processed>runCommand(replyTo -> new Process(txn, offset, replyTo));

      assertEquals(expected, result.reply(), () -> step + " of " + txn);
      assertEquals(
          firstDelivery && expected.outcome() == Outcome.ACCEPTED ? 1 : 0,
          result.events().size(),
          "events persisted");
      assertEquals(model.state, result.state().fraud(), "rule state");
      // Every accepted transaction is remembered for its redelivery (offsets here are all recent),
      // the retained ones among them.
      assertEquals(
          model.acceptedFrom.keySet(), result.state().acceptances().keySet(), "acceptances");
      assertTrue(result.state().acceptances().keySet().containsAll(retainedIds(model.state)));
      if (firstDelivery) {
        result.reply().alerts().forEach(alert -> alerted.add(alert.alertId()));
      }
      Statistics.label("replies")
          .collect(result.reply().outcome(), !result.reply().alerts().isEmpty() ? "alerts" : "");
    }

    assertEquals(alerted.size(), new HashSet<>(alerted).size(), "no transaction alerted twice");
    assertEquals(model.flagged, new HashSet<>(alerted), "every flagged transaction alerted");
  }

  /** The rule in a loop, with the redelivery semantics of SPEC §4.2 spelt out plainly. */
  private static final class Model {
    final FraudSettings settings;
    FraudState state = FraudState.empty();
    final Map<String, Integer> acceptedFrom = new HashMap<>();
    final Map<String, List<FraudAlert>> raised = new HashMap<>();
    final Map<Integer, Processed> duplicates = new HashMap<>();
    final Set<String> flagged = new HashSet<>();

    Model(FraudSettings settings) {
      this.settings = settings;
    }

    Processed process(Transaction txn, int offset) {
      // A record accepted before is answered as the first time, even once the rule forgot it.
      Integer from = acceptedFrom.get(txn.txnId());
      if (from != null && from == offset) {
        return Processed.accepted(raised.get(txn.txnId()));
      }
      // A record answered as a duplicate is one again, even once the rule forgot the original.
      if (duplicates.containsKey(offset)) {
        return duplicates.get(offset);
      }
      Decision decision = FraudRule.decide(state, txn, settings);
      if (decision instanceof Decision.Duplicate) {
        Processed duplicate =
            new Processed(
                Outcome.DUPLICATE,
                List.of(),
                "fraud: txnId "
                    + txn.txnId()
                    + " already accepted from offset "
                    + acceptedFrom.get(txn.txnId()));
        duplicates.put(offset, duplicate);
        return duplicate;
      }
      if (decision instanceof Decision.TooLate tooLate) {
        return new Processed(Outcome.TOO_LATE, List.of(), tooLate.detail());
      }
      Decision.Accepted accepted = (Decision.Accepted) decision;
      state = state.apply(accepted.event());
      acceptedFrom.put(txn.txnId(), offset);
      raised.put(txn.txnId(), accepted.alerts());
      accepted.alerts().forEach(alert -> flagged.add(alert.txnId()));
      return Processed.accepted(accepted.alerts());
    }
  }

  private static Set<String> retainedIds(FraudState state) {
    Set<String> ids = new HashSet<>();
    state.retained().forEach(r -> ids.add(r.txnId()));
    return ids;
  }

  static Transaction withUser(Transaction txn, String userId) {
    return new Transaction(
        txn.txnId(), userId, txn.amount(), txn.currency(), txn.country(), txn.ts());
  }

  @Provide
  Arbitrary<History> histories() {
    // Per step: a kind (mostly new transactions), a ts jitter of -10 to +2 minutes around a clock
    // that advances a minute per new transaction (so some arrive too late), a country, an index.
    Arbitrary<int[]> draws =
        Combinators.combine(
                Arbitraries.integers().between(0, 9),
                Arbitraries.integers().between(-600, 120),
                Arbitraries.integers().between(0, COUNTRIES.length - 1),
                Arbitraries.integers().between(0, 1_000))
            .as((kind, jitter, country, index) -> new int[] {kind, jitter, country, index});
    return Combinators.combine(
            Arbitraries.integers().between(1, 5), draws.list().ofMinSize(1).ofMaxSize(40))
        .as(UserFraudPropertyTest::history);
  }

  static History history(int snapshotEvery, List<int[]> draws) {
    List<Step> steps = new ArrayList<>();
    int txns = 0;
    for (int[] draw : draws) {
      int kind = draw[0];
      if (txns == 0 || kind < 6) {
        long ts = T0 + txns * 60_000L + draw[1] * 1_000L;
        steps.add(
            new Deliver(new Transaction("t-" + txns, "", 1.0, "EUR", COUNTRIES[draw[2]], ts)));
        txns++;
      } else if (kind < 8) {
        steps.add(new Redeliver(draw[3]));
      } else if (kind == 8) {
        steps.add(new Duplicate(draw[3]));
      } else {
        steps.add(new Restart());
      }
    }
    return new History(snapshotEvery, steps);
  }
}
