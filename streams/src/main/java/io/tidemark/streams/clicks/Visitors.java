package io.tidemark.streams.clicks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * The unique visitors of a window (SPEC §3.2): the count and the mergeable sketch it comes from.
 * The sketch is either a compact DataSketches HLL image ({@code hll} estimator) or an exact set of
 * userIds ({@code exact} estimator); {@link #merge} combines any mix of both, so the serving layer
 * and the query API can add up partitions and ranges of windows.
 *
 * @param visitors distinct users: exact, or the HLL estimate rounded to the nearest integer
 * @param sketch the serialized sketch; not copied, do not modify
 */
public record Visitors(long visitors, byte[] sketch) {

  /** Largest HLL {@code lgK} DataSketches supports; merging keeps the smallest of the inputs. */
  private static final int MAX_LG_K = 21;

  /** No visitors, as an (empty) exact set. */
  public static Visitors empty() {
    return exact(Set.of());
  }

  /** The visitors of an exact set of userIds. */
  public static Visitors exact(Set<String> users) {
    return new Visitors(users.size(), VisitorSet.toBytes(users));
  }

  /** The visitors of an HLL sketch. */
  public static Visitors of(HllSketch sketch) {
    return new Visitors(Math.round(sketch.getEstimate()), sketch.toCompactByteArray());
  }

  /** Reads the count back from a sketch alone (either format). */
  public static Visitors fromSketch(byte[] sketch) {
    if (VisitorSet.isVisitorSet(sketch)) {
      return new Visitors(VisitorSet.fromBytes(sketch).size(), sketch);
    }
    return new Visitors(Math.round(HllSketch.heapify(sketch).getEstimate()), sketch);
  }

  /** Combines results of partitions or windows: counts as of the union of their visitors. */
  public static Visitors merge(Iterable<Visitors> parts) {
    List<byte[]> sketches = new ArrayList<>();
    parts.forEach(part -> sketches.add(part.sketch()));
    return mergeSketches(sketches);
  }

  /**
   * Combines serialized sketches of either format. Exact sets merge exactly when all inputs are
   * exact; as soon as one input is an HLL sketch the result is an HLL sketch (with the smallest
   * {@code lgK} among the inputs) into which the exact sets' users are added.
   */
  public static Visitors mergeSketches(Iterable<byte[]> sketches) {
    List<HllSketch> hlls = new ArrayList<>();
    Set<String> users = new HashSet<>();
    int count = 0;
    byte[] single = null;
    for (byte[] sketch : sketches) {
      count++;
      single = sketch;
      if (VisitorSet.isVisitorSet(sketch)) {
        users.addAll(VisitorSet.fromBytes(sketch));
      } else {
        hlls.add(HllSketch.heapify(sketch));
      }
    }
    if (count == 1) {
      return fromSketch(single);
    }
    if (hlls.isEmpty()) {
      return exact(users);
    }
    Union union = new Union(MAX_LG_K);
    hlls.forEach(union::update);
    users.forEach(union::update);
    return of(union.getResult(TgtHllType.HLL_4));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Visitors v && visitors == v.visitors && Arrays.equals(sketch, v.sketch);
  }

  @Override
  public int hashCode() {
    return 31 * Long.hashCode(visitors) + Arrays.hashCode(sketch);
  }

  @Override
  public String toString() {
    return "Visitors[visitors=" + visitors + ", sketch=" + sketch.length + " bytes]";
  }
}
