package io.tidemark.persistence.query;

/**
 * The views of one page summed over a range of windows, as ranked by {@link
 * QueryRepository#topPages}.
 *
 * @param page the page key
 * @param views sum of the page's views in the range
 */
public record PageTotal(String page, long views) {}
