package io.tidemark.persistence.query;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The read side of the serving tables (SPEC §4.1, §6.2): what the query API asks. Every call is
 * asynchronous; an implementation never blocks its caller's thread. A failed stage carries an
 * {@link IllegalArgumentException} for a bad argument, anything else for an unavailable database.
 */
public interface QueryRepository {

  /** The stored windows of one page whose start lies in {@code range}, by window start. */
  CompletionStage<List<PageViewWindow>> pageViews(String page, TimeRange range);

  /**
   * The {@code n} pages with the most views summed over the windows starting in {@code range}, most
   * viewed first, ties by page.
   */
  CompletionStage<List<PageTotal>> topPages(TimeRange range, int n);

  /** Distinct visitors over the windows starting in {@code range}, by merging stored sketches. */
  CompletionStage<VisitorsEstimate> visitors(TimeRange range);

  /**
   * Alerts detected at or after {@code since} (event time, epoch ms), of one user or of everyone,
   * oldest first (ties by alertId), at most {@code limit}.
   */
  CompletionStage<List<StoredAlert>> alerts(Optional<String> userId, long since, int limit);
}
