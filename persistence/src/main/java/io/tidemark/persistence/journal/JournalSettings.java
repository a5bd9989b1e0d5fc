package io.tidemark.persistence.journal;

import com.typesafe.config.Config;

/**
 * Settings of the PostgreSQL journal and snapshot store ({@code tidemark.journal}).
 *
 * @param url JDBC URL of the database
 * @param user user name
 * @param password password, empty for trust authentication
 * @param schema schema of the tables, empty for the connection's default
 * @param writeThreads batches written at once, each on a connection of its own
 * @param readThreads recovery batches read at once (highest sequence numbers, replays, snapshots)
 * @param maxBatch the most requests (entity writes, recoveries) one round trip serves
 * @param queueCapacity requests that may wait for a round trip; more block the plugin's dispatcher
 */
public record JournalSettings(
    String url,
    String user,
    String password,
    String schema,
    int writeThreads,
    int readThreads,
    int maxBatch,
    int queueCapacity) {

  public JournalSettings {
    if (writeThreads < 1 || readThreads < 1 || maxBatch < 1 || queueCapacity < 1) {
      throw new IllegalArgumentException(
          "tidemark.journal: threads, max-batch and queue-capacity must be positive");
    }
  }

  /** Reads {@code tidemark.journal}. */
  public static JournalSettings create(Config config) {
    Config c = config.getConfig("tidemark.journal");
    return new JournalSettings(
        c.getString("url"),
        c.getString("user"),
        c.getString("password"),
        c.getString("schema"),
        c.getInt("write-threads"),
        c.getInt("read-threads"),
        c.getInt("max-batch"),
        c.getInt("queue-capacity"));
  }

  /** Connections the pool needs: one per writer and reader thread, one for single statements. */
  int poolSize() {
    return writeThreads + 2 * readThreads + 1;
  }
}
