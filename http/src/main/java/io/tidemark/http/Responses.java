package io.tidemark.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where results become HTTP responses: JSON bodies, and the mapping of failures to
 * status codes. A bad argument is a 400 naming what was wrong, and so is a value the database
 * refuses as data (SQLSTATE class {@code 22}: a NUL character, a time outside its range); a backend
 * that failed or timed out is a 503; nothing is ever answered 500, and every error body is {@code
 * {"error": "...", ...}}.
 */
public final class Responses {

  /** The JSON mapper of every response body. */
  public static final ObjectMapper JSON = new ObjectMapper();

  private static final Logger log = LoggerFactory.getLogger(Responses.class);

  private Responses() {}

  /** {@code body} as JSON with the given status. */
  public static HttpResponse json(StatusCode status, Object body) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(ContentTypes.APPLICATION_JSON, JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      log.error("Response body could not be written as JSON", e);
      return error(StatusCodes.SERVICE_UNAVAILABLE, "response could not be serialized");
    }
  }

  /** 200 with {@code body} as JSON. */
  public static HttpResponse ok(Object body) {
    return json(StatusCodes.OK, body);
  }

  /** An error body {@code {"error": message}}. */
  public static HttpResponse error(StatusCode status, String message) {
    return error(status, message, Map.of());
  }

  /** An error body {@code {"error": message, ...details}}. */
  public static HttpResponse error(StatusCode status, String message, Map<String, ?> details) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.putAll(details);
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(ContentTypes.APPLICATION_JSON, JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("error body of strings is always serializable", e);
    }
  }

  /** Maps a failure to its response: 400 for bad arguments, 503 for everything else. */
  public static HttpResponse failure(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof BadParameterException bad) {
      return error(StatusCodes.BAD_REQUEST, bad.getMessage(), Map.of("parameter", bad.parameter()));
    }
    if (cause instanceof IllegalArgumentException bad) {
      return error(StatusCodes.BAD_REQUEST, String.valueOf(bad.getMessage()));
    }
    if (cause instanceof TimeoutException) {
      return error(StatusCodes.SERVICE_UNAVAILABLE, "timed out");
    }
    String state = sqlState(cause);
    if (state.startsWith("22")) {
      return error(
          StatusCodes.BAD_REQUEST,
          "the database cannot take a value of this request",
          Map.of("sqlState", state));
    }
    if (state.equals("57014")) {
      return error(StatusCodes.SERVICE_UNAVAILABLE, "query timed out");
    }
    log.warn("Request failed", cause);
    return error(StatusCodes.SERVICE_UNAVAILABLE, "service unavailable");
  }

  /** The response to an asynchronous result: {@code onSuccess} of its value, or its failure's. */
  public static <T> CompletionStage<HttpResponse> respond(
      CompletionStage<T> result, Function<? super T, HttpResponse> onSuccess) {
    return result.handle(
        (value, failure) -> failure == null ? onSuccess.apply(value) : failure(failure));
  }

  /** The SQLSTATE of the first SQL exception among the causes, or "". */
  private static String sqlState(Throwable failure) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth++ < 16; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return "";
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
