package io.tidemark.service.generate;

import static io.tidemark.service.generate.GeneratorTest.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Replays the clicks through the watermark rules of SPEC §2 (one partition, out-of-orderness 5 s,
 * allowed lateness 60 s, windows of 1 and 5 minutes) and checks each kind is as late as it says.
 */
class ClickLatenessTest {

  private static final long OUT_OF_ORDERNESS = 5_000;
  private static final long ALLOWED_LATENESS = 60_000;
  private static final long PAGEVIEWS = 60_000;
  private static final long VISITORS = 300_000;

  @Test
  void tooLateClicksAreTooLateAndOthersAreInTime() {
    long maxTs = Long.MIN_VALUE;
    for (GeneratedRecord record : GeneratorTest.CLICKS) {
      if (!record.kind().decodes()) {
        continue;
      }
      long ts = record.ts();
      boolean lateForPageviews = tooLate(maxTs, ts, PAGEVIEWS);
      boolean lateForVisitors = tooLate(maxTs, ts, VISITORS);
      switch (record.kind()) {
        case CLICK_TOO_LATE_FOR_PAGEVIEWS -> assertTrue(lateForPageviews, describe(record));
        case CLICK_TOO_LATE_FOR_ALL, VALID_MIN_TS ->
            assertTrue(lateForPageviews && lateForVisitors, describe(record));
        default -> assertTrue(!lateForPageviews && !lateForVisitors, describe(record));
      }
      maxTs = Math.max(maxTs, ts);
    }
  }

  @Test
  void disorderWithinOutOfOrdernessNeverMeetsAFiredWindow() {
    Map<Injected, Long> inFiredWindow = new EnumMap<>(Injected.class);
    long maxTs = Long.MIN_VALUE;
    for (GeneratedRecord record : GeneratorTest.CLICKS) {
      if (!record.kind().decodes()) {
        continue;
      }
      long watermark = maxTs == Long.MIN_VALUE ? Long.MIN_VALUE : maxTs - OUT_OF_ORDERNESS;
      if (windowEnd(record.ts(), PAGEVIEWS) <= watermark) {
        inFiredWindow.merge(record.kind(), 1L, Long::sum);
      }
      maxTs = Math.max(maxTs, record.ts());
    }
    for (Injected kind :
        new Injected[] {
          Injected.CLICK_IN_ORDER,
          Injected.CLICK_SMALL_DISORDER,
          Injected.CLICK_MEDIUM_DISORDER,
          Injected.CLICK_MINUTE_START,
          Injected.CLICK_FIVE_MINUTE_START,
          Injected.CLICK_MINUTE_LAST_MS
        }) {
      assertEquals(0L, inFiredWindow.getOrDefault(kind, 0L), kind.name());
    }
    assertTrue(inFiredWindow.getOrDefault(Injected.CLICK_LATE_IN_ALLOWED, 0L) > 0);
  }

  private static boolean tooLate(long maxTs, long ts, long size) {
    return maxTs != Long.MIN_VALUE
        && maxTs - OUT_OF_ORDERNESS >= windowEnd(ts, size) + ALLOWED_LATENESS;
  }

  private static long windowEnd(long ts, long size) {
    return ts - Math.floorMod(ts, size) + size;
  }
}
