package io.tidemark.streams.clicks;

import io.tidemark.streams.event.Click;
import io.tidemark.streams.time.WindowAggregation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Page views per window per page (SPEC §3.1): an exact count of clicks keyed by {@link
 * Click#page()}. The accumulator is a one-element {@code long[]}, counted in place.
 */
public final class PageViews implements WindowAggregation<Click, String, long[], Long> {

  /** The computation's name in results, snapshots and {@code TOO_LATE} details. */
  public static final String NAME = "pageviews";

  private final long sizeMillis;

  /** Page views over tumbling windows of {@code sizeMillis} (one minute in SPEC §3.1). */
  public PageViews(long sizeMillis) {
    this.sizeMillis = sizeMillis;
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
    return click.page();
  }

  @Override
  public long[] createAccumulator() {
    return new long[1];
  }

  @Override
  public long[] add(long[] count, Click click) {
    count[0]++;
    return count;
  }

  @Override
  public Long result(long[] count) {
    return count[0];
  }

  @Override
  public byte[] serializeAccumulator(long[] count) {
    return ByteBuffer.allocate(Long.BYTES).putLong(count[0]).array();
  }

  @Override
  public long[] deserializeAccumulator(byte[] bytes) {
    return new long[] {ByteBuffer.wrap(bytes).getLong()};
  }

  @Override
  public byte[] serializeKey(String page) {
    return page.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String deserializeKey(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
