package io.tidemark.http.admin;

import io.tidemark.persistence.fraud.FraudSettings;
import io.tidemark.persistence.fraud.VersionedFraudRule;
import java.util.concurrent.CompletionStage;

/**
 * What the admin API may change in the running service; the service implements it. A stage failed
 * with {@link IllegalArgumentException} is answered 400, any other failure 503.
 */
public interface AdminControl {

  /** The fraud rule in force on this node, with its version (0: the configured defaults). */
  CompletionStage<VersionedFraudRule> fraudRule();

  /**
   * Stores new fraud rule parameters, puts them in force across the cluster and answers them with
   * their stored version.
   */
  CompletionStage<VersionedFraudRule> updateFraudRule(FraudSettings settings);

  /** Pauses consumption of the input topics; answers whether consumption is now paused. */
  CompletionStage<Boolean> pause();

  /** Resumes consumption of the input topics; answers whether consumption is now paused. */
  CompletionStage<Boolean> resume();
}
