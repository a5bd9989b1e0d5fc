package io.tidemark.persistence.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.tidemark.persistence.TestSchema;
import io.tidemark.streams.clicks.Visitors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.datasketches.hll.HllSketch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The query repository against the real PostgreSQL, in a fresh schema dropped afterwards. */
class JdbcQueryRepositoryTest {

  private static final long MINUTE = 60_000;
  private static final long T0 = 1_732_300_000_000L - 1_732_300_000_000L % (5 * MINUTE);

  private static TestSchema db;
  private static HikariDataSource dataSource;
  private static QueryRepository repository;

  @BeforeAll
  static void createSchema() {
    db = TestSchema.create("query", 4);
    dataSource = db.dataSource();
    repository = new JdbcQueryRepository(dataSource, db.executor());
  }

  @AfterAll
  static void dropSchema() throws SQLException {
    db.close();
  }

  @BeforeEach
  void emptyTables() throws SQLException {
    db.execute("TRUNCATE page_views, unique_visitors, fraud_alerts");
  }

  @Test
  void pageViewsSelectOnePageWithWindowStartInHalfOpenRange() throws Exception {
    insertPageViews("/a", T0 - MINUTE, 100, 1);
    insertPageViews("/a", T0, 3, 1);
    insertPageViews("/a", T0 + MINUTE, 5, 2);
    insertPageViews("/a", T0 + 2 * MINUTE, 7, 1);
    insertPageViews("/b", T0, 11, 1);

    List<PageViewWindow> rows =
        await(repository.pageViews("/a", new TimeRange(T0, T0 + 2 * MINUTE)));

    assertEquals(
        List.of(
            new PageViewWindow("/a", T0, T0 + MINUTE, 3, 1),
            new PageViewWindow("/a", T0 + MINUTE, T0 + 2 * MINUTE, 5, 2)),
        rows);
  }

  @Test
  void topPagesSumViewsOverRangeMostViewedFirstTiesByPage() throws Exception {
    insertPageViews("/a", T0, 3, 1);
    insertPageViews("/a", T0 + MINUTE, 4, 1);
    insertPageViews("/b", T0, 7, 1);
    insertPageViews("/c", T0 + MINUTE, 9, 1);
    insertPageViews("/d", T0 + MINUTE, 1, 1);
    insertPageViews("/d", T0 + 5 * MINUTE, 100, 1);

    TimeRange range = new TimeRange(T0, T0 + 2 * MINUTE);

    assertEquals(
        List.of(new PageTotal("/c", 9), new PageTotal("/a", 7), new PageTotal("/b", 7)),
        await(repository.topPages(range, 3)));
    assertEquals(List.of(new PageTotal("/c", 9)), await(repository.topPages(range, 1)));
  }

  @Test
  void visitorsMergeExactSketchesOfWindowsInRange() throws Exception {
    insertVisitors(T0 - 5 * MINUTE, Visitors.exact(Set.of("x", "y")));
    insertVisitors(T0, Visitors.exact(Set.of("a", "b")));
    insertVisitors(T0 + 5 * MINUTE, Visitors.exact(Set.of("b", "c")));
    insertVisitors(T0 + 10 * MINUTE, Visitors.exact(Set.of("d")));

    TimeRange range = new TimeRange(T0, T0 + 10 * MINUTE);
    VisitorsEstimate estimate = await(repository.visitors(range));

    assertEquals(new VisitorsEstimate(range, 3, 2), estimate);
  }

  @Test
  void visitorsMergeHllSketchesWithinThreePercent() throws Exception {
    insertVisitors(T0, hll(0, 6000));
    insertVisitors(T0 + 5 * MINUTE, hll(3000, 9000));
    insertVisitors(T0 + 10 * MINUTE, Visitors.exact(Set.of("u-0", "extra")));

    VisitorsEstimate estimate = await(repository.visitors(new TimeRange(T0, T0 + 15 * MINUTE)));

    assertEquals(3, estimate.windows());
    assertTrue(
        Math.abs(estimate.visitors() - 9001) <= 9001 * 0.03, "estimate " + estimate.visitors());
  }

  @Test
  void visitorsOfRangeWithoutWindowsIsZero() throws Exception {
    insertVisitors(T0, Visitors.exact(Set.of("a")));

    VisitorsEstimate estimate =
        await(repository.visitors(new TimeRange(T0 + 5 * MINUTE, T0 + 60 * MINUTE)));

    assertEquals(0, estimate.visitors());
    assertEquals(0, estimate.windows());
  }

  @Test
  void alertsOfOneUserSinceInstantOldestFirst() throws Exception {
    insertAlert("t-1", "u-1", T0, List.of("DE", "FR", "IT", "US"), T0 + 1);
    insertAlert("t-2", "u-1", T0 + 10, List.of("DE", "ES", "FR", "IT"), T0 + 20);
    insertAlert("t-0", "u-1", T0 - 10, List.of("AT", "DE", "FR", "IT"), T0 - 5);
    insertAlert("t-3", "u-2", T0 + 30, List.of("DE", "FR", "IT", "PL"), T0 + 30);

    List<StoredAlert> alerts = await(repository.alerts(Optional.of("u-1"), T0, 100));

    assertEquals(
        List.of(
            new StoredAlert("t-1", "u-1", "t-1", T0, List.of("DE", "FR", "IT", "US"), T0 + 1),
            new StoredAlert(
                "t-2", "u-1", "t-2", T0 + 10, List.of("DE", "ES", "FR", "IT"), T0 + 20)),
        alerts);
  }

  @Test
  void alertsOfEveryoneAreLimited() throws Exception {
    insertAlert("t-1", "u-1", T0, List.of("DE"), T0 + 1);
    insertAlert("t-2", "u-2", T0, List.of("DE"), T0 + 2);
    insertAlert("t-3", "u-3", T0, List.of("DE"), T0 + 3);

    List<StoredAlert> alerts = await(repository.alerts(Optional.empty(), 0, 2));

    assertEquals(List.of("t-1", "t-2"), alerts.stream().map(StoredAlert::alertId).toList());
  }

  @Test
  void nonPositiveLimitFailsWithIllegalArgument() {
    ExecutionException failure =
        assertThrows(
            ExecutionException.class,
            () -> await(repository.topPages(new TimeRange(T0, T0 + MINUTE), 0)));
    assertTrue(failure.getCause() instanceof IllegalArgumentException);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Visitors hll(int fromUser, int toUser) {
    HllSketch sketch = new HllSketch(14);
    for (int user = fromUser; user < toUser; user++) {
      sketch.update("u-" + user);
    }
    return Visitors.of(sketch);
  }

  private static OffsetDateTime at(long epochMillis) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
  }

  private static void insertPageViews(String page, long start, long views, int revision)
      throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement("INSERT INTO page_views VALUES (?, ?, ?, ?, ?, now())")) {
      statement.setString(1, page);
      statement.setObject(2, at(start));
      statement.setObject(3, at(start + MINUTE));
      statement.setLong(4, views);
      statement.setInt(5, revision);
      statement.executeUpdate();
    }
  }

  private static void insertVisitors(long start, Visitors visitors) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "INSERT INTO unique_visitors VALUES (?, ?, ?, ?, 1, now())")) {
      statement.setObject(1, at(start));
      statement.setObject(2, at(start + 5 * MINUTE));
      statement.setLong(3, visitors.visitors());
      statement.setBytes(4, visitors.sketch());
      statement.executeUpdate();
    }
  }

  private static void insertAlert(
      String txnId, String userId, long txnTs, List<String> countries, long detectedAt)
      throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement("INSERT INTO fraud_alerts VALUES (?, ?, ?, ?, ?, ?)")) {
      statement.setString(1, txnId);
      statement.setString(2, userId);
      statement.setString(3, txnId);
      statement.setObject(4, at(txnTs));
      statement.setArray(5, connection.createArrayOf("text", countries.toArray()));
      statement.setObject(6, at(detectedAt));
      statement.executeUpdate();
    }
  }
}
