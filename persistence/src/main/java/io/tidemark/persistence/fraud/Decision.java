package io.tidemark.persistence.fraud;

import io.tidemark.streams.event.Transaction;
import java.util.List;

/**
 * What the fraud rule makes of one arriving transaction (SPEC §3.3), computed by {@link
 * FraudRule#decide} without changing anything. Only {@link Accepted} carries an event; the other
 * two leave the user's state as it was.
 */
public sealed interface Decision {

  /** The transaction the decision is about. */
  Transaction transaction();

  /**
   * The transaction joins the user's set. Persist {@link #event()} and apply it to the state; send
   * {@link #alerts()}.
   */
  record Accepted(TransactionAccepted event) implements Decision {

    @Override
    public Transaction transaction() {
      return event.transaction();
    }

    /** The alerts this arrival raised, possibly none, in the order to emit them. */
    public List<FraudAlert> alerts() {
      return event.alerts();
    }
  }

  /** The txnId is among the user's retained transactions: ignored, counted as a duplicate. */
  record Duplicate(Transaction transaction) implements Decision {}

  /**
   * The transaction is older than {@code maxTs - allowedLatenessMillis}: dead letter {@code
   * TOO_LATE} with {@link #detail()}.
   *
   * @param maxTs the user's largest accepted ts at the arrival
   * @param allowedLatenessMillis the lateness in force at the arrival
   */
  record TooLate(Transaction transaction, long maxTs, long allowedLatenessMillis)
      implements Decision {

    /**
     * The dead letter's detail: names the computation, {@code fraud}, first (as SPEC §2 names
     * {@code pageviews} and {@code visitors}), then the numbers.
     */
    public String detail() {
      return "fraud: ts "
          + transaction.ts()
          + " < maxTs "
          + maxTs
          + " - allowedLateness "
          + allowedLatenessMillis
          + " ms";
    }
  }
}
