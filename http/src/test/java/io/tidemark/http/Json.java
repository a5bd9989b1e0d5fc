package io.tidemark.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.Assertions;

/** Reads JSON response bodies in route tests. */
public final class Json {

  private Json() {}

  /** The response body parsed as JSON, after checking the content type. */
  public static JsonNode body(TestRouteResult result) {
    result.assertContentType(ContentTypes.APPLICATION_JSON);
    return parse(result.entityString());
  }

  /** Asserts the status and a JSON error body naming the parameter; returns the body. */
  public static JsonNode badParameter(TestRouteResult result, String parameter) {
    result.assertStatusCode(400);
    JsonNode body = body(result);
    Assertions.assertTrue(body.path("error").isTextual(), body.toString());
    Assertions.assertEquals(parameter, body.path("parameter").asText(), body.toString());
    return body;
  }

  public static JsonNode parse(String text) {
    try {
      return Responses.JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
