package io.tidemark.persistence.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.tidemark.persistence.fraud.UserFraud.Accepted;
import io.tidemark.persistence.fraud.UserFraud.GetState;
import io.tidemark.persistence.fraud.UserFraud.Item;
import io.tidemark.persistence.fraud.UserFraud.Outcome;
import io.tidemark.persistence.fraud.UserFraud.Process;
import io.tidemark.persistence.fraud.UserFraud.ProcessAll;
import io.tidemark.persistence.fraud.UserFraud.Processed;
import io.tidemark.persistence.fraud.UserFraud.ProcessedAll;
import io.tidemark.persistence.fraud.UserFraud.State;
import io.tidemark.persistence.fraud.UserFraud.StateView;
import io.tidemark.streams.event.Transaction;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every command, reply, event and state of {@link UserFraud} survives Pekko serialization (bound to
 * jackson-cbor by {@code reference.conf}) and comes back equal.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserFraudSerializationTest {

  @JUnit5TestKit ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private static final long T0 = 1_732_300_000_000L;
  private static final long MINUTE = 60_000L;

  /** The events of a user whose fourth country flags a transaction, and then one more. */
  private static List<Accepted> history() {
    FraudSettings settings = FraudSettings.defaults();
    FraudState state = FraudState.empty();
    List<Accepted> events = new ArrayList<>();
    String[] countries = {"DE", "FR", "IT", "ES", "PL"};
    for (int i = 0; i < countries.length; i++) {
      Transaction txn =
          new Transaction(
              "t-" + i, "u-1", 9.99, i == 0 ? null : "EUR", countries[i], T0 + i * MINUTE);
      var decision = (Decision.Accepted) FraudRule.decide(state, txn, settings);
      state = state.apply(decision.event());
      events.add(new Accepted(decision.event(), i == 4 ? Process.NO_OFFSET : 100 + i));
    }
    return events;
  }

  private static State stateAfter(List<Accepted> events) {
    State state = State.empty();
    for (Accepted event : events) {
      state = state.apply(event);
    }
    return state;
  }

  private <T> void roundTrip(T message) {
    roundTrip(message, JacksonCborSerializer.class);
  }

  private <T> void roundTrip(T message, Class<?> serializer) {
    assertInstanceOf(
        serializer,
        SerializationExtension.get(testKit.system()).findSerializerFor(message),
        () -> "serializer of " + message.getClass());
    T back = new SerializationTestKit(testKit.system()).verifySerialization(message, true);
    assertEquals(message, back);
  }

  @Test
  void processRoundTrips() {
    Transaction txn = new Transaction("t-1", "u-1", 12.5, "EUR", "DE", T0);
    var probe = testKit.<Processed>createTestProbe();
    roundTrip(new Process(txn, 42, probe.ref()));
    roundTrip(new Process(new Transaction("t-2", "u-1", 0, null, "FR", T0), probe.ref()));
  }

  @Test
  void processAllRoundTrips() {
    var probe = testKit.<ProcessedAll>createTestProbe();
    roundTrip(
        new ProcessAll(
            List.of(
                new Item(new Transaction("t-1", "u-1", 12.5, "EUR", "DE", T0), 42),
                new Item(new Transaction("t-2", "u-1", 0, null, "FR", T0), Process.NO_OFFSET)),
            probe.ref()));
    roundTrip(new ProcessAll(List.of(), probe.ref()));
  }

  @Test
  void processedAllRoundTrips() {
    List<FraudAlert> alerts = history().get(3).accepted().alerts();
    roundTrip(
        new ProcessedAll(
            List.of(
                Processed.accepted(alerts),
                new Processed(Outcome.DUPLICATE, List.of(), "fraud: txnId t-1 already accepted"),
                new Processed(Outcome.TOO_LATE, List.of(), "fraud: ts 1 < maxTs 2"))));
    roundTrip(new ProcessedAll(List.of()));
  }

  @Test
  void getStateRoundTrips() {
    roundTrip(new GetState(testKit.<StateView>createTestProbe().ref()));
  }

  @Test
  void processedRoundTripsForEveryOutcome() {
    List<FraudAlert> alerts = history().get(3).accepted().alerts();
    assertFalse(alerts.isEmpty());
    roundTrip(Processed.accepted(alerts));
    roundTrip(Processed.accepted(List.of()));
    roundTrip(new Processed(Outcome.DUPLICATE, List.of(), "fraud: txnId t-1 already accepted"));
    roundTrip(new Processed(Outcome.TOO_LATE, List.of(), "fraud: ts 1 < maxTs 2"));
  }

  @Test
  void stateViewRoundTrips() {
    State state = stateAfter(history());
    roundTrip(state.view("u-1"));
    roundTrip(State.empty().view("u-2"));
  }

  @Test
  void acceptedEventsRoundTripInTheirBinaryForm() {
    history().forEach(event -> roundTrip(event, AcceptedSerializer.class));
    String longest = "\u20ac".repeat(1024);
    Transaction txn = new Transaction(longest, longest, 1e300, null, "DE", T0);
    FraudAlert alert =
        new FraudAlert(longest, longest, longest, T0, List.of("DE"), List.of(longest), "r", T0);
    roundTrip(
        new Accepted(new TransactionAccepted(txn, List.of(alert), Long.MIN_VALUE), -1),
        AcceptedSerializer.class);
  }

  @Test
  void acceptedEventsWrittenInCborStayReadable() throws Exception {
    var serialization = SerializationExtension.get(testKit.system());
    var cbor = serialization.findSerializerFor(State.empty());
    for (Accepted event : history()) {
      byte[] bytes = cbor.toBinary(event);
      Object back =
          serialization
              .deserialize(
                  bytes,
                  cbor.identifier(),
                  org.apache.pekko.serialization.Serializers.manifestFor(cbor, event))
              .get();
      assertEquals(event, back);
    }
  }

  @Test
  void ruleChangeRoundTrips() {
    roundTrip(new VersionedFraudRule(7, new FraudSettings(300_000, 2, 60_000)));
  }

  @Test
  void stateRoundTripsAsSnapshot() {
    State state = stateAfter(history());
    assertFalse(state.acceptances().isEmpty());
    roundTrip(state);
    roundTrip(State.empty());
  }
}
