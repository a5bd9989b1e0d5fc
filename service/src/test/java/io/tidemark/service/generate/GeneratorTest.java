package io.tidemark.service.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.streams.event.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GeneratorTest {

  /** Small but long enough for every kind: 70 s of clicks cross a minute and a 5-minute edge. */
  static final GeneratorSettings SETTINGS =
      new GeneratorSettings(
          70_000, 6_000, 7, 500, 200, 0.02, 0.05, 0.05, GeneratorSettings.DEFAULT_START_TS);

  static final Generator GENERATOR = new Generator(SETTINGS);
  static final List<GeneratedRecord> CLICKS = all(GENERATOR.clicks());
  static final List<GeneratedRecord> TRANSACTIONS = all(GENERATOR.transactions());
  static final List<GeneratedRecord> BOTH = concat(CLICKS, TRANSACTIONS);

  /** {@link SpecModel#parse} of each record of {@link #BOTH}, parsed once for all tests. */
  static final List<JsonNode> PARSED = BOTH.stream().map(r -> SpecModel.parse(r.value())).toList();

  static List<GeneratedRecord> all(Iterator<GeneratedRecord> records) {
    List<GeneratedRecord> list = new ArrayList<>();
    records.forEachRemaining(list::add);
    return list;
  }

  @Test
  void sameSeedGivesIdenticalRecords() {
    Generator again = new Generator(SETTINGS);
    assertSameRecords(CLICKS, all(again.clicks()));
    assertSameRecords(TRANSACTIONS, all(again.transactions()));
  }

  @Test
  void differentSeedGivesDifferentRecords() {
    Generator other = new Generator(SETTINGS.withSeed(8));
    assertFalse(sameValues(CLICKS, all(other.clicks())));
    assertFalse(sameValues(TRANSACTIONS, all(other.transactions())));
  }

  @Test
  void filesHoldExactlyTheRequestedNumberOfRecords() {
    assertEquals(SETTINGS.clicks(), CLICKS.size());
    assertEquals(SETTINGS.transactions(), TRANSACTIONS.size());
    assertTrue(all(new Generator(SETTINGS.withCounts(0, 0)).transactions()).isEmpty());
  }

  @Test
  void everyKindOfEachTopicOccurs() {
    assertEquals(kindSet(Injected.of(Generator.CLICKS)), kindsIn(CLICKS));
    assertEquals(kindSet(Injected.of(Generator.TRANSACTIONS)), kindsIn(TRANSACTIONS));
  }

  @Test
  void everyBadKindSharedByBothTopicsIsInBothFiles() {
    for (Injected kind : Injected.values()) {
      if (!kind.decodes() && kind.occursIn(Generator.CLICKS)) {
        assertTrue(kindsIn(CLICKS).contains(kind), kind::name);
        assertTrue(kindsIn(TRANSACTIONS).contains(kind), kind::name);
      }
    }
  }

  @Test
  void everyRecordDecodesExactlyAsItsKindSays() {
    for (int i = 0; i < BOTH.size(); i++) {
      GeneratedRecord record = BOTH.get(i);
      Reason actual = SpecModel.decodeFailure(record.topic(), PARSED.get(i));
      assertEquals(record.kind().decodeFailure(), actual, () -> describe(record));
    }
  }

  @Test
  void noRecordContainsANewline() {
    for (GeneratedRecord record : BOTH) {
      for (byte b : record.value()) {
        assertTrue(b != '\n', () -> describe(record));
      }
    }
  }

  @Test
  void missingAndEmptyVariantsCoverEveryRequiredField() {
    for (String topic : List.of(Generator.CLICKS, Generator.TRANSACTIONS)) {
      Set<String> absent = new HashSet<>();
      Set<String> nulls = new HashSet<>();
      for (int i = 0; i < BOTH.size(); i++) {
        GeneratedRecord record = BOTH.get(i);
        JsonNode node = PARSED.get(i);
        if (!record.topic().equals(topic) || node == null) {
          continue;
        }
        for (String field : SpecModel.required(topic)) {
          if (record.kind() == Injected.MISSING_ABSENT && !node.has(field)) {
            absent.add(field);
          }
          if (record.kind() == Injected.MISSING_NULL
              && node.has(field)
              && node.get(field).isNull()) {
            nulls.add(field);
          }
        }
      }
      assertEquals(Set.copyOf(SpecModel.required(topic)), absent, topic);
      assertEquals(Set.copyOf(SpecModel.required(topic)), nulls, topic);
    }
  }

  @Test
  void validRecordsCarryTheirTimestampWithinTheSpan() {
    for (int i = 0; i < BOTH.size(); i++) {
      GeneratedRecord record = BOTH.get(i);
      if (!record.kind().decodes()) {
        assertEquals(GeneratedRecord.NO_TS, record.ts());
        continue;
      }
      assertEquals(record.ts(), PARSED.get(i).get("ts").asLong());
      if (record.kind() == Injected.VALID_MIN_TS) {
        assertEquals(GeneratorSettings.MIN_VALID_TS, record.ts());
      } else {
        assertTrue(record.ts() >= GENERATOR.earliestTs(), () -> describe(record));
        assertTrue(record.ts() <= GENERATOR.latestTs(), () -> describe(record));
      }
    }
  }

  @Test
  void boundaryClicksSitExactlyOnWindowEdges() {
    for (GeneratedRecord record : CLICKS) {
      switch (record.kind()) {
        case CLICK_MINUTE_START -> {
          assertEquals(0, record.ts() % 60_000);
          assertTrue(record.ts() % 300_000 != 0);
        }
        case CLICK_FIVE_MINUTE_START -> assertEquals(0, record.ts() % 300_000);
        case CLICK_MINUTE_LAST_MS -> assertEquals(59_999, record.ts() % 60_000);
        default -> {}
      }
    }
  }

  @Test
  void pagesCarryQueryStringsAndFragmentsSometimes() {
    long withQuery = 0;
    long withFragment = 0;
    for (int i = 0; i < CLICKS.size(); i++) {
      if (CLICKS.get(i).kind() == Injected.CLICK_IN_ORDER) {
        String url = PARSED.get(i).get("url").textValue();
        withQuery += url.contains("?") ? 1 : 0;
        withFragment += url.contains("#") ? 1 : 0;
      }
    }
    long inOrder = count(CLICKS, Injected.CLICK_IN_ORDER);
    assertTrue(withQuery > inOrder / 10 && withQuery < inOrder / 2, "query strings " + withQuery);
    assertTrue(withFragment > inOrder / 50, "fragments " + withFragment);
  }

  @Test
  void duplicatesRepeatTheBytesOfAnEarlierRecord() {
    for (List<GeneratedRecord> file : List.of(CLICKS, TRANSACTIONS)) {
      Set<String> seen = new HashSet<>();
      for (GeneratedRecord record : file) {
        String text = new String(record.value(), StandardCharsets.ISO_8859_1);
        boolean duplicate =
            record.kind() == Injected.CLICK_DUPLICATE || record.kind() == Injected.TXN_DUPLICATE;
        if (duplicate) {
          assertTrue(seen.contains(text), () -> describe(record));
        }
        seen.add(text);
      }
    }
  }

  private static long count(List<GeneratedRecord> records, Injected kind) {
    return records.stream().filter(record -> record.kind() == kind).count();
  }

  static Set<Injected> kindsIn(List<GeneratedRecord> records) {
    return records.stream()
        .map(GeneratedRecord::kind)
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(Injected.class)));
  }

  private static Set<Injected> kindSet(List<Injected> kinds) {
    return EnumSet.copyOf(kinds);
  }

  static List<GeneratedRecord> concat(List<GeneratedRecord> a, List<GeneratedRecord> b) {
    List<GeneratedRecord> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static void assertSameRecords(
      List<GeneratedRecord> expected, List<GeneratedRecord> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i).value(), actual.get(i).value(), "record " + i);
      assertArrayEquals(expected.get(i).key(), actual.get(i).key(), "key " + i);
      assertEquals(expected.get(i).kind(), actual.get(i).kind(), "kind " + i);
      assertEquals(expected.get(i).ts(), actual.get(i).ts(), "ts " + i);
    }
  }

  private static boolean sameValues(List<GeneratedRecord> a, List<GeneratedRecord> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i).value(), b.get(i).value())) {
        return false;
      }
    }
    return true;
  }

  static String describe(GeneratedRecord record) {
    return record.kind() + " " + new String(record.value(), StandardCharsets.UTF_8);
  }
}
