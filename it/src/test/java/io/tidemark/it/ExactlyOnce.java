package io.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.service.reconcile.Recomputation;
import io.tidemark.service.reconcile.Reconciliation;
import io.tidemark.service.reconcile.ServingRows;
import io.tidemark.service.reconcile.ServingTables;
import io.tidemark.streams.clicks.ClickstreamSettings;
import io.tidemark.streams.clicks.UniqueVisitors.Estimator;
import io.tidemark.streams.event.Reason;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The exactly-once checks of a drained clickstream pipeline, shared by the crash, outage and
 * takeover tests: the serving tables equal the engine recomputed per partition from the log, no
 * record is counted twice or lost, every bad or too-late record is on the dead-letter topic, and
 * the committed offsets stand at the end of the topic.
 */
final class ExactlyOnce {

  /** The pipeline's name in {@code input_offsets} (the default of pipeline.conf). */
  static final String PIPELINE = "clickstream";

  private ExactlyOnce() {}

  /** A pool-less data source: every read opens a connection, so a restarted server is found. */
  static DataSource dataSource(String url, String user, String password, String schema) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(url);
    ds.setUser(user);
    ds.setPassword(password);
    ds.setCurrentSchema(schema);
    ds.setConnectTimeout(5);
    ds.setSocketTimeout(30);
    return ds;
  }

  /** The committed rows and offsets, or empty offsets while the database cannot be read. */
  static ServingRows read(DataSource dataSource, String topic) {
    try {
      return ServingTables.read(dataSource, PIPELINE, topic);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read the serving tables", e);
    }
  }

  /**
   * The sum of the committed next offsets: records whose effect is in the tables. -1 while the
   * database cannot be read.
   */
  static long committed(DataSource dataSource, String topic) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT coalesce(sum(next_offset), 0) FROM input_offsets"
                    + " WHERE pipeline = ? AND topic = ?")) {
      s.setString(1, PIPELINE);
      s.setString(2, topic);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      return -1;
    }
  }

  /** Waits until the committed offsets equal {@code ends}. */
  static void awaitDrained(
      DataSource dataSource, String topic, SortedMap<Integer, Long> ends, Duration timeout) {
    Await.until(
        timeout,
        () -> {
          try {
            return ServingTables.read(dataSource, PIPELINE, topic).nextOffsets().equals(ends);
          } catch (SQLException e) {
            return false;
          }
        },
        () -> "committed offsets " + safeOffsets(dataSource, topic) + ", end offsets " + ends);
  }

  private static String safeOffsets(DataSource dataSource, String topic) {
    try {
      return ServingTables.read(dataSource, PIPELINE, topic).nextOffsets().toString();
    } catch (SQLException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  /**
   * Asserts everything exactly-once means for a drained pipeline; returns a one-line summary.
   *
   * @param clicks records produced to the topic
   */
  static String assertExact(
      String bootstrap,
      String topic,
      String deadLetterTopic,
      SortedMap<Integer, Long> ends,
      long clicks,
      DataSource dataSource,
      ClickstreamSettings settings) {
    ServingRows tables = read(dataSource, topic);
    assertEquals(ends, tables.nextOffsets(), "committed offsets are the end offsets");

    Recomputation log =
        Recomputation.fromKafka(bootstrap, topic, ends, settings, Duration.ofMinutes(3));
    ServingRows expected = log.rows(ends);
    Reconciliation reconciliation = Reconciliation.compare(tables, expected, Estimator.EXACT);
    List<String> shown = reconciliation.differences().stream().limit(20).toList();
    assertEquals(
        List.of(),
        shown,
        reconciliation.differences().size() + " differences between the tables and the log");
    assertTrue(
        expected.pageViews().size() > 1000, "many page view rows: " + expected.pageViews().size());
    assertTrue(expected.visitorCounts().size() > 1, "several visitor windows");

    // Conservation: each consumed click is counted once, dead-lettered, or in an open window.
    long views = tables.pageViews().values().stream().mapToLong(Long::longValue).sum();
    long deadForPageViews =
        log.deadLetters().stream()
            .filter(d -> d.reason() != Reason.TOO_LATE || d.detail().contains("pageviews"))
            .count();
    assertEquals(clicks, log.consumed(), "the log holds every produced click");
    assertEquals(log.countedPageViews(), views + log.openPageViews(), "counted once each");
    assertEquals(clicks, views + log.openPageViews() + deadForPageViews, "nothing disappears");

    // Every bad or too-late record is on the dead-letter topic (at least once, same key).
    Set<String> expectedKeys =
        log.deadLetters().stream()
            .map(d -> "clicks-" + d.partition() + "-" + d.offset())
            .collect(Collectors.toSet());
    assertTrue(expectedKeys.size() > 300, "bad and late records: " + expectedKeys.size());
    assertTrue(
        log.deadLetters().stream().anyMatch(d -> d.reason() == Reason.TOO_LATE), "too late ones");
    Set<String> onTopic = ClickTopic.deadLetterKeys(bootstrap, deadLetterTopic);
    Set<String> missing =
        expectedKeys.stream().filter(k -> !onTopic.contains(k)).collect(Collectors.toSet());
    assertEquals(Set.of(), missing, "dead letters missing from " + deadLetterTopic);
    assertEquals(expectedKeys, onTopic, "no dead letter for a record that was fine");

    return String.format(
        "%d rows compared, 0 differences; %d page views + %d in open windows + %d dead letters"
            + " = %d clicks",
        reconciliation.comparedRows(), views, log.openPageViews(), deadForPageViews, clicks);
  }
}
