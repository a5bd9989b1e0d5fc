package io.tidemark.persistence.serving;

/**
 * The latest unique-visitor sketch of one window as one input partition sees it. Partition sketches
 * only grow, and merging is a union, so storing the same sketch twice changes nothing.
 *
 * @param windowStart window start, epoch ms
 * @param windowEnd window end, epoch ms (exclusive)
 * @param sketch the partition's serialized sketch (HLL image or exact visitor set)
 * @param emissions results the partition emitted for the window within the batch (adds to revision)
 */
public record VisitorSketch(long windowStart, long windowEnd, byte[] sketch, int emissions) {}
