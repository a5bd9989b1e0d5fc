package io.tidemark.persistence.serving;

/**
 * What one batch of one input partition adds to a {@code page_views} row.
 *
 * @param page the page key
 * @param windowStart window start, epoch ms
 * @param windowEnd window end, epoch ms (exclusive)
 * @param views views to add: the partition's count grew by this much within the batch
 * @param emissions results the partition emitted for the row within the batch (adds to revision)
 */
public record PageViewDelta(
    String page, long windowStart, long windowEnd, long views, int emissions) {}
