package io.tidemark.service.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.streams.event.Decoded;
import io.tidemark.streams.event.EventCodec;
import io.tidemark.streams.event.Reason;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Two independent readings of SPEC §1 must agree: the generator's label of every record it makes
 * ({@link Injected#decodeFailure()}) and the production decoder's verdict on its bytes.
 */
class GeneratorDecoderAgreementTest {

  private final Generator generator =
      new Generator(GeneratorSettings.defaults().withCounts(40_000, 20_000).withSeed(11));

  @Test
  void decoderAgreesWithEveryInjectedClickKind() {
    Set<Injected> seen = check(generator.clicks(), true);
    assertEquals(bad(Generator.CLICKS), bad(seen), "every bad click kind checked");
  }

  @Test
  void decoderAgreesWithEveryInjectedTransactionKind() {
    Set<Injected> seen = check(generator.transactions(), false);
    assertEquals(
        EnumSet.copyOf(Injected.of(Generator.TRANSACTIONS)),
        seen,
        "every transaction kind checked");
  }

  private static Set<Injected> bad(String topic) {
    return bad(Injected.of(topic));
  }

  private static Set<Injected> bad(java.util.Collection<Injected> kinds) {
    Set<Injected> bad = EnumSet.noneOf(Injected.class);
    kinds.stream().filter(kind -> !kind.decodes()).forEach(bad::add);
    return bad;
  }

  private static Set<Injected> check(Iterator<GeneratedRecord> records, boolean clicks) {
    Set<Injected> seen = EnumSet.noneOf(Injected.class);
    long checked = 0;
    while (records.hasNext()) {
      GeneratedRecord record = records.next();
      Decoded<?> decoded =
          clicks
              ? EventCodec.decodeClick(record.value())
              : EventCodec.decodeTransaction(record.value());
      Reason got = decoded instanceof Decoded.Invalid<?> invalid ? invalid.reason() : null;
      assertEquals(
          record.kind().decodeFailure(),
          got,
          () ->
              record.kind()
                  + ": "
                  + new String(record.value(), java.nio.charset.StandardCharsets.UTF_8));
      seen.add(record.kind());
      checked++;
    }
    assertTrue(checked > 10_000, "records checked");
    return seen;
  }
}
