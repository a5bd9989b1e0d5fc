package io.tidemark.persistence.query;

import java.util.List;

/**
 * One row of {@code fraud_alerts} (SPEC §4.1), as the query API returns it.
 *
 * @param alertId equal to {@code txnId}
 * @param userId the card holder
 * @param txnId the flagged transaction
 * @param txnTs event time of the flagged transaction, epoch ms
 * @param countries distinct countries of its window when it was flagged
 * @param detectedAt event time of the arrival that flagged it, epoch ms
 */
public record StoredAlert(
    String alertId,
    String userId,
    String txnId,
    long txnTs,
    List<String> countries,
    long detectedAt) {

  public StoredAlert {
    countries = List.copyOf(countries);
  }
}
