package io.tidemark.http.admin;

import io.tidemark.persistence.fraud.FraudSettings;
import java.util.concurrent.CompletionStage;

/**
 * What the admin API may change in the running service; the service implements it. A stage failed
 * with {@link IllegalArgumentException} is answered 400, any other failure 503.
 */
public interface AdminControl {

  /** The fraud rule's parameters in force. */
  CompletionStage<FraudSettings> fraudRule();

  /** Puts new fraud rule parameters in force and answers them. */
  CompletionStage<FraudSettings> updateFraudRule(FraudSettings settings);

  /** Pauses consumption of the input topics; answers whether consumption is now paused. */
  CompletionStage<Boolean> pause();

  /** Resumes consumption of the input topics; answers whether consumption is now paused. */
  CompletionStage<Boolean> resume();
}
