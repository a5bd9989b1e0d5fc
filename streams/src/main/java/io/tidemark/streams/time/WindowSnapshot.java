package io.tidemark.streams.time;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The state of one {@link WindowOperator} (one input partition) between two records: its watermark
 * and every window still held, per computation. Stored with the offsets it corresponds to, it lets
 * a restarted pipeline continue exactly as if it had never stopped.
 *
 * <p>Byte format (big endian, {@link #toBytes()}), version 1: magic {@code "TMWS"}, {@code short}
 * version, {@code long} watermark, {@code int} number of computations, then per computation its
 * name (modified UTF-8), {@code long} window size and {@code int} number of windows, then per
 * window: {@code int} key length and key bytes, {@code long} window start, {@code int} revision,
 * {@code int} accumulator length and accumulator bytes.
 *
 * @param watermark the partition's watermark ({@link Long#MIN_VALUE} before the first record)
 * @param computations state per computation, in the operator's order
 */
public record WindowSnapshot(long watermark, List<ComputationState> computations) {

  private static final int MAGIC = 0x544D5753; // "TMWS"
  private static final short VERSION = 1;

  public WindowSnapshot {
    computations = List.copyOf(computations);
  }

  /**
   * The windows of one computation.
   *
   * @param name the computation's name
   * @param sizeMillis its window size; a snapshot only restores into the same size
   * @param windows its windows, by start then key
   */
  public record ComputationState(String name, long sizeMillis, List<Window> windows) {
    public ComputationState {
      windows = List.copyOf(windows);
    }
  }

  /**
   * One window held by a computation.
   *
   * @param key the serialized key
   * @param windowStart the window's start
   * @param revision 0 while the window has not fired, else the revision of its last result
   * @param accumulator the serialized accumulator
   */
  public record Window(byte[] key, long windowStart, int revision, byte[] accumulator) {

    /** Whether the window has fired (its results are now late updates). */
    public boolean fired() {
      return revision > 0;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Window w
          && windowStart == w.windowStart
          && revision == w.revision
          && Arrays.equals(key, w.key)
          && Arrays.equals(accumulator, w.accumulator);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * Long.hashCode(windowStart) + revision) + Arrays.hashCode(key);
    }

    @Override
    public String toString() {
      return "Window[start="
          + windowStart
          + ", revision="
          + revision
          + ", key="
          + key.length
          + "B]";
    }
  }

  /** Number of windows held, over all computations. */
  public int windowCount() {
    return computations.stream().mapToInt(c -> c.windows().size()).sum();
  }

  /** The snapshot in the versioned byte format described on the class. */
  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeShort(VERSION);
      out.writeLong(watermark);
      out.writeInt(computations.size());
      for (ComputationState c : computations) {
        out.writeUTF(c.name());
        out.writeLong(c.sizeMillis());
        out.writeInt(c.windows().size());
        for (Window w : c.windows()) {
          writeBytes(out, w.key());
          out.writeLong(w.windowStart());
          out.writeInt(w.revision());
          writeBytes(out, w.accumulator());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads a snapshot written by {@link #toBytes()}.
   *
   * @throws IllegalArgumentException if the bytes are not a snapshot of a known version
   */
  public static WindowSnapshot fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not a window snapshot");
      }
      short version = in.readShort();
      if (version != VERSION) {
        throw new IllegalArgumentException("unknown window snapshot version " + version);
      }
      long watermark = in.readLong();
      int count = in.readInt();
      List<ComputationState> computations = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        long size = in.readLong();
        int windowCount = in.readInt();
        List<Window> windows = new ArrayList<>(windowCount);
        for (int j = 0; j < windowCount; j++) {
          byte[] key = readBytes(in);
          long start = in.readLong();
          int revision = in.readInt();
          windows.add(new Window(key, start, revision, readBytes(in)));
        }
        computations.add(new ComputationState(name, size, windows));
      }
      if (in.read() != -1) {
        throw new IllegalArgumentException("trailing bytes after window snapshot");
      }
      return new WindowSnapshot(watermark, computations);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated window snapshot", e);
    }
  }

  private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
    out.writeInt(value.length);
    out.write(value);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IOException("bad length " + length);
    }
    return in.readNBytes(length);
  }
}
