package dev.gantry.session;

import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Key schema of the sessions and audit tables, shared by the store, the local table set-up and
 * (later) the CDK stack. Sessions: partition key {@code sessionId} (S). Audit: partition key
 * {@code sessionId} (S), sort key {@code seq} (N).
 */
public final class SessionTables {
  /** Partition key of both tables. */
  public static final String SESSION_ID = "sessionId";
  /** Sort key of the audit table. */
  public static final String SEQ = "seq";

  private SessionTables() {}

  /** CreateTable request for the sessions table (on-demand). */
  public static CreateTableRequest sessionsTable(String name) {
    return CreateTableRequest.builder()
        .tableName(name)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(attribute(SESSION_ID, ScalarAttributeType.S))
        .keySchema(key(SESSION_ID, KeyType.HASH))
        .build();
  }

  /** CreateTable request for the audit table (on-demand). */
  public static CreateTableRequest auditTable(String name) {
    return CreateTableRequest.builder()
        .tableName(name)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            attribute(SESSION_ID, ScalarAttributeType.S), attribute(SEQ, ScalarAttributeType.N))
        .keySchema(key(SESSION_ID, KeyType.HASH), key(SEQ, KeyType.RANGE))
        .build();
  }

  private static AttributeDefinition attribute(String name, ScalarAttributeType type) {
    return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }
}
