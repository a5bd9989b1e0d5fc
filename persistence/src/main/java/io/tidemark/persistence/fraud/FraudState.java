package io.tidemark.persistence.fraud;

import io.tidemark.streams.event.Transaction;
import java.util.ArrayList;
import java.util.Collections;
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

    Retained asFlagged() {
      return new Retained(txnId, ts, country, true);
    }
  }

  private static final FraudState EMPTY = new FraudState(Long.MIN_VALUE, List.of());

  public FraudState {
    retained = List.copyOf(retained);
    for (int i = 1; i < retained.size(); i++) {
      Retained previous = retained.get(i - 1);
      Retained current = retained.get(i);
      if (previous.ts() > current.ts()
          || previous.ts() == current.ts() && previous.txnId().compareTo(current.txnId()) >= 0) {
        throw new IllegalArgumentException(
            "retained transactions out of order at " + current.txnId());
      }
    }
  }

  /** The state of a user with no accepted transaction. */
  public static FraudState empty() {
    return EMPTY;
  }

  /**
   * The state after {@code event}: maxTs raised to the transaction's ts, the transaction added, the
   * alerted transactions marked flagged, and everything with {@code ts <= retainAfterTs} dropped (a
   * prefix, as the list is ordered by ts). A few array copies, one more pass only when the event
   * carries alerts.
   */
  public FraudState apply(TransactionAccepted event) {
    Transaction txn = event.transaction();
    List<Retained> next = with(Retained.of(txn, false));
    next = next.subList(firstAfter(next, event.retainAfterTs()), next.size());
    if (!event.alerts().isEmpty()) {
      Set<String> flagged = new HashSet<>();
      event.alerts().forEach(alert -> flagged.add(alert.txnId()));
      next.replaceAll(r -> r.flagged() || !flagged.contains(r.txnId()) ? r : r.asFlagged());
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

  /**
   * A new, mutable copy of {@link #retained()} with {@code arrival}, whose txnId is new, in place.
   */
  List<Retained> with(Retained arrival) {
    int at = -Collections.binarySearch(retained, arrival, Retained.ORDER) - 1;
    if (at < 0) {
      throw new IllegalArgumentException("already retained: " + arrival.txnId());
    }
    List<Retained> copy = new ArrayList<>(retained.size() + 1);
    copy.addAll(retained.subList(0, at));
    copy.add(arrival);
    copy.addAll(retained.subList(at, retained.size()));
    return copy;
  }

  /** Index of the first transaction with {@code ts > bound} in the ordered {@code txns}. */
  static int firstAfter(List<Retained> txns, long bound) {
    int lo = 0;
    int hi = txns.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (txns.get(mid).ts() <= bound) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
