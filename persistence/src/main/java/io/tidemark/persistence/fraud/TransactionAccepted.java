package io.tidemark.persistence.fraud;

import io.tidemark.streams.event.Transaction;
import java.util.List;
import java.util.Objects;

/**
 * Event: a transaction was accepted into the user's set and flagged the transactions listed in
 * {@code alerts}. It is what the fraud entity persists, and {@link FraudState#apply} turns the
 * state before it into the state after it without consulting the configuration: the retention
 * horizon is part of the event, so recovering a journal under changed settings rebuilds exactly the
 * state the live entity had. The alerts are complete, so the projection that fills the {@code
 * fraud_alerts} table needs nothing but the events.
 *
 * <p>Created by {@link FraudRule#decide}; duplicates and too-late transactions change no state and
 * have no event.
 *
 * @param transaction the accepted transaction
 * @param alerts the alerts raised by this arrival, one per newly flagged transaction, ordered by
 *     the flagged transaction's ts then txnId; may include {@code transaction} itself
 * @param retainAfterTs after this event the state keeps only transactions with {@code ts >
 *     retainAfterTs} ({@code maxTs - allowedLateness - window} with the new maxTs)
 */
public record TransactionAccepted(
    Transaction transaction, List<FraudAlert> alerts, long retainAfterTs) {

  public TransactionAccepted {
    Objects.requireNonNull(transaction, "transaction");
    alerts = List.copyOf(alerts);
  }
}
