package dev.gantry.model.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkNumber;
import software.amazon.awssdk.core.document.Document;

/**
 * Converts between Jackson trees and the AWS SDK's {@link Document}, the type Converse uses for
 * tool input schemas and tool inputs. Both model plain JSON, so the conversion is lossless.
 */
final class JsonDocuments {
  private JsonDocuments() {}

  static Document toDocument(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return Document.fromNull();
    }
    if (node.isObject()) {
      Map<String, Document> members = new LinkedHashMap<>();
      node.fields().forEachRemaining(e -> members.put(e.getKey(), toDocument(e.getValue())));
      return Document.fromMap(members);
    }
    if (node.isArray()) {
      List<Document> items = new ArrayList<>();
      node.forEach(item -> items.add(toDocument(item)));
      return Document.fromList(items);
    }
    if (node.isBoolean()) {
      return Document.fromBoolean(node.booleanValue());
    }
    if (node.isNumber()) {
      return Document.fromNumber(SdkNumber.fromString(node.numberValue().toString()));
    }
    return Document.fromString(node.asText());
  }

  static JsonNode toJson(Document document) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (document == null || document.isNull()) {
      return nodes.nullNode();
    }
    if (document.isMap()) {
      ObjectNode object = nodes.objectNode();
      document.asMap().forEach((key, value) -> object.set(key, toJson(value)));
      return object;
    }
    if (document.isList()) {
      ArrayNode array = nodes.arrayNode();
      document.asList().forEach(item -> array.add(toJson(item)));
      return array;
    }
    if (document.isBoolean()) {
      return nodes.booleanNode(document.asBoolean());
    }
    if (document.isNumber()) {
      return nodes.numberNode(document.asNumber().bigDecimalValue());
    }
    return nodes.textNode(document.asString());
  }
}
