package io.tidemark.persistence.fraud;

import io.tidemark.persistence.CborSerializable;
import java.util.Objects;

/**
 * Fraud rule parameters with the version they were stored under. Version {@link #UNSTORED} (0)
 * stands for the configured defaults; every change stored in the {@code fraud_rule} table gets the
 * next version (from 1), so of two rules the one with the higher version is the later change. Nodes
 * exchange this record in a replicated register (Pekko Distributed Data) and keep only newer
 * versions.
 *
 * @param version 0 for the configured defaults, otherwise the stored version; not negative
 * @param settings the parameters
 */
public record VersionedFraudRule(long version, FraudSettings settings) implements CborSerializable {

  /** The version of the configured defaults, before any change was stored. */
  public static final long UNSTORED = 0L;

  public VersionedFraudRule {
    if (version < 0) {
      throw new IllegalArgumentException("version must not be negative, was " + version);
    }
    Objects.requireNonNull(settings, "settings");
  }

  /** The configured defaults, in force until a stored rule is known. */
  public static VersionedFraudRule unstored(FraudSettings defaults) {
    return new VersionedFraudRule(UNSTORED, defaults);
  }

  /** Whether this is a later change than {@code other}. */
  public boolean isNewerThan(VersionedFraudRule other) {
    return version > other.version;
  }
}
