package io.tidemark.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedQueryParamRejection;
import org.apache.pekko.http.javadsl.server.MissingQueryParamRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Wraps the routes so that every failure and rejection is answered with a JSON error body: an
 * exception through {@link Responses#failure}, a missing or malformed query parameter as a 400
 * naming it, and every other rejection (404, 405, 401...) with pekko-http's default status and
 * message turned into {@code {"error": "..."}}.
 */
public final class ErrorHandling extends AllDirectives {

  private final ExceptionHandler exceptions =
      ExceptionHandler.newBuilder()
          .match(Throwable.class, failure -> complete(Responses.failure(failure)))
          .build();

  private final RejectionHandler rejections =
      RejectionHandler.newBuilder()
          .handle(
              MissingQueryParamRejection.class,
              rejection ->
                  complete(
                      Responses.error(
                          StatusCodes.BAD_REQUEST,
                          "missing parameter " + rejection.parameterName(),
                          Map.of("parameter", rejection.parameterName()))))
          .handle(
              MalformedQueryParamRejection.class,
              rejection ->
                  complete(
                      Responses.error(
                          StatusCodes.BAD_REQUEST,
                          "malformed parameter "
                              + rejection.parameterName()
                              + ": "
                              + rejection.errorMsg(),
                          Map.of("parameter", rejection.parameterName()))))
          .build()
          .withFallback(RejectionHandler.defaultHandler())
          .mapRejectionResponse(ErrorHandling::asJson);

  /** {@code inner} with every exception and rejection answered as JSON. */
  public Route wrap(Supplier<Route> inner) {
    return handleRejections(rejections, () -> handleExceptions(exceptions, inner));
  }

  private static HttpResponse asJson(HttpResponse response) {
    if (response.entity().getContentType().equals(ContentTypes.APPLICATION_JSON)) {
      return response;
    }
    String message =
        response.entity() instanceof HttpEntity.Strict strict
            ? strict.getData().decodeString(StandardCharsets.UTF_8)
            : response.status().reason();
    return response.withEntity(Responses.error(response.status(), message).entity());
  }
}
