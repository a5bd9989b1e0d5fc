package io.tidemark.persistence.fraud;

import java.util.List;
import java.util.Objects;

/**
 * One fraud alert (SPEC §4.2, topic {@code fraud-alerts}; SPEC §4.1, table {@code fraud_alerts}):
 * the transaction {@code txnId} was flagged because its window held more than the allowed number of
 * countries. A transaction is alerted at most once, so {@code alertId} is its {@code txnId}.
 *
 * <p>Every field is a function of the user's input order, never of wall-clock time, so {@code
 * tidemark replay} produces exactly the alerts of the live run.
 *
 * @param alertId equal to {@code txnId}
 * @param userId the card holder
 * @param txnId the flagged transaction
 * @param txnTs event time of the flagged transaction, epoch ms
 * @param countries the distinct countries of the flagged transaction's window at the moment it was
 *     flagged, sorted
 * @param txnIds the transactions in that window at that moment (the flagged one included), sorted
 *     by ts then txnId
 * @param rule the rule that fired, {@link FraudSettings#rule()}
 * @param detectedAt event time (epoch ms) of the transaction whose arrival flagged {@code txnId}:
 *     {@code txnTs} itself when the transaction was flagged on its own arrival, the ts of a later
 *     arrival otherwise (that arrival may carry an earlier or later ts than {@code txnTs}). Event
 *     time rather than the clock keeps replays identical to the live run.
 */
public record FraudAlert(
    String alertId,
    String userId,
    String txnId,
    long txnTs,
    List<String> countries,
    List<String> txnIds,
    String rule,
    long detectedAt) {

  public FraudAlert {
    Objects.requireNonNull(alertId, "alertId");
    Objects.requireNonNull(txnId, "txnId");
    countries = List.copyOf(countries);
    txnIds = List.copyOf(txnIds);
  }
}
