package io.tidemark.service.run;

import com.typesafe.config.Config;

/**
 * The HTTP server of the service ({@code tidemark.http}, {@code HTTP_PORT}, {@code ADMIN_TOKEN}).
 *
 * @param host interface to bind
 * @param port port, 0 for a free one
 * @param adminToken bearer token of {@code /admin}, empty when disabled
 */
public record HttpSettings(String host, int port, String adminToken) {

  /** Reads {@code tidemark.http}. */
  public static HttpSettings create(Config config) {
    Config http = config.getConfig("tidemark.http");
    return new HttpSettings(
        http.getString("host"), http.getInt("port"), http.getString("admin-token"));
  }

  @Override
  public String toString() {
    return "HttpSettings[" + host + ":" + port + "]";
  }
}
