package io.tidemark.service.infra;

/**
 * A PostgreSQL database the service uses: either a configured one, which closing leaves alone, or
 * an embedded one this process started, which closing stops.
 */
public interface Database extends AutoCloseable {

  /** How to reach the database. */
  DatabaseEndpoint endpoint();

  /** Whether this process started the database (and stops it on {@link #close()}). */
  boolean embedded();

  @Override
  void close();
}
