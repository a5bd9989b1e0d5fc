package io.tidemark.service.reconcile;

/**
 * The key of one serving row: page (empty for the site-wide visitors) and window start.
 *
 * @param key the page, or {@code ""} for unique visitors
 * @param windowStart window start, epoch ms
 */
public record WindowKey(String key, long windowStart) implements Comparable<WindowKey> {
  @Override
  public int compareTo(WindowKey other) {
    int byKey = key.compareTo(other.key);
    return byKey != 0 ? byKey : Long.compare(windowStart, other.windowStart);
  }

  @Override
  public String toString() {
    return (key.isEmpty() ? "" : key + " @ ") + java.time.Instant.ofEpochMilli(windowStart);
  }
}
