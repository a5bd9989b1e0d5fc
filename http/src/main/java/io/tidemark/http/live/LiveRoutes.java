package io.tidemark.http.live;

import io.tidemark.http.HttpSettings;
import io.tidemark.http.Responses;
import io.tidemark.http.metrics.Counter;
import io.tidemark.http.metrics.Gauge;
import io.tidemark.http.metrics.TidemarkMetrics;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.event.Logging;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.BufferOverflowException;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /ws/live}: the live feed over WebSocket. A browser page may connect from the server's
 * own host or an allowed origin (403 otherwise); at most {@code max-clients} connections are open
 * at once (503 beyond). Each client reads the shared {@link LiveHub} feed through its own buffer of
 * {@code client-buffer} frames; a client that lets it overflow is disconnected. What clients send
 * is read and ignored.
 */
public final class LiveRoutes extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(LiveRoutes.class);

  /** A full client buffer fails the client's stream; expected, so logged below error level. */
  private static final OverflowStrategy DISCONNECT_WHEN_FULL =
      OverflowStrategy.fail().withLogLevel(Logging.DebugLevel());

  private final LiveHub hub;
  private final HttpSettings.WebSocket settings;
  private final Gauge clients;
  private final Counter clientsDropped;
  private final AtomicInteger open = new AtomicInteger();

  public LiveRoutes(LiveHub hub, HttpSettings.WebSocket settings, TidemarkMetrics metrics) {
    this.hub = hub;
    this.settings = settings;
    this.clients = metrics.webSocketClients();
    this.clientsDropped = metrics.webSocketClientsDropped();
  }

  public Route routes() {
    return pathPrefix(
        "ws",
        () ->
            path(
                "live",
                () -> get(() -> allowedOrigin(() -> extractWebSocketUpgrade(this::connect)))));
  }

  /** Live-feed connections open now. */
  public int clients() {
    return open.get();
  }

  /**
   * One client's side of the feed: the hub's messages through a bounded buffer that fails (and so
   * closes the connection) when the client falls {@code client-buffer} frames behind; incoming
   * messages are drained and ignored. Termination frees the client's slot.
   */
  public Flow<Message, Message, NotUsed> liveFeed() {
    Source<Message, NotUsed> out =
        hub.feed()
            .buffer(settings.clientBuffer(), DISCONNECT_WHEN_FULL)
            .<Message>map(TextMessage::create)
            .watchTermination(
                (notUsed, done) -> {
                  done.whenComplete(this::release);
                  return notUsed;
                });
    return Flow.fromSinkAndSourceCoupled(ignoreIncoming(), out).named("live-feed");
  }

  private Route connect(WebSocketUpgrade upgrade) {
    if (!acquire()) {
      return complete(
          Responses.error(
              StatusCodes.SERVICE_UNAVAILABLE,
              "too many live clients",
              Map.of("maxClients", settings.maxClients())));
    }
    return complete(upgrade.handleMessagesWith(liveFeed()));
  }

  private Route allowedOrigin(Supplier<Route> inner) {
    return extractRequest(
        request -> {
          Optional<String> origin = request.getHeader("Origin").map(HttpHeader::value);
          if (origin.isEmpty() || isAllowed(origin.get(), request)) {
            return inner.get();
          }
          return complete(
              Responses.error(
                  StatusCodes.FORBIDDEN, "origin not allowed", Map.of("origin", origin.get())));
        });
  }

  private boolean isAllowed(String origin, HttpRequest request) {
    List<String> allowed = settings.allowedOrigins();
    String normalized = stripSlash(origin).toLowerCase(Locale.ROOT);
    if (allowed.contains("*")
        || allowed.stream().anyMatch(o -> stripSlash(o).equalsIgnoreCase(normalized))) {
      return true;
    }
    return sameHost(normalized, request.getUri());
  }

  /**
   * Whether the origin names the host and port the request was sent to (the effective request URI,
   * built by the server from the Host header).
   */
  static boolean sameHost(String origin, Uri target) {
    try {
      URI from = URI.create(origin);
      int targetPort = target.port() != 0 ? target.port() : defaultPort(from.getScheme());
      int originPort = from.getPort() != -1 ? from.getPort() : defaultPort(from.getScheme());
      return from.getHost() != null
          && from.getHost().equalsIgnoreCase(target.host().address())
          && originPort == targetPort;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static int defaultPort(String scheme) {
    return "https".equalsIgnoreCase(scheme) ? 443 : 80;
  }

  private static String stripSlash(String origin) {
    return origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin;
  }

  private boolean acquire() {
    int before = open.getAndUpdate(n -> n < settings.maxClients() ? n + 1 : n);
    if (before >= settings.maxClients()) {
      return false;
    }
    clients.inc();
    return true;
  }

  private void release(Done done, Throwable failure) {
    open.decrementAndGet();
    clients.dec();
    if (failure instanceof BufferOverflowException) {
      clientsDropped.inc();
      log.info("Live client disconnected: it fell {} frames behind", settings.clientBuffer());
    }
  }

  private static Sink<Message, NotUsed> ignoreIncoming() {
    return Flow.of(Message.class).flatMapConcat(LiveRoutes::body).to(Sink.ignore());
  }

  /** Streamed message bodies must be read, or the connection stalls. */
  private static Source<Integer, ?> body(Message message) {
    return message.isText()
        ? message.asTextMessage().getStreamedText().map(String::length)
        : message.asBinaryMessage().getStreamedData().map(data -> data.size());
  }
}
