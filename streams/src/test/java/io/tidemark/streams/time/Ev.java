package io.tidemark.streams.time;

/** A minimal event for engine tests: a key, a user and an event time. */
record Ev(String key, String user, long ts) {

  static Ev of(String key, long ts) {
    return new Ev(key, "u", ts);
  }
}
