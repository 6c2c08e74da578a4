package dev.gantry.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.util.stream.Collectors;

/**
 * Reads request bodies strictly: unknown fields, wrong JSON types (no coercion of numbers to
 * strings or the reverse), duplicate keys and trailing content are refused with a 400 problem that
 * names the field, so a client cannot slip in fields such as {@code status} or {@code approvedBy}.
 */
public final class JsonBodies {
  private static final JsonMapper STRICT = strictMapper();

  private JsonBodies() {}

  private static JsonMapper strictMapper() {
    JsonMapper mapper = JsonMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .build();
    // Request fields are strings; Jackson would otherwise turn 5 or true into "5" or "true".
    mapper.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return mapper;
  }

  /**
   * Parses the request body into {@code type}.
   *
   * @throws ApiException 400 for an empty body, malformed JSON, a non-object, an unknown field or a
   *     field of the wrong type
   */
  public static <T> T read(ApiRequest request, Class<T> type) {
    if (request.body().length == 0) {
      throw new ApiException(Problem.Kind.MALFORMED_BODY, "the body is empty: send a JSON object", null);
    }
    ObjectReader reader = STRICT.readerFor(type);
    try {
      T value = reader.readValue(request.body());
      if (value == null) {
        throw new ApiException(Problem.Kind.MALFORMED_BODY, "the body is null: send a JSON object", null);
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream().map(String::valueOf).sorted()
          .collect(Collectors.joining(", "));
      String field = path(e);
      throw new ApiException(Problem.Kind.INVALID_REQUEST,
          "unknown field '" + field + "': remove it" + (known.isEmpty() ? "" : "; allowed here: " + known), field);
    } catch (JsonParseException e) {
      throw new ApiException(Problem.Kind.MALFORMED_BODY, "the body is not valid JSON (line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + "): send a JSON object", null);
    } catch (MismatchedInputException e) {
      String field = path(e);
      if (field.isEmpty()) {
        throw new ApiException(Problem.Kind.MALFORMED_BODY, "the body must be a JSON object", null);
      }
      throw new ApiException(Problem.Kind.INVALID_REQUEST,
          "field '" + field + "' must be " + describe(e.getTargetType()), field);
    } catch (JsonMappingException e) {
      String field = path(e);
      throw new ApiException(Problem.Kind.INVALID_REQUEST, "field '" + field + "' has an invalid value", field.isEmpty() ? null : field);
    } catch (JsonProcessingException e) {
      throw new ApiException(Problem.Kind.MALFORMED_BODY, "the body is not valid JSON: send a JSON object", null);
    } catch (IOException e) {
      throw new ApiException(Problem.Kind.MALFORMED_BODY, "the body could not be read", null);
    }
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }

  private static String describe(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "a JSON object";
    }
    if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a JSON array";
    }
    return "of another type";
  }
}
