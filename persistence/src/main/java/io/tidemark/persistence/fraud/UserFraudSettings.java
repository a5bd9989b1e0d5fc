package io.tidemark.persistence.fraud;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the sharded {@link UserFraud} entity, read once from {@code tidemark.fraud} (defaults
 * in this module's {@code reference.conf}).
 *
 * @param rule the fraud rule's configured parameters: the defaults of a {@link CurrentFraudRule},
 *     which the admin API can change at run time
 * @param snapshotEvery a snapshot is taken every this many events and all but the last two
 *     snapshots are deleted, which bounds recovery time (events are deleted by {@link
 *     JournalCleanup} once projected); positive
 * @param shards the number of shards, equal to the partition count of the transactions topic: the
 *     shard of a user is the Kafka partition of its userId key, so that the entity can live on the
 *     node that consumes that partition; positive
 * @param passivateIdleAfter an entity that received no command for this long is stopped (it
 *     recovers from its snapshot on the next command); positive
 * @param allocationTimeout how long the external shard allocation strategy waits for the shard
 *     locations before it falls back to the requesting region; positive
 */
public record UserFraudSettings(
    FraudSettings rule,
    int snapshotEvery,
    int shards,
    Duration passivateIdleAfter,
    Duration allocationTimeout) {

  /** Configuration section of the entity's own keys, inside {@code tidemark.fraud}. */
  public static final String CONFIG_PATH = "tidemark.fraud.entity";

  public UserFraudSettings {
    Objects.requireNonNull(rule, "rule");
    if (snapshotEvery < 1) {
      throw new IllegalArgumentException("snapshot-every must be positive, was " + snapshotEvery);
    }
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be positive, was " + shards);
    }
    requirePositive(passivateIdleAfter, "passivate-idle-after");
    requirePositive(allocationTimeout, "allocation-timeout");
  }

  /** The rule's defaults (SPEC §3.3), a snapshot every 100 events, 16 shards. */
  public static UserFraudSettings defaults() {
    return new UserFraudSettings(
        FraudSettings.defaults(), 100, 16, Duration.ofMinutes(2), Duration.ofSeconds(5));
  }

  /**
   * Reads {@code tidemark.fraud} (the rule) and {@code tidemark.fraud.entity}.
   *
   * @param config the application configuration (its root), e.g. {@code system.settings().config()}
   */
  public static UserFraudSettings create(Config config) {
    Config entity = config.getConfig(CONFIG_PATH);
    return new UserFraudSettings(
        FraudSettings.create(config),
        entity.getInt("snapshot-every"),
        entity.getInt("shards"),
        entity.getDuration("passivate-idle-after"),
        entity.getDuration("allocation-timeout"));
  }

  /** A copy with another snapshot interval. */
  public UserFraudSettings withSnapshotEvery(int events) {
    return new UserFraudSettings(rule, events, shards, passivateIdleAfter, allocationTimeout);
  }

  private static void requirePositive(Duration duration, String key) {
    Objects.requireNonNull(duration, key);
    if (duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException(key + " must be positive, was " + duration);
    }
  }
}
