package io.tidemark.streams.clicks;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The byte format of the {@code exact} visitor estimator: the distinct userIds themselves, so that
 * sets of several partitions or windows merge exactly.
 *
 * <p>Format (big endian), version 1: magic bytes {@code 'T' 'X'}, a version byte, an {@code int}
 * count, then each userId in ascending order as an {@code int} length and its UTF-8 bytes. The
 * first byte never equals a DataSketches HLL preamble's first byte (2, 3 or 10), so both formats
 * can be told apart.
 */
final class VisitorSet {

  private static final byte MAGIC_0 = 'T';
  private static final byte MAGIC_1 = 'X';
  private static final byte VERSION = 1;

  private VisitorSet() {}

  /** Whether the bytes are in this format (rather than a DataSketches HLL image). */
  static boolean isVisitorSet(byte[] bytes) {
    return bytes.length >= 3 && bytes[0] == MAGIC_0 && bytes[1] == MAGIC_1;
  }

  /** The users as bytes, sorted so that equal sets give equal bytes. */
  static byte[] toBytes(Collection<String> users) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(MAGIC_0);
      out.writeByte(MAGIC_1);
      out.writeByte(VERSION);
      out.writeInt(users.size());
      for (String user : sorted(users)) {
        byte[] utf8 = user.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The users in ascending order, copying only when they are not sorted already. */
  private static SortedSet<String> sorted(Collection<String> users) {
    if (users instanceof SortedSet<String> set && set.comparator() == null) {
      return set;
    }
    return new TreeSet<>(users);
  }

  /**
   * Reads a set written by {@link #toBytes}.
   *
   * @throws IllegalArgumentException if the bytes are not a visitor set of a known version
   */
  static SortedSet<String> fromBytes(byte[] bytes) {
    if (!isVisitorSet(bytes) || bytes[2] != VERSION) {
      throw new IllegalArgumentException("not an exact visitor set");
    }
    try (DataInputStream in =
        new DataInputStream(new ByteArrayInputStream(bytes, 3, bytes.length))) {
      int count = in.readInt();
      if (count < 0) {
        throw new IllegalArgumentException("bad visitor count " + count);
      }
      SortedSet<String> users = new TreeSet<>();
      for (int i = 0; i < count; i++) {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
          throw new IllegalArgumentException("bad visitor set entry length " + length);
        }
        users.add(new String(in.readNBytes(length), StandardCharsets.UTF_8));
      }
      return users;
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated visitor set", e);
    }
  }
}
