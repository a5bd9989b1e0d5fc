package io.tidemark.persistence.fraud;

import io.tidemark.streams.event.Transaction;
import java.util.List;

/**
 * How {@link UserFraud} answers one transaction, before anything is persisted: a redelivery of an
 * accepted record gets its first reply again, a repeat of a retained txnId from another offset is a
 * {@code DUPLICATE}, a transaction older than the state remembers is too late, and otherwise the
 * pure {@link FraudRule} decides. A pure function of the entity's state, the transaction and the
 * rule in force.
 */
final class UserFraudDecision {

  private UserFraudDecision() {}

  /** What one transaction does to {@code state}: the reply, and the event to persist or null. */
  record Step(UserFraud.Processed reply, UserFraud.Accepted event) {}

  static Step decide(UserFraud.State state, Transaction txn, long offset, FraudSettings settings) {
    UserFraud.Acceptance earlier = state.acceptances().get(txn.txnId());
    // A redelivery gets its first answer; a repeat from another record is a duplicate if that
    // record came before the rule forgot the transaction, otherwise the rule judges it (too late).
    if (earlier != null && earlier.answers(offset)) {
      return new Step(earlier.repeatedFrom(offset, txn.txnId()), null);
    }
    Decision decision = FraudRule.decide(state.fraud(), txn, settings);
    if (decision instanceof Decision.Accepted && txn.ts() <= state.retainAfterTs()) {
      return new Step(forgotten(txn, state), null);
    }
    if (decision instanceof Decision.Accepted accepted) {
      return new Step(
          UserFraud.Processed.accepted(accepted.alerts()),
          new UserFraud.Accepted(accepted.event(), offset));
    }
    if (decision instanceof Decision.TooLate tooLate) {
      return new Step(
          new UserFraud.Processed(UserFraud.Outcome.TOO_LATE, List.of(), tooLate.detail()), null);
    }
    // Unreachable while acceptances mirror the retained transactions; answered safely anyway.
    return new Step(
        new UserFraud.Processed(UserFraud.Outcome.DUPLICATE, List.of(), "fraud: duplicate"), null);
  }

  /** A transaction the enlarged rule would accept but that is older than what the state keeps. */
  private static UserFraud.Processed forgotten(Transaction txn, UserFraud.State state) {
    return new UserFraud.Processed(
        UserFraud.Outcome.TOO_LATE,
        List.of(),
        "fraud: ts "
            + txn.ts()
            + " <= "
            + state.retainAfterTs()
            + ", older than the retained transactions (the rule's window or lateness grew)");
  }
}
