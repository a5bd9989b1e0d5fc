package io.tidemark.http;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;

/**
 * The settings of the HTTP module, read once from {@code tidemark.http} (see reference.conf).
 *
 * @param iface network interface to bind
 * @param port TCP port to bind
 * @param adminToken bearer token of the admin API; empty disables it
 * @param readinessTimeout how long each readiness check may take
 * @param maxRange longest range a query may span
 * @param maxAlerts most alerts one query returns
 * @param webSocket the live feed's settings
 */
public record HttpSettings(
    String iface,
    int port,
    String adminToken,
    Duration readinessTimeout,
    Duration maxRange,
    int maxAlerts,
    WebSocket webSocket) {

  /** Where the settings live in the configuration. */
  public static final String CONFIG_PATH = "tidemark.http";

  /** Configuration path of the dispatcher for blocking query calls. */
  public static final String BLOCKING_DISPATCHER = CONFIG_PATH + ".blocking-dispatcher";

  /**
   * The live feed's settings.
   *
   * @param maxClients most connections at once
   * @param clientBuffer frames buffered per client before it is disconnected
   * @param publishBuffer messages waiting to be fanned out before publishing drops
   * @param allowedOrigins origins allowed besides the server's own host; "*" allows any
   * @param statsInterval period of the statistics messages
   */
  public record WebSocket(
      int maxClients,
      int clientBuffer,
      int publishBuffer,
      List<String> allowedOrigins,
      Duration statsInterval) {

    public WebSocket {
      requirePositive(maxClients, "max-clients");
      requirePositive(clientBuffer, "client-buffer");
      requirePositive(publishBuffer, "publish-buffer");
      allowedOrigins = List.copyOf(allowedOrigins);
    }
  }

  public HttpSettings {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    requirePositive(maxAlerts, "max-alerts");
  }

  /** Reads {@code tidemark.http} from the application's configuration. */
  public static HttpSettings create(Config config) {
    Config http = config.getConfig(CONFIG_PATH);
    Config ws = http.getConfig("websocket");
    return new HttpSettings(
        http.getString("interface"),
        http.getInt("port"),
        http.getString("admin-token"),
        http.getDuration("readiness-timeout"),
        http.getDuration("query.max-range"),
        http.getInt("query.max-alerts"),
        new WebSocket(
            ws.getInt("max-clients"),
            ws.getInt("client-buffer"),
            ws.getInt("publish-buffer"),
            ws.getStringList("allowed-origins"),
            ws.getDuration("stats-interval")));
  }

  private static void requirePositive(int value, String key) {
    if (value < 1) {
      throw new IllegalArgumentException(key + " must be positive: " + value);
    }
  }
}
