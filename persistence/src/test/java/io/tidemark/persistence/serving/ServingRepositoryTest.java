package io.tidemark.persistence.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.persistence.TestSchema;
import io.tidemark.persistence.query.JdbcQueryRepository;
import io.tidemark.persistence.query.PageViewWindow;
import io.tidemark.persistence.query.TimeRange;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The serving repository against the real PostgreSQL, in a fresh schema dropped afterwards. */
class ServingRepositoryTest {

  private static final long MINUTE = 60_000;
  private static final long T0 = 1_732_300_000_000L - 1_732_300_000_000L % MINUTE;

  /**
   * The widest page key SPEC §1 accepts in bytes: 1,024 chars, nearly all of 3-byte UTF-8, varied
   * so that PostgreSQL cannot compress them below the index row limit.
   */
  private static final String WIDEST_PAGE = "https://例.jp/" + cjk(1024 - 13);

  private static TestSchema db;
  private static ServingRepository repository;

  @BeforeAll
  static void createSchema() {
    db = TestSchema.create("serving", 4);
    repository = new ServingRepository(db.dataSource());
  }

  @AfterAll
  static void dropSchema() throws SQLException {
    db.close();
  }

  @BeforeEach
  void emptyTables() throws SQLException {
    db.execute("TRUNCATE page_views, unique_visitors, input_offsets, window_checkpoints");
  }

  @Test
  void pageOfTheLongestUrlInThreeByteCharsIsStoredAndQueryable() throws Exception {
    assertEquals(1024, WIDEST_PAGE.length());
    assertEquals(3048, WIDEST_PAGE.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);

    assertEquals(CommitOutcome.COMMITTED, repository.commit(batch(0, 5, WIDEST_PAGE, 2)));
    assertEquals(CommitOutcome.COMMITTED, repository.commit(batch(5, 9, WIDEST_PAGE, 3)));

    List<PageViewWindow> rows =
        new JdbcQueryRepository(db.dataSource(), db.executor())
            .pageViews(WIDEST_PAGE, new TimeRange(T0, T0 + MINUTE))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertEquals(List.of(new PageViewWindow(WIDEST_PAGE, T0, T0 + MINUTE, 5, 2)), rows);
  }

  @Test
  void pagesDifferingOnlyInTheirLastCharAreDistinctRows() throws Exception {
    String other = WIDEST_PAGE.substring(0, 1023) + "丁";
    repository.commit(batch(0, 5, WIDEST_PAGE, 2));
    repository.commit(batch(5, 9, other, 3));

    assertEquals(List.of("2", "3"), db.strings("SELECT views FROM page_views ORDER BY views"));
  }

  @Test
  void refusalsThatRetryingCannotChangeDoNotHeal() throws SQLException {
    // a trigger stands for any permanent refusal of the database: a constraint, a permission
    db.execute(
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            + " RAISE EXCEPTION 'refused' USING ERRCODE = 'check_violation'; END $$");
    db.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON page_views FOR EACH ROW EXECUTE FUNCTION refuse()");
    try {
      SQLException refused =
          assertThrows(SQLException.class, () -> repository.commit(batch(0, 5, "/p", 1)));
      assertFalse(StorageFailures.canHeal(refused));
      assertEquals("23514", StorageFailures.state(refused));
      assertEquals(List.of(), db.strings("SELECT next_offset FROM input_offsets"));
    } finally {
      db.execute("DROP TRIGGER refuse ON page_views");
      db.execute("DROP FUNCTION refuse()");
    }
  }

  @Test
  void serializationFailuresDeadlocksAndLostConnectionsHeal() throws SQLException {
    for (String state :
        List.of("serialization_failure", "deadlock_detected", "lock_not_available")) {
      SQLException failure = assertThrows(SQLException.class, () -> raise(state));
      assertTrue(StorageFailures.canHeal(failure), state);
    }
    SQLException terminated =
        assertThrows(
            SQLException.class,
            () -> {
              try (Connection c = db.dataSource().getConnection();
                  Statement s = c.createStatement()) {
                s.execute("SELECT pg_terminate_backend(pg_backend_pid())");
              }
            });
    assertTrue(StorageFailures.canHeal(terminated), StorageFailures.state(terminated));
  }

  /** {@code n} CJK ideographs in a scrambled order: UTF-8 that does not compress. */
  private static String cjk(int n) {
    StringBuilder text = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      text.append((char) (0x4E00 + (int) ((i * 2_654_435_761L) % 20_902)));
    }
    return text.toString();
  }

  private static void raise(String condition) throws SQLException {
    db.execute("DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = '" + condition + "'; END $$");
  }

  private static ServingBatch batch(long from, long to, String page, long views) {
    return new ServingBatch(
        "clicks",
        "clicks",
        0,
        from == 0 ? Optional.empty() : Optional.of(from),
        to,
        List.of(new PageViewDelta(page, T0, T0 + MINUTE, views, 1)),
        List.of(),
        Optional.empty());
  }
}
