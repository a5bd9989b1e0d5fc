package io.tidemark.service.reconcile;

import io.tidemark.streams.clicks.UniqueVisitors.Estimator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * The comparison of the serving tables with the rows recomputed from the log. Page views must be
 * equal. Visitors are equal for the {@code exact} estimator; with HLL the stored value comes from
 * sketches merged in another order than the recomputation's, and DataSketches estimates a merged
 * sketch slightly differently from one built directly, so values within 2% (or 1) count as equal.
 *
 * @param comparedRows rows compared
 * @param differences one line per differing row
 */
public record Reconciliation(int comparedRows, List<String> differences) {

  /** Relative tolerance of HLL visitor counts. */
  static final double HLL_TOLERANCE = 0.02;

  /** Compares {@code tables} with {@code log}. */
  public static Reconciliation compare(ServingRows tables, ServingRows log, Estimator estimator) {
    List<String> differences = new ArrayList<>();
    int compared = 0;
    compared += compare("page_views", tables.pageViews(), log.pageViews(), 0, differences);
    double tolerance = estimator == Estimator.EXACT ? 0 : HLL_TOLERANCE;
    compared +=
        compare(
            "unique_visitors", tables.visitorCounts(), log.visitorCounts(), tolerance, differences);
    return new Reconciliation(compared, differences);
  }

  private static int compare(
      String table,
      SortedMap<WindowKey, Long> stored,
      SortedMap<WindowKey, Long> expected,
      double tolerance,
      List<String> differences) {
    TreeSet<WindowKey> keys = new TreeSet<>(stored.keySet());
    keys.addAll(expected.keySet());
    for (WindowKey key : keys) {
      Long have = stored.get(key);
      Long want = expected.get(key);
      if (!equal(have, want, tolerance)) {
        differences.add(
            table
                + " "
                + key
                + ": table "
                + (have == null ? "has no row" : have)
                + ", log "
                + (want == null ? "has no row" : want));
      }
    }
    return keys.size();
  }

  private static boolean equal(Long have, Long want, double tolerance) {
    if (have == null || want == null || tolerance == 0) {
      return Objects.equals(have, want);
    }
    return Math.abs(have - want) <= Math.max(1, tolerance * want);
  }

  /** Whether the tables agree with the log. */
  public boolean agrees() {
    return differences.isEmpty();
  }
}
