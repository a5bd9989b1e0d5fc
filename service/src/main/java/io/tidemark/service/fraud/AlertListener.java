package io.tidemark.service.fraud;

import io.tidemark.persistence.fraud.FraudAlert;

/**
 * Where the fraud pipeline sends each alert as the user's entity raises it, for the live feed (SPEC
 * §6.2 {@code /ws/live}). Called before the Kafka transaction that writes the alert commits: after
 * an aborted transaction the redelivered transaction raises the same alert again, so a listener may
 * see an alert twice (same {@code alertId}); the {@code fraud-alerts} topic and table never do.
 * Called on stream threads: must not block.
 */
@FunctionalInterface
public interface AlertListener {

  /** Ignores every alert. */
  AlertListener NONE = alert -> {};

  /** One alert raised by the user's entity. */
  void onAlert(FraudAlert alert);
}
