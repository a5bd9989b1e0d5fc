package io.tidemark.persistence.fraud;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The fraud rule's parameters in force, changeable at run time (admin API) and kept across
 * restarts. {@link #current()} never blocks, so the fraud entity may read it for every transaction;
 * listeners hear of every change made through this store.
 */
public interface FraudRuleStore {

  /** The parameters in force now. */
  FraudSettings current();

  /** Stores {@code settings}, puts them in force and answers them once stored. */
  CompletionStage<FraudSettings> update(FraudSettings settings);

  /** Reads the stored parameters again (another node may have changed them). */
  CompletionStage<FraudSettings> refresh();

  /** Calls {@code listener} with the new parameters after every change. */
  void addListener(Consumer<FraudSettings> listener);
}
