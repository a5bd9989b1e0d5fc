package io.tidemark.service.reconcile;

import java.util.Map;
import java.util.SortedMap;

/**
 * Values of the serving rows, from the tables or recomputed: page views and unique visitors per
 * window, and the input position they stand for.
 *
 * @param nextOffsets next offset per input partition
 * @param pageViews views per page and window
 * @param visitors serialized visitor sketch per window start (key {@code ""})
 * @param visitorCounts visitor count per window start
 */
public record ServingRows(
    SortedMap<Integer, Long> nextOffsets,
    SortedMap<WindowKey, Long> pageViews,
    Map<WindowKey, byte[]> visitors,
    SortedMap<WindowKey, Long> visitorCounts) {}
