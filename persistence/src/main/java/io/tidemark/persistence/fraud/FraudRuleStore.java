package io.tidemark.persistence.fraud;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where the fraud rule's parameters are kept across restarts, the source of truth for every node:
 * each stored change gets the next version. The rule in force on a node is its {@link
 * CurrentFraudRule}, which {@link FraudRuleSync} keeps in step with this store.
 */
public interface FraudRuleStore {

  /** The latest stored rule; empty while none was ever stored (the configured defaults apply). */
  CompletionStage<Optional<VersionedFraudRule>> load();

  /** Stores {@code settings} as the next version and answers it once committed. */
  CompletionStage<VersionedFraudRule> save(FraudSettings settings);
}
