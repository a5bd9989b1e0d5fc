package io.tidemark.it;

/**
 * The machine's PostgreSQL for integration tests (127.0.0.1:5432, database {@code test}, user
 * {@code postgres}; override with system properties {@code tidemark.it.pg.url}, {@code .user},
 * {@code .password}). Each test uses a schema of its own.
 */
final class PgSchema {

  private PgSchema() {}

  static String url() {
    return System.getProperty("tidemark.it.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
  }

  static String user() {
    return System.getProperty("tidemark.it.pg.user", "postgres");
  }

  static String password() {
    return System.getProperty("tidemark.it.pg.password", "");
  }
}
