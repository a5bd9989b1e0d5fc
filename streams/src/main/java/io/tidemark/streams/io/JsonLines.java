package io.tidemark.streams.io;

import java.nio.file.Path;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.IOResult;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * JSON-lines files as streams, for {@code tidemark replay} (SPEC §6.1): a file is one partition, a
 * record is one line split on {@code '\n'}, its offset the 0-based line number. Lines are handed
 * over as raw bytes; decoding them is the codec's job, so a bad line becomes a dead letter like any
 * bad Kafka record.
 */
public final class JsonLines {

  /** Bytes read from the file per chunk. */
  static final int CHUNK_SIZE = 256 * 1024;

  /** Most bytes gathered into one write while the file writer is busy. */
  static final long WRITE_BATCH_BYTES = 256 * 1024;

  private JsonLines() {}

  /**
   * The lines of {@code file}, in file order. A final empty segment after the last {@code '\n'} is
   * not a line; an empty line in the middle is. {@code '\r'} bytes are kept as they are. Lines may
   * be of any length an array can hold. Materializes the file read's result.
   */
  public static Source<Line, CompletionStage<IOResult>> source(Path file) {
    return FileIO.fromPath(file, CHUNK_SIZE).via(splitter()).named("jsonLinesSource");
  }

  /** Splits a byte stream into numbered lines with the rules of {@link #source(Path)}. */
  public static Flow<ByteString, Line, NotUsed> splitter() {
    return Flow.fromGraph(new LineSplitter()).named("jsonLinesSplitter");
  }

  /**
   * Writes each element followed by {@code '\n'} to {@code file} (created or truncated). Elements
   * are batched into larger writes while the writer is busy. Materializes the file write's result.
   */
  public static Sink<byte[], CompletionStage<IOResult>> sink(Path file) {
    return Flow.of(byte[].class)
        .batchWeighted(
            WRITE_BATCH_BYTES, JsonLines::cost, JsonLines::startBatch, JsonLines::addToBatch)
        .map(ByteStringBuilder::result)
        .toMat(FileIO.toPath(file), Keep.right())
        .named("jsonLinesSink");
  }

  private static long cost(byte[] element) {
    return element.length + 1L;
  }

  private static ByteStringBuilder startBatch(byte[] element) {
    return addToBatch(new ByteStringBuilder(), element);
  }

  // The builder never leaves the batch stage before it is complete, so mutating it is safe.
  private static ByteStringBuilder addToBatch(ByteStringBuilder batch, byte[] element) {
    batch.putBytes(element);
    batch.putByte((byte) '\n');
    return batch;
  }
}
