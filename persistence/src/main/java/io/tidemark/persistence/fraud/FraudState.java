package io.tidemark.persistence.fraud;

import io.tidemark.streams.event.Transaction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Immutable per-user state of the fraud rule (SPEC §3.3): the largest accepted ts and the accepted
 * transactions the rule can still need. It starts {@link #empty()}, changes only through {@link
 * #apply(TransactionAccepted)} (the fraud entity's event handler), and is read by {@link
 * FraudRule#decide}.
 *
 * <p>Kept: transactions with {@code ts > maxTs - allowedLateness - window}. An older one can no
 * longer be in the window of any transaction that is still in time, nor can its own window change,
 * and a redelivery of it is too late anyway; so dropping it changes no decision.
 *
 * @param maxTs largest ts accepted so far, {@link Long#MIN_VALUE} before the first
 * @param retained the kept transactions, strictly ordered by ts then txnId
 */
public record FraudState(long maxTs, List<Retained> retained) {

  /**
   * One kept transaction: what the rule needs of it.
   *
   * @param txnId its id, for the duplicate check and alerts
   * @param ts its event time
   * @param country its country, as the decoder normalised it (upper case)
   * @param flagged whether it has been flagged (and alerted); never goes back to false
   */
  public record Retained(String txnId, long ts, String country, boolean flagged) {

    /** The order of {@link FraudState#retained()}: by ts, then txnId. */
    static final Comparator<Retained> ORDER =
        Comparator.comparingLong(Retained::ts).thenComparing(Retained::txnId);

    public Retained {
      Objects.requireNonNull(txnId, "txnId");
      Objects.requireNonNull(country, "country");
    }

    static Retained of(Transaction txn, boolean flagged) {
      return new Retained(txn.txnId(), txn.ts(), txn.country(), flagged);
    }
  }

  private static final FraudState EMPTY = new FraudState(Long.MIN_VALUE, List.of());

  public FraudState {
    retained = List.copyOf(retained);
    for (int i = 1; i < retained.size(); i++) {
      if (Retained.ORDER.compare(retained.get(i - 1), retained.get(i)) >= 0) {
        throw new IllegalArgumentException(
            "retained transactions out of order at " + retained.get(i).txnId());
      }
    }
  }

  /** The state of a user with no accepted transaction. */
  public static FraudState empty() {
    return EMPTY;
  }

  /**
   * The state after {@code event}: maxTs raised to the transaction's ts, the transaction added, the
   * alerted transactions marked flagged, and everything with {@code ts <= retainAfterTs} dropped.
   * One pass over the retained transactions.
   */
  public FraudState apply(TransactionAccepted event) {
    Transaction txn = event.transaction();
    Set<String> flagged = new HashSet<>();
    for (FraudAlert alert : event.alerts()) {
      flagged.add(alert.txnId());
    }
    Retained arrival = Retained.of(txn, flagged.contains(txn.txnId()));
    long horizon = event.retainAfterTs();
    List<Retained> next = new ArrayList<>(retained.size() + 1);
    boolean inserted = false;
    for (Retained r : retained) {
      if (!inserted && Retained.ORDER.compare(arrival, r) < 0) {
        addIfKept(next, arrival, horizon);
        inserted = true;
      }
      boolean nowFlagged = r.flagged() || flagged.contains(r.txnId());
      addIfKept(next, nowFlagged == r.flagged() ? r : markFlagged(r), horizon);
    }
    if (!inserted) {
      addIfKept(next, arrival, horizon);
    }
    return new FraudState(Math.max(maxTs, txn.ts()), next);
  }

  /** Whether a transaction with this id is kept; the duplicate check of SPEC §3.3. */
  public boolean retains(String txnId) {
    for (Retained r : retained) {
      if (r.txnId().equals(txnId)) {
        return true;
      }
    }
    return false;
  }

  private static void addIfKept(List<Retained> into, Retained r, long horizon) {
    if (r.ts() > horizon) {
      into.add(r);
    }
  }

  private static Retained markFlagged(Retained r) {
    return new Retained(r.txnId(), r.ts(), r.country(), true);
  }
}
