package io.tidemark.persistence.query;

/**
 * Distinct visitors over a range of 5-minute windows, from the union of their stored sketches (SPEC
 * §3.2): exact when every window was counted exactly, an HLL estimate otherwise.
 *
 * @param range the range asked for
 * @param visitors distinct userIds in the union (0 when no window is stored)
 * @param windows number of stored windows merged
 */
public record VisitorsEstimate(TimeRange range, long visitors, int windows) {}
