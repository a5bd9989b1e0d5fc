package io.tidemark.service.fraud;

import io.tidemark.persistence.fraud.FraudAlert;

/**
 * Where the {@link AlertFeed} sends each alert committed to the {@code fraud-alerts} topic, for the
 * live feed (SPEC §6.2 {@code /ws/live}) and the committed-alerts counter. A listener sees each
 * committed alert once, whichever node of the cluster raised it, and never an alert whose Kafka
 * transaction aborted. Called on a stream thread: must not block.
 */
@FunctionalInterface
public interface AlertListener {

  /** Ignores every alert. */
  AlertListener NONE = alert -> {};

  /** One committed alert. */
  void onAlert(FraudAlert alert);
}
