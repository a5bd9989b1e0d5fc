package io.tidemark.streams.io;

import java.util.Arrays;

/**
 * One record of a JSON-lines file: its 0-based line number and its bytes, without the {@code '\n'}
 * (any {@code '\r'} is kept). Equality compares the bytes' content.
 *
 * @param offset 0-based line number, used as the record offset of the file's single partition
 * @param bytes the line's bytes; owned by the line, not shared with any buffer
 */
public record Line(long offset, byte[] bytes) {

  @Override
  public boolean equals(Object other) {
    return other instanceof Line that && offset == that.offset && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return 31 * Long.hashCode(offset) + Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "Line[offset=" + offset + ", bytes=" + bytes.length + "]";
  }
}
