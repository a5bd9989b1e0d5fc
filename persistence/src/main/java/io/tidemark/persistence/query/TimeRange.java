package io.tidemark.persistence.query;

/**
 * A half-open range of event time, {@code [from, to)} in epoch milliseconds, selecting the windows
 * whose start lies inside it. Windows are aligned to the epoch, so a range whose ends are multiples
 * of the window size selects exactly the windows it covers.
 *
 * @param from first instant, inclusive
 * @param to end, exclusive; greater than {@code from}
 */
public record TimeRange(long from, long to) {

  public TimeRange {
    if (from >= to) {
      throw new IllegalArgumentException("from must be before to: " + from + " >= " + to);
    }
  }
}
