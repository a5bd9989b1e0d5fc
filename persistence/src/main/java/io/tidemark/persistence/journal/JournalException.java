package io.tidemark.persistence.journal;

/** A journal or snapshot store operation the database did not complete. */
final class JournalException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  JournalException(String message, Throwable cause) {
    super(message + ": " + cause.getMessage(), cause);
  }
}
