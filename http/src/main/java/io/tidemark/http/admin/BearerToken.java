package io.tidemark.http.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The admin API's bearer token. Comparison is constant-time over SHA-256 digests, so neither the
 * token's content nor its length leaks through timing. An empty configured token matches nothing.
 */
final class BearerToken {

  private static final String SCHEME = "bearer ";

  private final byte[] expected;

  BearerToken(String token) {
    this.expected = token.isEmpty() ? null : sha256(token);
  }

  /** Whether an {@code Authorization} header value carries the token. */
  boolean matches(Optional<String> authorization) {
    if (expected == null || authorization.isEmpty()) {
      return false;
    }
    String value = authorization.get();
    if (value.length() <= SCHEME.length()
        || !value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return false;
    }
    return MessageDigest.isEqual(expected, sha256(value.substring(SCHEME.length()).trim()));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
