package io.tidemark.service.replay;

import io.tidemark.streams.event.Click;
import io.tidemark.streams.event.Decoded;
import io.tidemark.streams.event.EventCodec;
import io.tidemark.streams.event.Reason;
import io.tidemark.streams.event.Transaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A brute-force model of what {@code tidemark replay} must produce, written from the text of SPEC
 * §2–§3 and sharing no code with the engine but the decoder. It keeps every event it ever saw (no
 * purging, no retention), which is what makes it obviously right and unusable at scale.
 */
final class ReplayOracle {

  static final long MAX_OUT_OF_ORDERNESS = 5_000;
  static final long ALLOWED_LATENESS = 60_000;
  static final long FRAUD_WINDOW = 600_000;
  static final long FRAUD_LATENESS = 300_000;
  static final int MAX_COUNTRIES = 3;

  /** One result row: its final value and how many times it was emitted. */
  record Row(long value, Set<String> users, int revision) {}

  /** The counters of one computation, as in {@code counts.json}. */
  static final class Counts {
    long consumed;
    long counted;
    final Map<Reason, Long> deadLetters = new EnumMap<>(Reason.class);

    void dead(Reason reason) {
      deadLetters.merge(reason, 1L, Long::sum);
    }
  }

  /** The expected dead letter of one line. */
  record ExpectedDeadLetter(String source, long offset, Reason reason) {}

  final Map<String, Row> pageViews = new TreeMap<>(); // key: page + "@" + windowStart
  final Map<Long, Row> visitors = new TreeMap<>();
  final Counts pageviewCounts = new Counts();
  final Counts visitorCounts = new Counts();
  final Counts fraudCounts = new Counts();
  long fraudDuplicates;
  final Set<String> flaggedTxnIds = new TreeSet<>();
  final List<ExpectedDeadLetter> deadLetters = new ArrayList<>();

  static ReplayOracle of(Path clicks, Path transactions) throws IOException {
    ReplayOracle oracle = new ReplayOracle();
    oracle.clicks(lines(clicks));
    oracle.transactions(lines(transactions));
    return oracle;
  }

  /** Splits a file on '\n'; a final empty segment after the last '\n' is not a record. */
  static List<byte[]> lines(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == '\n') {
        lines.add(java.util.Arrays.copyOfRange(all, start, i));
        start = i + 1;
      }
    }
    if (start < all.length) {
      lines.add(java.util.Arrays.copyOfRange(all, start, all.length));
    }
    return lines;
  }

  /** A window of one computation: its events so far, whether it fired, late updates since. */
  private static final class Window {
    final long end;
    long count;
    final Set<String> users = new HashSet<>();
    boolean fired;
    int lateUpdates;

    Window(long end) {
      this.end = end;
    }
  }

  private void clicks(List<byte[]> records) {
    Map<String, Window> pages = new HashMap<>();
    Map<Long, Window> sites = new HashMap<>();
    List<Window> unfired = new ArrayList<>();
    long watermark = Long.MIN_VALUE;
    long maxTs = Long.MIN_VALUE;
    for (int offset = 0; offset < records.size(); offset++) {
      pageviewCounts.consumed++;
      visitorCounts.consumed++;
      Decoded<Click> decoded = EventCodec.decodeClick(records.get(offset));
      if (decoded instanceof Decoded.Invalid<Click> invalid) {
        pageviewCounts.dead(invalid.reason());
        visitorCounts.dead(invalid.reason());
        deadLetters.add(new ExpectedDeadLetter("clicks", offset, invalid.reason()));
        continue;
      }
      Click click = ((Decoded.Valid<Click>) decoded).value();
      long pvStart = click.ts() - Math.floorMod(click.ts(), 60_000L);
      long uvStart = click.ts() - Math.floorMod(click.ts(), 300_000L);
      boolean pvLate = watermark >= pvStart + 60_000 + ALLOWED_LATENESS;
      boolean uvLate = watermark >= uvStart + 300_000 + ALLOWED_LATENESS;
      if (pvLate) {
        pageviewCounts.dead(Reason.TOO_LATE);
      } else {
        pageviewCounts.counted++;
        Window w = window(pages, click.page() + "@" + pvStart, pvStart + 60_000, unfired);
        w.count++;
        w.lateUpdates += w.fired ? 1 : 0;
      }
      if (uvLate) {
        visitorCounts.dead(Reason.TOO_LATE);
      } else {
        visitorCounts.counted++;
        Window w = window(sites, uvStart, uvStart + 300_000, unfired);
        w.users.add(click.userId());
        w.lateUpdates += w.fired ? 1 : 0;
      }
      if (pvLate || uvLate) {
        deadLetters.add(new ExpectedDeadLetter("clicks", offset, Reason.TOO_LATE));
      }
      maxTs = Math.max(maxTs, click.ts());
      watermark = Math.max(watermark, maxTs - MAX_OUT_OF_ORDERNESS);
      long wm = watermark;
      for (Window w : unfired) {
        w.fired = w.end <= wm;
      }
      unfired.removeIf(w -> w.fired);
    }
    pages.forEach((k, w) -> pageViews.put(k, new Row(w.count, Set.of(), 1 + w.lateUpdates)));
    sites.forEach((k, w) -> visitors.put(k, new Row(w.users.size(), w.users, 1 + w.lateUpdates)));
  }

  private static <K> Window window(Map<K, Window> windows, K key, long end, List<Window> unfired) {
    return windows.computeIfAbsent(
        key,
        k -> {
          Window w = new Window(end);
          unfired.add(w);
          return w;
        });
  }

  /** Per user: every accepted transaction, in arrival order. */
  private void transactions(List<byte[]> records) {
    Map<String, List<Transaction>> accepted = new HashMap<>();
    Map<String, Long> maxTs = new HashMap<>();
    for (int offset = 0; offset < records.size(); offset++) {
      fraudCounts.consumed++;
      Decoded<Transaction> decoded = EventCodec.decodeTransaction(records.get(offset));
      if (decoded instanceof Decoded.Invalid<Transaction> invalid) {
        fraudCounts.dead(invalid.reason());
        deadLetters.add(new ExpectedDeadLetter("transactions", offset, invalid.reason()));
        continue;
      }
      Transaction t = ((Decoded.Valid<Transaction>) decoded).value();
      List<Transaction> mine = accepted.computeIfAbsent(t.userId(), k -> new ArrayList<>());
      long max = maxTs.getOrDefault(t.userId(), Long.MIN_VALUE);
      boolean duplicate =
          mine.stream()
              .anyMatch(
                  a -> a.txnId().equals(t.txnId()) && a.ts() > max - FRAUD_LATENESS - FRAUD_WINDOW);
      if (duplicate) {
        fraudDuplicates++;
      } else if (max != Long.MIN_VALUE && t.ts() < max - FRAUD_LATENESS) {
        fraudCounts.dead(Reason.TOO_LATE);
        deadLetters.add(new ExpectedDeadLetter("transactions", offset, Reason.TOO_LATE));
      } else {
        fraudCounts.counted++;
        mine.add(t);
        maxTs.put(t.userId(), Math.max(max, t.ts()));
      }
    }
    for (List<Transaction> mine : accepted.values()) {
      for (Transaction t : mine) {
        Set<String> countries = new HashSet<>();
        for (Transaction u : mine) {
          if (u.ts() > t.ts() - FRAUD_WINDOW && u.ts() <= t.ts()) {
            countries.add(u.country());
          }
        }
        if (countries.size() > MAX_COUNTRIES) {
          flaggedTxnIds.add(t.txnId());
        }
      }
    }
  }
}
