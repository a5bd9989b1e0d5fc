package io.tidemark.streams.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.streams.event.Decoded.Invalid;
import io.tidemark.streams.event.Decoded.Valid;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Properties of the codec over random and mutated input: total, consistent, lossless. */
class EventCodecPropertyTest {

  private static final String TS = "1732300000123";
  private static final byte[][] SEEDS = {
    utf8(
        "{\"eventId\":\"c-000123\",\"userId\":\"u-42\",\"url\":\"https://shop.example/p/7?ref=mail\",\"ts\":"
            + TS
            + "}"),
    utf8(
        "{\"txnId\":\"t-000981\",\"userId\":\"u-42\",\"amount\":12.50,\"currency\":\"EUR\",\"country\":\"DE\",\"ts\":"
            + TS
            + "}"),
    utf8(
        "{\"meta\":{\"a\":[1,-2.5e3,{\"b\":null}],\"s\":\"é中\\u00e9\\n\"},\"eventId\":\"c\",\"txnId\":\"t\","
            + "\"userId\":\"ü\",\"url\":\"/\",\"amount\":0,\"country\":\"fr\",\"ts\":946684800000}"),
  };

  /** Bytes that matter to JSON or UTF-8, used by mutations. */
  private static final byte[] INTERESTING = {
    '{',
    '}',
    '[',
    ']',
    '"',
    ':',
    ',',
    '\\',
    '/',
    '0',
    '1',
    '9',
    '-',
    '+',
    '.',
    'e',
    'E',
    'n',
    't',
    'a',
    ' ',
    '\n',
    '\t',
    0x00,
    0x01,
    0x1F,
    0x7F,
    (byte) 0x80,
    (byte) 0xBF,
    (byte) 0xC0,
    (byte) 0xC2,
    (byte) 0xC3,
    (byte) 0xE0,
    (byte) 0xE2,
    (byte) 0xED,
    (byte) 0xEF,
    (byte) 0xF0,
    (byte) 0xF4,
    (byte) 0xF5,
    (byte) 0xFF
  };

  enum Kind {
    REPLACE,
    INSERT,
    DELETE,
    TRUNCATE,
    DUPLICATE
  }

  record Mutation(Kind kind, int position, byte value) {
    byte[] apply(byte[] in) {
      int at = in.length == 0 ? 0 : position % in.length;
      return switch (kind) {
        case REPLACE -> {
          byte[] out = in.clone();
          if (out.length > 0) {
            out[at] = value;
          }
          yield out;
        }
        case INSERT -> {
          byte[] out = new byte[in.length + 1];
          System.arraycopy(in, 0, out, 0, at);
          out[at] = value;
          System.arraycopy(in, at, out, at + 1, in.length - at);
          yield out;
        }
        case DELETE -> {
          if (in.length == 0) {
            yield in;
          }
          byte[] out = new byte[in.length - 1];
          System.arraycopy(in, 0, out, 0, at);
          System.arraycopy(in, at + 1, out, at, in.length - at - 1);
          yield out;
        }
        case TRUNCATE -> Arrays.copyOf(in, at);
        case DUPLICATE -> {
          int end = Math.min(in.length, at + 1 + (value & 0x0F));
          byte[] out = new byte[in.length + end - at];
          System.arraycopy(in, 0, out, 0, end);
          System.arraycopy(in, at, out, end, in.length - at);
          yield out;
        }
      };
    }
  }

  @Provide
  Arbitrary<byte[]> randomBytes() {
    Arbitrary<Byte> anyByte = Arbitraries.bytes();
    Arbitrary<Byte> special = Arbitraries.of(boxed(INTERESTING));
    return Arbitraries.oneOf(anyByte, special)
        .list()
        .ofMaxSize(64)
        .map(EventCodecPropertyTest::unbox);
  }

  @Provide
  Arbitrary<byte[]> mutatedRecords() {
    Arbitrary<Mutation> mutation =
        Combinators.combine(
                Arbitraries.of(Kind.class),
                Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.of(boxed(INTERESTING)))
            .as(Mutation::new);
    return Combinators.combine(Arbitraries.of(SEEDS), mutation.list().ofMinSize(1).ofMaxSize(4))
        .as(
            (seed, mutations) -> {
              byte[] record = seed;
              for (Mutation m : mutations) {
                record = m.apply(record);
              }
              return record;
            });
  }

  @Property(tries = 1000)
  void randomBytesAlwaysDecodeToValidOrInvalid(@ForAll("randomBytes") byte[] value) {
    checkClick(EventCodec.decodeClick(value));
    checkTransaction(EventCodec.decodeTransaction(value));
  }

  @Property(tries = 1500)
  void mutatedRecordsAlwaysDecodeToValidOrInvalid(@ForAll("mutatedRecords") byte[] value) {
    checkClick(EventCodec.decodeClick(value));
    checkTransaction(EventCodec.decodeTransaction(value));
  }

  @Property(tries = 2000)
  void utf8CheckAgreesWithTheJdkDecoder(@ForAll("randomBytes") byte[] value) {
    assertEquals(jdkFirstInvalid(value), Utf8.firstInvalid(value));
  }

  @Property(tries = 200)
  void anyClickRoundTrips(
      @ForAll("texts") String eventId,
      @ForAll("texts") String userId,
      @ForAll("texts") String url,
      @ForAll("timestamps") long ts) {
    Click click = new Click(eventId, userId, url, ts);
    assertEquals(new Valid<>(click), EventCodec.decodeClick(EventCodec.encode(click)));
  }

  @Property(tries = 200)
  void anyTransactionRoundTrips(
      @ForAll("texts") String txnId,
      @ForAll("amounts") double amount,
      @ForAll("currencies") String currency,
      @ForAll("countries") String country,
      @ForAll("timestamps") long ts) {
    Transaction txn = new Transaction(txnId, "u-1", amount, currency, country, ts);
    assertEquals(new Valid<>(txn), EventCodec.decodeTransaction(EventCodec.encode(txn)));
  }

  @Property(tries = 200)
  void anyTextHoldingNulIsInvalid(
      @ForAll("texts") String text, @ForAll @IntRange(min = 0, max = 40) int at) {
    int index = Math.min(at, text.length() - 1);
    String withNul = text.substring(0, index) + '\u0000' + text.substring(index + 1);
    Click click = new Click("c-1", "u-1", withNul, EventCodec.MIN_TS);
    assertEquals(
        new Invalid<Click>(Reason.INVALID_FIELD, "url: contains U+0000 at char " + index),
        EventCodec.decodeClick(EventCodec.encode(click)));
  }

  /** Strings SPEC §1 accepts: 1 to 1024 UTF-16 units, any but U+0000. */
  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.oneOf(
        Arbitraries.strings().excludeChars('\u0000').ofMinLength(1).ofMaxLength(40),
        Arbitraries.strings().all().excludeChars('\u0000').ofMinLength(1).ofMaxLength(40),
        Arbitraries.strings().ascii().excludeChars('\u0000').ofMinLength(1000).ofMaxLength(1024));
  }

  @Provide
  Arbitrary<Long> timestamps() {
    return Arbitraries.longs().between(EventCodec.MIN_TS, EventCodec.END_TS - 1);
  }

  @Provide
  Arbitrary<Double> amounts() {
    return Arbitraries.oneOf(
        Arbitraries.doubles().between(0, 1e6).ofScale(2),
        Arbitraries.doubles().between(0, Double.MAX_VALUE),
        Arbitraries.of(0.0, Double.MIN_VALUE, Double.MAX_VALUE, 1e-300, 0.1));
  }

  @Provide
  Arbitrary<String> currencies() {
    return Arbitraries.strings().all().ofMaxLength(5).injectNull(0.3);
  }

  @Provide
  Arbitrary<String> countries() {
    return Arbitraries.strings().withCharRange('A', 'Z').ofLength(2);
  }

  // ---- invariants of a decoding result ----

  private static void checkClick(Decoded<Click> decoded) {
    assertNotNull(decoded);
    if (decoded instanceof Valid<Click> valid) {
      Click c = valid.value();
      checkText(c.eventId());
      checkText(c.userId());
      checkText(c.url());
      checkTs(c.ts());
    } else {
      checkInvalid((Invalid<Click>) decoded);
    }
  }

  private static void checkTransaction(Decoded<Transaction> decoded) {
    assertNotNull(decoded);
    if (decoded instanceof Valid<Transaction> valid) {
      Transaction t = valid.value();
      checkText(t.txnId());
      checkText(t.userId());
      assertTrue(Double.isFinite(t.amount()) && Double.compare(t.amount(), 0.0) >= 0);
      assertTrue(t.country().matches("[A-Z]{2}"), t.country());
      checkTs(t.ts());
    } else {
      checkInvalid((Invalid<Transaction>) decoded);
    }
  }

  private static void checkText(String s) {
    assertTrue(s != null && !s.isEmpty() && s.length() <= EventCodec.MAX_STRING_LENGTH);
  }

  private static void checkTs(long ts) {
    assertTrue(ts >= EventCodec.MIN_TS && ts < EventCodec.END_TS);
  }

  private static void checkInvalid(Invalid<?> invalid) {
    assertTrue(
        List.of(Reason.MALFORMED_JSON, Reason.MISSING_FIELD, Reason.INVALID_FIELD)
            .contains(invalid.reason()));
    assertTrue(!invalid.detail().isEmpty() && invalid.detail().length() <= 200, invalid.detail());
  }

  // ---- helpers ----

  /** The brute-force model: the JDK's strict UTF-8 decoder. */
  private static int jdkFirstInvalid(byte[] value) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(value);
    CoderResult result = decoder.decode(in, CharBuffer.allocate(value.length * 2 + 2), true);
    return result.isError() ? in.position() : -1;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Byte[] boxed(byte[] bytes) {
    Byte[] out = new Byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = bytes[i];
    }
    return out;
  }

  private static byte[] unbox(List<Byte> bytes) {
    byte[] out = new byte[bytes.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = bytes.get(i);
    }
    return out;
  }
}
