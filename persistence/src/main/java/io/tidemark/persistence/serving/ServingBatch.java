package io.tidemark.persistence.serving;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Everything one input partition commits at once (SPEC §4.1): the change of the serving rows since
 * its previous commit, the next offset to consume and the window snapshot that goes with it. Rows
 * are sorted by key, so concurrent transactions of different partitions lock rows in the same order
 * and do not deadlock.
 *
 * @param pipeline the pipeline name (first key of {@code input_offsets})
 * @param topic the input topic
 * @param partition the input partition
 * @param expectedOffset the offset the table must still hold for this commit to go through (the
 *     start or the previous commit of this consumer); empty when no row existed
 * @param nextOffset the offset stored: every record before it is accounted for
 * @param pageViews page view changes, sorted by page then window
 * @param visitors visitor sketches, sorted by window
 * @param snapshot the window snapshot as of {@code nextOffset}; empty keeps the stored one
 */
public record ServingBatch(
    String pipeline,
    String topic,
    int partition,
    Optional<Long> expectedOffset,
    long nextOffset,
    List<PageViewDelta> pageViews,
    List<VisitorSketch> visitors,
    Optional<byte[]> snapshot) {

  private static final Comparator<PageViewDelta> PAGE_ORDER =
      Comparator.comparing(PageViewDelta::page).thenComparingLong(PageViewDelta::windowStart);

  public ServingBatch {
    pageViews = pageViews.stream().sorted(PAGE_ORDER).toList();
    visitors =
        visitors.stream().sorted(Comparator.comparingLong(VisitorSketch::windowStart)).toList();
  }

  /** Number of result rows the batch touches. */
  public int rowCount() {
    return pageViews.size() + visitors.size();
  }
}
