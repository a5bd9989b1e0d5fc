package io.tidemark.http.query;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Looks up the current fraud state of one user for {@code GET /api/users/{userId}/fraud-state}. The
 * service backs it with the sharded fraud entity; the view is any JSON-serializable value
 * (typically a record), empty when the user has no state.
 *
 * @param <T> the view returned
 */
@FunctionalInterface
public interface FraudStateLookup<T> {

  /** The user's state, or empty when the user is unknown. */
  CompletionStage<Optional<T>> lookup(String userId);
}
