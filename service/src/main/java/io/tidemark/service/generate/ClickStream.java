package io.tidemark.service.generate;

import static io.tidemark.service.generate.Injected.CLICK_DUPLICATE;
import static io.tidemark.service.generate.Injected.CLICK_FIVE_MINUTE_START;
import static io.tidemark.service.generate.Injected.CLICK_IN_ORDER;
import static io.tidemark.service.generate.Injected.CLICK_LATE_IN_ALLOWED;
import static io.tidemark.service.generate.Injected.CLICK_MEDIUM_DISORDER;
import static io.tidemark.service.generate.Injected.CLICK_MINUTE_LAST_MS;
import static io.tidemark.service.generate.Injected.CLICK_MINUTE_START;
import static io.tidemark.service.generate.Injected.CLICK_SMALL_DISORDER;
import static io.tidemark.service.generate.Injected.CLICK_TOO_LATE_FOR_ALL;
import static io.tidemark.service.generate.Injected.CLICK_TOO_LATE_FOR_PAGEVIEWS;
import static io.tidemark.service.generate.Injected.VALID_DUPLICATE_KEYS;
import static io.tidemark.service.generate.Injected.VALID_ESCAPES;
import static io.tidemark.service.generate.Injected.VALID_MAX_LENGTH;
import static io.tidemark.service.generate.Injected.VALID_MIN_TS;
import static io.tidemark.service.generate.Injected.VALID_UNICODE;
import static io.tidemark.service.generate.Injected.VALID_UNKNOWN_FIELDS;
import static io.tidemark.service.generate.Injected.VALID_WHITESPACE;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The deterministic sequence of click records of one run (see {@link Generator} for the mix). A
 * clock advances 1 ms per record (1000 clicks per second of event time); each record is drawn at
 * the clock, behind it, as a duplicate or broken, and window boundaries are emitted as the clock
 * passes them.
 */
final class ClickStream implements Iterator<GeneratedRecord> {

  private static final int WARM_UP = Generator.WARM_UP_RECORDS;
  private static final double EDGE_SHARE = 0.01;
  private static final double DUPLICATE_SHARE = 0.005;
  private static final double SMALL_DISORDER_SHARE = 0.10;
  private static final double NO_KEY_SHARE = 0.01;
  private static final int RECENT = 64;
  private static final long MINUTE = 60_000;
  private static final List<String> REQUIRED = List.of("eventId", "userId", "url", "ts");
  private static final List<String> STRINGS = List.of("eventId", "userId", "url");
  private static final List<Injected> EDGE_KINDS =
      List.of(
          VALID_UNKNOWN_FIELDS,
          VALID_DUPLICATE_KEYS,
          VALID_ESCAPES,
          VALID_WHITESPACE,
          VALID_UNICODE,
          VALID_MAX_LENGTH,
          VALID_MIN_TS);
  private static final String[] SUFFIXES = {
    "?ref=mail", "?ref=ads&utm_source=newsletter", "#reviews", "?q=shoes#top", "?color=red&size=m"
  };

  private final Population population;
  private final Rng rng;
  private final Zipf pages;
  private final Zipf users;
  private final Mutations mutations;
  private final List<Injected> badKinds =
      Injected.of(Generator.CLICKS).stream().filter(kind -> !kind.decodes()).toList();
  private final long count;
  private final long start;
  private final double badShare;
  private final double lateShare;
  private final ArrayDeque<GeneratedRecord> pending = new ArrayDeque<>();
  private final GeneratedRecord[] recent = new GeneratedRecord[RECENT];
  private long recentCount;
  private long index;
  private long eventSeq;
  private long nextBoundary;
  private int badTurn;
  private int lastUser;
  private int page;
  private int suffix;
  private final StringBuilder text = new StringBuilder(256);
  private int edgeTurn;

  ClickStream(GeneratorSettings settings, Population population) {
    this.population = population;
    this.rng = Rng.stream(settings.seed(), 2);
    this.pages = new Zipf(population.pages(), 1.1);
    this.users = new Zipf(population.users(), 0.8);
    this.mutations = new Mutations(Rng.stream(settings.seed(), 3), REQUIRED, STRINGS, "url");
    this.count = settings.clicks();
    this.start = settings.startTs();
    this.badShare = settings.badShare();
    this.lateShare = settings.lateShare();
    this.nextBoundary = start + Math.floorMod(-start, MINUTE);
  }

  @Override
  public boolean hasNext() {
    return index < count;
  }

  @Override
  public GeneratedRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    long now = start + index;
    if (pending.isEmpty() && now >= nextBoundary) {
      queueBoundary(nextBoundary);
      nextBoundary += MINUTE;
    }
    GeneratedRecord record = pending.isEmpty() ? draw(now) : pending.poll();
    index++;
    return record;
  }

  /** The last millisecond before the boundary and the boundary itself. */
  private void queueBoundary(long boundary) {
    pending.add(valid(CLICK_MINUTE_LAST_MS, boundary - 1, true));
    Injected kind = boundary % (5 * MINUTE) == 0 ? CLICK_FIVE_MINUTE_START : CLICK_MINUTE_START;
    pending.add(valid(kind, boundary, true));
  }

  private GeneratedRecord draw(long now) {
    double r = index < WARM_UP ? 1.0 : rng.nextDouble();
    double bound = badShare;
    if (r < bound) {
      Injected kind = badKinds.get(badTurn++ % badKinds.size());
      byte[] value = mutations.make(kind, fields(now));
      return new GeneratedRecord(Generator.CLICKS, key(), value, GeneratedRecord.NO_TS, kind);
    }
    if (r < (bound += EDGE_SHARE)) {
      return edge(EDGE_KINDS.get(edgeTurn++ % EDGE_KINDS.size()), now);
    }
    if (r < (bound += DUPLICATE_SHARE) && recentCount > 0) {
      GeneratedRecord original = recent[rng.nextInt((int) Math.min(recentCount, RECENT))];
      return new GeneratedRecord(
          Generator.CLICKS, original.key(), original.value(), original.ts(), CLICK_DUPLICATE);
    }
    if (r >= bound && r < bound + lateShare) {
      return late((r - bound) / lateShare, now);
    }
    bound += lateShare;
    if (r >= bound && r < bound + SMALL_DISORDER_SHARE) {
      long ts = now - rng.between(1, 500);
      return valid(CLICK_SMALL_DISORDER, ts, true);
    }
    GeneratedRecord record = valid(CLICK_IN_ORDER, now, !rng.chance(NO_KEY_SHARE));
    recent[(int) (recentCount++ % RECENT)] = record;
    return record;
  }

  /** A record behind the clock; {@code u} in [0, 1) picks how far. */
  private GeneratedRecord late(double u, long now) {
    Injected kind;
    long behind;
    if (u < 0.4) {
      kind = CLICK_MEDIUM_DISORDER;
      behind = rng.between(1_000, 4_500);
    } else if (u < 0.7) {
      kind = CLICK_LATE_IN_ALLOWED;
      behind = rng.between(10_000, 50_000);
    } else if (u < 0.85) {
      kind = CLICK_TOO_LATE_FOR_PAGEVIEWS;
      behind = rng.between(130_000, 240_000);
    } else {
      kind = CLICK_TOO_LATE_FOR_ALL;
      behind = rng.between(400_000, Generator.MAX_LOOKBACK_MS);
    }
    return valid(kind, now - behind, true);
  }

  private GeneratedRecord edge(Injected kind, long now) {
    JsonFields f = fields(now);
    long ts = now;
    byte[] value;
    switch (kind) {
      case VALID_ESCAPES -> {
        // Decodes to https://shop.example/p/7?q="café 😀"&x=\ whose page is the plain page 7.
        f.set(
            "url",
            "\"https:\\/\\/shop.example\\/p\\/7?q=\\\"caf\\u00e9 \\ud83d\\ude00\\\"&x=\\\\\"");
        value = Mutations.utf8(f.render());
      }
      case VALID_UNICODE -> {
        String url =
            edgeTurn % 2 == 0
                ? population.pageUrl(rng.nextInt(population.pages()))
                    + "?q=\uD83C\uDF89\uD83D\uDED2\uD83D\uDE00&tag=\u00fcber#\u2764\uFE0F\uD83D\uDD25"
                : "https://shop.example/p/\uD83C\uDF89\uD83D\uDED2\u2728/\uD83D\uDC5F\uD83D\uDC5F?emoji=\uD83D\uDE80";
        value = Mutations.utf8(f.set("url", JsonText.quote(url)).render());
      }
      case VALID_MAX_LENGTH -> {
        StringBuilder url = new StringBuilder(1024).append(population.pageUrl(0)).append("?q=");
        while (url.length() < 1024) {
          url.append('a');
        }
        value = Mutations.utf8(f.set("url", JsonText.quote(url.toString())).render());
      }
      case VALID_MIN_TS -> {
        ts = GeneratorSettings.MIN_VALID_TS;
        value = Mutations.utf8(f.set("ts", Long.toString(ts)).render());
      }
      default -> value = mutations.make(kind, f);
    }
    return new GeneratedRecord(Generator.CLICKS, key(), value, ts, kind);
  }

  /** Draws the next click's user, page and id into the builder state. */
  private void nextClick() {
    lastUser = population.userByRank(users.next(rng));
    page = pages.next(rng);
    double u = rng.nextDouble();
    suffix = u < 0.25 ? (int) (u * 4 * SUFFIXES.length) : -1;
    eventSeq++;
  }

  private String url() {
    String url = population.pageUrl(page);
    return suffix < 0 ? url : url + SUFFIXES[suffix];
  }

  /** The next click as editable fields, for the kinds that change it. */
  private JsonFields fields(long ts) {
    nextClick();
    return new JsonFields()
        .string("eventId", JsonText.paddedId("c-", eventSeq, 7))
        .string("userId", population.userId(lastUser))
        .string("url", url())
        .raw("ts", Long.toString(ts));
  }

  /** The next click rendered straight to bytes: the same text as {@code fields(ts).render()}. */
  private byte[] render(long ts) {
    nextClick();
    StringBuilder out = text;
    out.setLength(0);
    out.append("{\"eventId\":\"");
    JsonText.appendPadded(out, "c-", eventSeq, 7);
    out.append("\",\"userId\":");
    JsonText.appendQuoted(out, population.userId(lastUser));
    out.append(",\"url\":\"").append(population.pageUrl(page));
    if (suffix >= 0) {
      out.append(SUFFIXES[suffix]);
    }
    return out.append("\",\"ts\":")
        .append(ts)
        .append('}')
        .toString()
        .getBytes(StandardCharsets.UTF_8);
  }

  private byte[] key() {
    return population.userKey(lastUser);
  }

  private GeneratedRecord valid(Injected kind, long ts, boolean keyed) {
    byte[] value = render(ts);
    return new GeneratedRecord(Generator.CLICKS, keyed ? key() : null, value, ts, kind);
  }
}
