package io.tidemark.streams.event;

/** Why a record became a dead letter (SPEC §4.2), in order of precedence for decoding. */
public enum Reason {
  /** Not a single strict RFC 8259 JSON object in valid UTF-8. */
  MALFORMED_JSON,
  /** A required field is absent or {@code null}. */
  MISSING_FIELD,
  /** A required field has the wrong type, is empty, too long or out of range. */
  INVALID_FIELD,
  /** The event arrived after every window (or fraud state) it belongs to was closed. */
  TOO_LATE
}
