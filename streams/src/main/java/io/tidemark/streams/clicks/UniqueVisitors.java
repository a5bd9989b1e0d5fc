package io.tidemark.streams.clicks;

import io.tidemark.streams.event.Click;
import io.tidemark.streams.time.WindowAggregation;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

/**
 * Unique visitors per window, site-wide (SPEC §3.2): distinct {@link Click#userId()} counted with a
 * DataSketches HLL sketch ({@link Estimator#HLL}) or exactly ({@link Estimator#EXACT}). Every
 * window has the single key {@link #SITE}.
 */
public final class UniqueVisitors
    implements WindowAggregation<Click, String, UniqueVisitors.Accumulator, Visitors> {

  /** The computation's name in results, snapshots and {@code TOO_LATE} details. */
  public static final String NAME = "visitors";

  /** The key of every window: the counts are site-wide. */
  public static final String SITE = "site";

  /** How distinct users are counted. */
  public enum Estimator {
    /** HyperLogLog from DataSketches: bounded memory, ~1% error at lgK 14. */
    HLL,
    /** A set of userIds: exact, memory grows with the visitors. */
    EXACT
  }

  /** The distinct users seen so far in one window. */
  public sealed interface Accumulator permits HllAccumulator, ExactAccumulator {
    /** Counts one visit of a user. */
    void update(String userId);

    /** The current count and sketch. */
    Visitors result();

    /** The full state, as read back by {@link UniqueVisitors#deserializeAccumulator}. */
    byte[] toBytes();
  }

  private final long sizeMillis;
  private final Estimator estimator;
  private final int lgK;

  /**
   * Unique visitors over tumbling windows of {@code sizeMillis} (five minutes in SPEC §3.2).
   *
   * @param lgK log2 of the HLL sketch's register count, 4 to 21; ignored by {@code EXACT}
   */
  public UniqueVisitors(long sizeMillis, Estimator estimator, int lgK) {
    if (lgK < 4 || lgK > 21) {
      throw new IllegalArgumentException("lg-k must be within 4..21: " + lgK);
    }
    this.sizeMillis = sizeMillis;
    this.estimator = estimator;
    this.lgK = lgK;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public long sizeMillis() {
    return sizeMillis;
  }

  @Override
  public String key(Click click) {
    return SITE;
  }

  @Override
  public Accumulator createAccumulator() {
    return switch (estimator) {
      case HLL -> new HllAccumulator(new HllSketch(lgK, TgtHllType.HLL_4));
      case EXACT -> new ExactAccumulator(new TreeSet<>());
    };
  }

  @Override
  public Accumulator add(Accumulator accumulator, Click click) {
    accumulator.update(click.userId());
    return accumulator;
  }

  @Override
  public Visitors result(Accumulator accumulator) {
    return accumulator.result();
  }

  @Override
  public byte[] serializeAccumulator(Accumulator accumulator) {
    return accumulator.toBytes();
  }

  /** Reads either format, whatever the configured estimator, so a mode change keeps old state. */
  @Override
  public Accumulator deserializeAccumulator(byte[] bytes) {
    if (VisitorSet.isVisitorSet(bytes)) {
      return new ExactAccumulator(VisitorSet.fromBytes(bytes));
    }
    return new HllAccumulator(HllSketch.heapify(bytes));
  }

  @Override
  public byte[] serializeKey(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String deserializeKey(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** HLL estimator: the updatable sketch; results are compact images of it. */
  static final class HllAccumulator implements Accumulator {
    private final HllSketch sketch;

    HllAccumulator(HllSketch sketch) {
      this.sketch = sketch;
    }

    @Override
    public void update(String userId) {
      sketch.update(userId);
    }

    @Override
    public Visitors result() {
      return Visitors.of(sketch);
    }

    @Override
    public byte[] toBytes() {
      return sketch.toUpdatableByteArray();
    }
  }

  /** Exact estimator: the set of userIds, kept sorted so each result serializes without a sort. */
  static final class ExactAccumulator implements Accumulator {
    private final Set<String> users;

    ExactAccumulator(Set<String> users) {
      this.users = users;
    }

    @Override
    public void update(String userId) {
      users.add(userId);
    }

    @Override
    public Visitors result() {
      return Visitors.exact(users);
    }

    @Override
    public byte[] toBytes() {
      return VisitorSet.toBytes(users);
    }
  }
}
