package io.tidemark.persistence.fraud;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Projection handler that writes the alerts of a group of {@link UserFraud.Accepted} events into
 * the {@code fraud_alerts} table (SPEC §4.1). It runs inside the projection's database transaction,
 * which also stores the offset of the group's last event, so each event's alerts are written
 * exactly once; the insert ignores an existing {@code alert_id} as well, so a re-run projection
 * (offsets dropped) converges too. Most events raise no alert: grouping them keeps the projection
 * to one transaction per group rather than one per event.
 */
public final class FraudAlertsHandler
    extends JdbcHandler<List<EventEnvelope<UserFraud.Event>>, DataSourceJdbcSession> {

  static final String INSERT =
      "INSERT INTO fraud_alerts (alert_id, user_id, txn_id, txn_ts, countries, detected_at)"
          + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (alert_id) DO NOTHING";

  @Override
  public void process(DataSourceJdbcSession session, List<EventEnvelope<UserFraud.Event>> envelopes)
      throws Exception {
    List<FraudAlert> alerts = new ArrayList<>();
    for (EventEnvelope<UserFraud.Event> envelope : envelopes) {
      if (envelope.event() instanceof UserFraud.Accepted accepted) {
        alerts.addAll(accepted.accepted().alerts());
      }
    }
    if (alerts.isEmpty()) {
      return;
    }
    session.withConnection(
        connection -> {
          try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (FraudAlert alert : alerts) {
              Array countries = connection.createArrayOf("text", alert.countries().toArray());
              insert.setString(1, alert.alertId());
              insert.setString(2, alert.userId());
              insert.setString(3, alert.txnId());
              insert.setObject(4, utc(alert.txnTs()));
              insert.setArray(5, countries);
              insert.setObject(6, utc(alert.detectedAt()));
              insert.addBatch();
            }
            insert.executeBatch();
          }
          return null;
        });
  }

  private static OffsetDateTime utc(long epochMillis) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
  }
}
