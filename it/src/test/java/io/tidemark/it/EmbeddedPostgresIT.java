package io.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tidemark.persistence.schema.Schema;
import io.tidemark.service.infra.Database;
import io.tidemark.service.infra.DatabaseEndpoint;
import io.tidemark.service.infra.Databases;
import io.tidemark.service.infra.EmbeddedDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** zonky's embedded PostgreSQL, started by this (possibly root) process, holds the schema. */
class EmbeddedPostgresIT {

  @TempDir Path work;

  @Test
  void embeddedServerTakesTheSchemaAndAnswersQueries() throws SQLException {
    DatabaseEndpoint endpoint;
    try (Database db = Databases.open(Map.of())) {
      assertTrue(db.embedded(), "no DB_URL: an embedded server");
      endpoint = db.endpoint();
      try (var pool = endpoint.newPool("it", 2)) {
        assertEquals(6, Schema.migrate(pool));
        assertEquals(0, Schema.migrate(pool));
        try (Connection c = pool.getConnection();
            Statement s = c.createStatement()) {
          s.executeUpdate(
              "INSERT INTO page_views VALUES ('/home', '2026-01-01T00:00:00Z',"
                  + " '2026-01-01T00:01:00Z', 7, 1, now())");
          try (ResultSet rs = s.executeQuery("SELECT views, current_user FROM page_views")) {
            assertTrue(rs.next());
            assertEquals(7, rs.getLong(1));
            assertEquals("postgres", rs.getString(2));
          }
        }
      }
    }
    assertThrows(SQLException.class, endpoint::connect, "the server is stopped on close");
  }

  @Test
  void serverOverAGivenDirectoryKeepsItsDataAcrossRestarts() throws SQLException {
    Path dataDir = work.resolve("pg");
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir);
        Connection c = db.endpoint().connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE kept (n int)");
      s.execute("INSERT INTO kept VALUES (42)");
    }
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir);
        Connection c = db.endpoint().connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT n FROM kept")) {
      assertTrue(rs.next());
      assertEquals(42, rs.getInt(1));
      assertFalse(rs.next());
    }
  }

  @Test
  void configuredDatabaseIsUsedAsItIsAndLeftRunning() throws SQLException {
    var endpoint = new DatabaseEndpoint("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
    try (Database db = Databases.open(Optional.of(endpoint))) {
      assertFalse(db.embedded());
      assertEquals(endpoint, db.endpoint());
    }
    try (Connection c = endpoint.connect()) {
      assertTrue(c.isValid(5), "closing a configured database leaves it running");
    }
    assertEquals(
        Optional.of(new DatabaseEndpoint("jdbc:postgresql://h/db", "u", "p")),
        DatabaseEndpoint.fromEnvironment(
            Map.of("DB_URL", "jdbc:postgresql://h/db", "DB_USER", "u", "DB_PASSWORD", "p")));
  }
}
