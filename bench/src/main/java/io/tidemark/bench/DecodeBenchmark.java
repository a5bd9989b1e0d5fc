package io.tidemark.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.streams.event.Click;
import io.tidemark.streams.event.Decoded;
import io.tidemark.streams.event.EventCodec;
import io.tidemark.streams.event.Transaction;
import java.io.IOException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of the hot-path decoder on realistic records, one record per operation, against a
 * baseline that only parses the same bytes into a Jackson tree ({@code ObjectMapper.readTree}), so
 * the ratio survives noisy machines. Run: {@code java -jar bench/target/benchmarks.jar
 * DecodeBenchmark}. On a loaded machine give the JIT a long warmup ({@code -w 10s}): short runs
 * measure interpreted code.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 2)
public class DecodeBenchmark {

  private static final int RECORDS = 4096; // a power of two, for the cursor mask
  private static final long START_TS = 1_732_300_000_000L;
  private static final String[] CATEGORIES = {"p", "c", "search", "cart", "checkout", "blog"};
  private static final String[] REFS = {
    "", "?ref=mail", "?utm_source=ads&utm_campaign=bf", "#reviews"
  };
  private static final String[] COUNTRIES = {"DE", "FR", "US", "GB", "nl", "ES", "IT", "PL"};

  private final ObjectMapper mapper = new ObjectMapper();
  private byte[][] clicks;
  private byte[][] transactions;

  /** Each thread walks the records in order, so no two operations share a record by design. */
  @State(Scope.Thread)
  public static class Cursor {
    private int next;

    byte[] next(byte[][] records) {
      return records[next++ & (RECORDS - 1)];
    }
  }

  @Setup
  public void generate() {
    Random random = new Random(7);
    clicks = new byte[RECORDS][];
    transactions = new byte[RECORDS][];
    for (int i = 0; i < RECORDS; i++) {
      long ts = START_TS + i * 37L + random.nextInt(5_000); // slightly out of order
      String user = "u-" + skewedUser(random);
      String url =
          "https://shop.example/"
              + CATEGORIES[random.nextInt(CATEGORIES.length)]
              + "/"
              + random.nextInt(2_000)
              + REFS[random.nextInt(REFS.length)];
      clicks[i] = EventCodec.encode(new Click(String.format("c-%06d", i), user, url, ts));
      double amount = Math.round(random.nextDouble() * 50_000) / 100.0;
      String country = COUNTRIES[random.nextInt(COUNTRIES.length)];
      transactions[i] =
          EventCodec.encode(
              new Transaction(String.format("t-%06d", i), user, amount, "EUR", country, ts));
    }
  }

  private static int skewedUser(Random random) {
    // a few heavy users and a long tail
    return random.nextInt(10) < 3 ? random.nextInt(50) : random.nextInt(100_000);
  }

  @Benchmark
  public Decoded<Click> decodeClick(Cursor cursor) {
    return EventCodec.decodeClick(cursor.next(clicks));
  }

  @Benchmark
  public Decoded<Transaction> decodeTransaction(Cursor cursor) {
    return EventCodec.decodeTransaction(cursor.next(transactions));
  }

  /** Baseline: a plain tree parse of the click bytes, no validation at all. */
  @Benchmark
  public JsonNode jacksonReadTreeClick(Cursor cursor) throws IOException {
    return mapper.readTree(cursor.next(clicks));
  }
}
