package io.tidemark.service.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The service's pools on the real PostgreSQL (127.0.0.1:5432, database {@code test}). */
class DatabaseSettingsTest {

  private final String schema = "pools_" + UUID.randomUUID().toString().substring(0, 8);
  private final DatabaseSettings settings =
      DatabaseSettings.create(
          ConfigFactory.parseString(
              "tidemark.db { url = \"jdbc:postgresql://127.0.0.1:5432/test\", user = postgres,"
                  + " password = \"\", schema = "
                  + schema
                  + ", pool-size = 2, query-pool-size = 2, query-timeout = 300ms,"
                  + " socket-timeout = 45s }"));

  @AfterEach
  void dropSchema() throws SQLException {
    try (HikariDataSource writer = settings.openMigrated("test-writer");
        Connection c = writer.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  @Test
  void theDatabaseCancelsAQueryOfThePublicApiAfterTheQueryTimeout() throws SQLException {
    try (HikariDataSource writer = settings.openMigrated("test-writer");
        HikariDataSource queries = settings.openQueries("test-queries");
        Connection c = queries.getConnection();
        Statement s = c.createStatement()) {
      assertTrue(writer.isRunning(), "the writer's pool migrated the schema");
      assertEquals("300ms", show(c, "statement_timeout"));
      assertTrue(c.isReadOnly());
      long start = System.nanoTime();
      SQLException cancelled =
          assertThrows(SQLException.class, () -> s.executeQuery("SELECT pg_sleep(30)"));
      assertEquals("57014", cancelled.getSQLState());
      assertTrue(System.nanoTime() - start < 10_000_000_000L, "cancelled after the timeout");
      // the query API reads the writer's tables, in the same schema
      s.executeQuery("SELECT count(*) FROM page_views").close();
    }
  }

  @Test
  void everyPoolHasASocketTimeoutAndTheWriterNoStatementTimeout() throws SQLException {
    try (HikariDataSource writer = settings.openMigrated("test-writer");
        HikariDataSource queries = settings.openQueries("test-queries");
        Connection w = writer.getConnection();
        Connection q = queries.getConnection()) {
      assertEquals(45_000, w.getNetworkTimeout());
      assertEquals(45_000, q.getNetworkTimeout());
      assertEquals("0", show(w, "statement_timeout"));
    }
  }

  private static String show(Connection c, String setting) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
