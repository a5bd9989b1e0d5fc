package io.tidemark.streams.time;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Test aggregation: number of events per key and window. */
record CountPerKey(String name, long sizeMillis)
    implements WindowAggregation<Ev, String, long[], Long> {

  @Override
  public String key(Ev event) {
    return event.key();
  }

  @Override
  public long[] createAccumulator() {
    return new long[1];
  }

  @Override
  public long[] add(long[] accumulator, Ev event) {
    accumulator[0]++;
    return accumulator;
  }

  @Override
  public Long result(long[] accumulator) {
    return accumulator[0];
  }

  @Override
  public byte[] serializeAccumulator(long[] accumulator) {
    return ByteBuffer.allocate(8).putLong(accumulator[0]).array();
  }

  @Override
  public long[] deserializeAccumulator(byte[] bytes) {
    return new long[] {ByteBuffer.wrap(bytes).getLong()};
  }

  @Override
  public byte[] serializeKey(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String deserializeKey(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
