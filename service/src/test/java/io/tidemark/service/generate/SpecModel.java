package io.tidemark.service.generate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tidemark.streams.event.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A brute-force reading of SPEC §1 for tests: strict UTF-8, strict JSON (Jackson defaults plus
 * failing on trailing tokens; duplicate keys: last wins), then required fields, then field
 * validity. Independent of the production decoder, so it checks what the generator claims.
 */
final class SpecModel {

  static final List<String> CLICK_REQUIRED = List.of("eventId", "userId", "url", "ts");
  static final List<String> TXN_REQUIRED = List.of("txnId", "userId", "amount", "country", "ts");

  private static final JsonMapper STRICT =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  private static final Pattern COUNTRY = Pattern.compile("[A-Za-z]{2}");

  private SpecModel() {}

  static List<String> required(String topic) {
    return Generator.CLICKS.equals(topic) ? CLICK_REQUIRED : TXN_REQUIRED;
  }

  /** The parsed object, or {@code null} if the bytes are not one strict JSON object in UTF-8. */
  static JsonNode parse(byte[] value) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(value))
              .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    try {
      JsonNode node = STRICT.readTree(text);
      return node != null && node.isObject() ? node : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** The dead-letter reason SPEC §1 gives the record, or {@code null} if it decodes. */
  static Reason decodeFailure(String topic, byte[] value) {
    return decodeFailure(topic, parse(value));
  }

  /** As {@link #decodeFailure(String, byte[])} for a record already {@link #parse parsed}. */
  static Reason decodeFailure(String topic, JsonNode node) {
    if (node == null) {
      return Reason.MALFORMED_JSON;
    }
    for (String field : required(topic)) {
      if (!node.hasNonNull(field)) {
        return Reason.MISSING_FIELD;
      }
    }
    for (String field : required(topic)) {
      if (!valid(field, node.get(field))) {
        return Reason.INVALID_FIELD;
      }
    }
    return null;
  }

  private static boolean valid(String field, JsonNode value) {
    return switch (field) {
      case "ts" ->
          value.isIntegralNumber()
              && value.canConvertToLong()
              && value.asLong() >= GeneratorSettings.MIN_VALID_TS
              && value.asLong() < GeneratorSettings.MAX_VALID_TS_EXCLUSIVE;
      case "amount" ->
          value.isNumber() && Double.isFinite(value.doubleValue()) && value.doubleValue() >= 0;
      case "country" -> value.isTextual() && COUNTRY.matcher(value.textValue()).matches();
      default ->
          value.isTextual() && !value.textValue().isEmpty() && value.textValue().length() <= 1024;
    };
  }
}
