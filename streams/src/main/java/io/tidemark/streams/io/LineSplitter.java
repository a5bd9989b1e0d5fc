package io.tidemark.streams.io;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * Splits a byte stream into {@link Line}s on {@code '\n'}, numbering them from 0. A line may span
 * any number of chunks and be of any length an array can hold; an empty segment after the last
 * {@code '\n'} is not a line, an empty line before it is. Stock {@code Framing.delimiter} needs a
 * maximum frame length and works on {@code ByteString} slices; this stage copies each line's bytes
 * once and scans eight bytes at a time.
 */
final class LineSplitter extends GraphStage<FlowShape<ByteString, Line>> {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;
  private static final int MAX_LINE = Integer.MAX_VALUE - 16; // largest array the JVM allocates
  private static final int RETAINED_PARTIAL = 1 << 20; // larger buffers are dropped after use
  private static final byte[] NO_BYTES = new byte[0];

  private final Inlet<ByteString> in = Inlet.create("LineSplitter.in");
  private final Outlet<Line> out = Outlet.create("LineSplitter.out");
  private final FlowShape<ByteString, Line> shape = FlowShape.of(in, out);

  @Override
  public FlowShape<ByteString, Line> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new Logic();
  }

  /** Index of the first {@code '\n'} in {@code a} at or after {@code from}, or -1. */
  static int indexOfNewline(byte[] a, int from) {
    int i = from;
    for (; i + 8 <= a.length; i += 8) {
      long x = (long) LONGS.get(a, i) ^ NEWLINES; // a zero byte where there was '\n'
      long zeros = (x - ONES) & ~x & HIGH_BITS; // the lowest set bit marks the first zero byte
      if (zeros != 0) {
        return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
      }
    }
    for (; i < a.length; i++) {
      if (a[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private final class Logic extends GraphStageLogic {
    private byte[] chunk = NO_BYTES; // the unread part is chunk[position..]
    private int position;
    private byte[] partial = NO_BYTES; // the start of a line that began in an earlier chunk
    private int partialLength;
    private long nextOffset;
    private boolean upstreamDone;

    Logic() {
      super(shape);
      setHandlers(
          in,
          out,
          new AbstractInOutHandler() {
            @Override
            public void onPush() {
              chunk = grab(in).toArrayUnsafe(); // only read, never written
              position = 0;
              emitNext();
            }

            @Override
            public void onPull() {
              emitNext();
            }

            @Override
            public void onUpstreamFinish() {
              upstreamDone = true;
              if (isAvailable(out)) {
                emitNext();
              }
            }
          });
    }

    /** Called with demand downstream: pushes the next line, or asks for more bytes, or ends. */
    private void emitNext() {
      int newline = indexOfNewline(chunk, position);
      if (newline >= 0) {
        byte[] bytes = takeLine(newline);
        position = newline + 1;
        push(out, new Line(nextOffset++, bytes));
        return;
      }
      appendToPartial(chunk, position, chunk.length);
      chunk = NO_BYTES;
      position = 0;
      if (!upstreamDone) {
        pull(in);
        return;
      }
      if (partialLength > 0) {
        push(out, new Line(nextOffset++, takeLine(0)));
      }
      completeStage();
    }

    /** The partial line followed by {@code chunk[position..end)}; empties the partial line. */
    private byte[] takeLine(int end) {
      if (partialLength == 0) {
        return Arrays.copyOfRange(chunk, position, end);
      }
      int tail = end - position;
      if ((long) partialLength + tail > MAX_LINE) {
        throw new IllegalStateException("line " + nextOffset + " is longer than " + MAX_LINE);
      }
      byte[] line = Arrays.copyOf(partial, partialLength + tail);
      System.arraycopy(chunk, position, line, partialLength, tail);
      partialLength = 0;
      if (partial.length > RETAINED_PARTIAL) {
        partial = NO_BYTES;
      }
      return line;
    }

    private void appendToPartial(byte[] source, int from, int to) {
      int count = to - from;
      if (count == 0) {
        return;
      }
      long needed = (long) partialLength + count;
      if (needed > MAX_LINE) {
        throw new IllegalStateException("line " + nextOffset + " is longer than " + MAX_LINE);
      }
      if (needed > partial.length) {
        long grown = Math.max(needed, Math.max(1024L, 2L * partial.length));
        partial = Arrays.copyOf(partial, (int) Math.min(grown, MAX_LINE));
      }
      System.arraycopy(source, from, partial, partialLength, count);
      partialLength += count;
    }
  }
}
