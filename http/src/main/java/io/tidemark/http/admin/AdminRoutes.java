package io.tidemark.http.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tidemark.http.BadParameterException;
import io.tidemark.http.Responses;
import io.tidemark.persistence.fraud.FraudSettings;
import io.tidemark.persistence.fraud.VersionedFraudRule;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The admin API under {@code /admin}, behind {@code Authorization: Bearer <token>}: read and change
 * the fraud rule ({@code GET/PUT /admin/fraud-rule}) and pause or resume consumption ({@code POST
 * /admin/pause}, {@code POST /admin/resume}). Without the right token every request is a 401.
 *
 * <p>The fraud rule as JSON: {@code {"windowMs": 600000, "maxCountries": 3, "allowedLatenessMs":
 * 300000, "version": 2}}; a PUT may carry any subset of the first three fields, the others keep
 * their value. {@code version} is answered, not accepted: 0 while the configured defaults are in
 * force, then one more for every stored change. Parameters out of range are a 400 naming the field.
 */
public final class AdminRoutes extends AllDirectives {

  private static final Set<String> RULE_FIELDS =
      Set.of("windowMs", "maxCountries", "allowedLatenessMs");

  private final AdminControl control;
  private final BearerToken token;

  public AdminRoutes(AdminControl control, String adminToken) {
    this.control = control;
    this.token = new BearerToken(adminToken);
  }

  public Route routes() {
    return pathPrefix(
        "admin",
        () ->
            authorized(
                () ->
                    concat(
                        path(
                            "fraud-rule",
                            () ->
                                concat(
                                    get(() -> respond(control.fraudRule())),
                                    put(
                                        () ->
                                            entity(
                                                Unmarshaller.entityToString(),
                                                this::updateFraudRule)))),
                        path("pause", () -> post(() -> consumption(control::pause))),
                        path("resume", () -> post(() -> consumption(control::resume))))));
  }

  private Route authorized(Supplier<Route> inner) {
    return optionalHeaderValueByName(
        "Authorization", header -> token.matches(header) ? inner.get() : complete(unauthorized()));
  }

  private Route updateFraudRule(String body) {
    JsonNode update = parseRule(body);
    return completeWithFuture(
        Responses.respond(
            control
                .fraudRule()
                .thenCompose(current -> control.updateFraudRule(merge(current.settings(), update))),
            AdminRoutes::ruleBody));
  }

  private Route respond(java.util.concurrent.CompletionStage<VersionedFraudRule> rule) {
    return completeWithFuture(Responses.respond(rule, AdminRoutes::ruleBody));
  }

  private Route consumption(Supplier<java.util.concurrent.CompletionStage<Boolean>> change) {
    return completeWithFuture(
        Responses.respond(change.get(), paused -> Responses.ok(Map.of("paused", paused))));
  }

  private static HttpResponse ruleBody(VersionedFraudRule versioned) {
    FraudSettings rule = versioned.settings();
    return Responses.ok(
        Map.of(
            "windowMs", rule.windowMillis(),
            "maxCountries", rule.maxCountries(),
            "allowedLatenessMs", rule.allowedLatenessMillis(),
            "version", versioned.version()));
  }

  private static JsonNode parseRule(String body) {
    JsonNode node;
    try {
      node = Responses.JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadParameterException("body", "body must be a JSON object");
    }
    if (node == null || !node.isObject()) {
      throw new BadParameterException("body", "body must be a JSON object");
    }
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      if (!RULE_FIELDS.contains(field.getKey())) {
        throw new BadParameterException(field.getKey(), "unknown field " + field.getKey());
      }
      if (!field.getValue().canConvertToLong() || !field.getValue().isIntegralNumber()) {
        throw new BadParameterException(field.getKey(), field.getKey() + " must be an integer");
      }
    }
    return node;
  }

  private static FraudSettings merge(FraudSettings current, JsonNode update) {
    long maxCountries = update.path("maxCountries").asLong(current.maxCountries());
    if (maxCountries < 1 || maxCountries > Integer.MAX_VALUE) {
      throw new BadParameterException("maxCountries", "maxCountries must be a positive integer");
    }
    long windowMs = update.path("windowMs").asLong(current.windowMillis());
    if (windowMs < 1) {
      throw new BadParameterException("windowMs", "windowMs must be a positive integer");
    }
    long allowedLatenessMs =
        update.path("allowedLatenessMs").asLong(current.allowedLatenessMillis());
    if (allowedLatenessMs < 0) {
      throw new BadParameterException(
          "allowedLatenessMs", "allowedLatenessMs must be a non-negative integer");
    }
    return new FraudSettings(windowMs, (int) maxCountries, allowedLatenessMs);
  }

  private static HttpResponse unauthorized() {
    return Responses.error(StatusCodes.UNAUTHORIZED, "missing or wrong bearer token")
        .addHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"tidemark-admin\""));
  }
}
