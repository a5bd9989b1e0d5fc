package io.tidemark.persistence.query;

/**
 * One stored row of {@code page_views} (SPEC §4.1): the views of one page in one 1-minute window.
 *
 * @param page the page key (url without query string and fragment)
 * @param windowStart epoch ms, inclusive
 * @param windowEnd epoch ms, exclusive
 * @param views click events counted, all partitions added up
 * @param revision 1 at the firing, +1 per late update
 */
public record PageViewWindow(
    String page, long windowStart, long windowEnd, long views, int revision) {}
