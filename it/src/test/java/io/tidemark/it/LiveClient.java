package io.tidemark.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A {@code /ws/live} client keeping every message it receives, in order. The feed is in order, so a
 * {@code stats} message received after some alerts proves they were all sent before it.
 */
final class LiveClient implements WebSocket.Listener, AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  final List<JsonNode> received = new CopyOnWriteArrayList<>();
  private final StringBuilder partial = new StringBuilder();
  private WebSocket socket;

  private LiveClient() {}

  static LiveClient connect(URI uri) throws Exception {
    LiveClient client = new LiveClient();
    client.socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(uri, client)
            .get(30, TimeUnit.SECONDS);
    return client;
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      try {
        received.add(JSON.readTree(partial.toString()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      partial.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  /** The alert messages, in order of arrival. */
  List<JsonNode> alerts() {
    return received.stream().filter(m -> m.path("type").asText().equals("alert")).toList();
  }

  List<String> alertIds() {
    return alerts().stream().map(a -> a.path("alertId").asText()).toList();
  }

  /** The alert ids of one user, in order of arrival. */
  List<String> alertIds(String userId) {
    return alerts().stream()
        .filter(a -> a.path("userId").asText().equals(userId))
        .map(a -> a.path("alertId").asText())
        .toList();
  }

  /** Whether a stats message counting {@code n} committed alerts came after the n-th alert. */
  boolean statsAfterAlerts(int n) {
    int alerts = 0;
    for (JsonNode message : received) {
      String type = message.path("type").asText();
      if (type.equals("alert")) {
        alerts++;
      } else if (type.equals("stats") && message.path("alerts").asLong() == n && alerts >= n) {
        return true;
      }
    }
    return false;
  }

  /** Whether a stats message came after the n-th alert of {@code userId}. */
  boolean statsAfterAlertsOf(String userId, int n) {
    int alerts = 0;
    for (JsonNode message : received) {
      String type = message.path("type").asText();
      if (type.equals("alert") && message.path("userId").asText().equals(userId)) {
        alerts++;
      } else if (type.equals("stats") && alerts >= n) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    socket.abort();
  }
}
