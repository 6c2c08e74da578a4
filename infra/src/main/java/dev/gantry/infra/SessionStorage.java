package dev.gantry.infra;

import dev.gantry.session.SessionTables;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import dev.gantry.document.DocumentKeys;
import dev.gantry.session.s3.S3AuditAnchors;
import java.util.Map;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.kms.KeySpec;
import software.amazon.awscdk.services.kms.KeyUsage;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.NoncurrentVersionTransition;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.StorageClass;
import software.constructs.Construct;

/**
 * Where sessions live: the sessions table (with the listing indexes and a TTL attribute), the
 * append-only audit table, the documents bucket and the bucket its access logs go to. Key schemas
 * come from {@link SessionTables}, the same constants the store and the local tables use. Data is
 * retained when the stack is deleted.
 *
 * <p>The audit log's protection: a KMS HMAC key ({@code HMAC_256}, {@code GENERATE_VERIFY_MAC})
 * writers use through {@code kms:GenerateMac} only, and the anchors bucket, where writers may only
 * add ({@code s3:PutObject} on {@code audit-anchors/*}). Its bucket policy denies, to every
 * principal, a PutObject without {@code If-None-Match} (condition key {@code s3:if-none-match} Null;
 * S3 user guide, "Enforce conditional writes on Amazon S3 buckets"), every object delete, and
 * lifecycle configuration, so an anchor is never replaced, removed or expired.
 */
public final class SessionStorage extends Construct {
  private final Table sessions;
  private final Table audit;
  private final Bucket documents;
  private final Key auditKey;
  private final Bucket auditAnchors;

  /** Creates the tables and buckets. */
  public SessionStorage(Construct scope, String id) {
    super(scope, id);
    this.sessions = Table.Builder.create(this, "Sessions")
        .partitionKey(Attribute.builder().name(SessionTables.SESSION_ID).type(AttributeType.STRING).build())
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
        .encryption(TableEncryption.AWS_MANAGED)
        .timeToLiveAttribute(SessionTables.EXPIRES_AT)
        .removalPolicy(RemovalPolicy.RETAIN)
        .build();
    // sorted, so the template does not depend on the map's iteration order
    for (Map.Entry<String, String> index : new java.util.TreeMap<>(SessionTables.LISTING_INDEXES).entrySet()) {
      sessions.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder()
          .indexName(index.getKey())
          .partitionKey(Attribute.builder().name(index.getValue()).type(AttributeType.STRING).build())
          .sortKey(Attribute.builder().name(SessionTables.CREATED_ORDER).type(AttributeType.STRING).build())
          .projectionType(ProjectionType.ALL)
          .build());
    }
    this.audit = Table.Builder.create(this, "Audit")
        .partitionKey(Attribute.builder().name(SessionTables.SESSION_ID).type(AttributeType.STRING).build())
        .sortKey(Attribute.builder().name(SessionTables.SEQ).type(AttributeType.NUMBER).build())
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
        .encryption(TableEncryption.AWS_MANAGED)
        .deletionProtection(true)
        .removalPolicy(RemovalPolicy.RETAIN)
        .build();

    Bucket accessLogs = Bucket.Builder.create(this, "AccessLogs")
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
        .encryption(BucketEncryption.S3_MANAGED) // server access logging requires SSE-S3 on the target
        .enforceSsl(true)
        .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
        .lifecycleRules(List.of(LifecycleRule.builder().id("ExpireAccessLogs").expiration(Duration.days(365)).build()))
        .removalPolicy(RemovalPolicy.RETAIN)
        .build();
    this.documents = Bucket.Builder.create(this, "Documents")
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
        .encryption(BucketEncryption.S3_MANAGED)
        .enforceSsl(true)
        .versioned(true)
        .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
        .serverAccessLogsBucket(accessLogs)
        .serverAccessLogsPrefix("documents/")
        .lifecycleRules(List.of(LifecycleRule.builder()
            .id("OldVersions")
            .noncurrentVersionTransitions(List.of(NoncurrentVersionTransition.builder()
                .storageClass(StorageClass.INFREQUENT_ACCESS).transitionAfter(Duration.days(30)).build()))
            .noncurrentVersionExpiration(Duration.days(90))
            .abortIncompleteMultipartUploadAfter(Duration.days(7))
            .build()))
        .removalPolicy(RemovalPolicy.RETAIN)
        .build();

    this.auditKey = Key.Builder.create(this, "AuditKey")
        .description("Gantry audit entry MACs: GenerateMac for writers, VerifyMac for readers")
        .keySpec(KeySpec.HMAC_256)
        .keyUsage(KeyUsage.GENERATE_VERIFY_MAC)
        .removalPolicy(RemovalPolicy.RETAIN) // without it no stored MAC can be verified again
        .build();
    this.auditAnchors = Bucket.Builder.create(this, "AuditAnchors")
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
        .encryption(BucketEncryption.S3_MANAGED)
        .enforceSsl(true)
        .versioned(true) // an administrator's delete leaves the anchor as a noncurrent version
        .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
        .serverAccessLogsBucket(accessLogs)
        .serverAccessLogsPrefix("audit-anchors/")
        .removalPolicy(RemovalPolicy.RETAIN) // no lifecycle rules: anchors never expire
        .build();
    auditAnchors.addToResourcePolicy(PolicyStatement.Builder.create()
        .sid("DenyPutWithoutIfNoneMatch")
        .effect(Effect.DENY)
        .principals(List.of(new AnyPrincipal()))
        .actions(List.of("s3:PutObject"))
        .resources(List.of(auditAnchors.arnForObjects("*")))
        .conditions(Map.of("Null", Map.of("s3:if-none-match", "true")))
        .build());
    auditAnchors.addToResourcePolicy(PolicyStatement.Builder.create()
        .sid("DenyAnchorDeletion")
        .effect(Effect.DENY)
        .principals(List.of(new AnyPrincipal()))
        .actions(List.of("s3:DeleteObject*", "s3:PutLifecycleConfiguration"))
        .resources(List.of(auditAnchors.getBucketArn(), auditAnchors.arnForObjects("*")))
        .build());
  }

  /**
   * Lets {@code function} read and write sessions (indexes included), append and read audit entries,
   * authenticate new entries ({@code kms:GenerateMac}) and add anchors ({@code s3:PutObject} on
   * {@code audit-anchors/*}).
   */
  public void grantSessions(GantryFunction function) {
    sessions.grantReadWriteData(function.grantee());
    audit.grant(function.grantee(), "dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query");
    auditKey.grant(function.grantee(), "kms:GenerateMac");
    function.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
        .actions(List.of("s3:PutObject"))
        .resources(List.of(auditAnchors.arnForObjects(S3AuditAnchors.PREFIX + "*")))
        .build());
    Acknowledgements.sessionIndexes(function.role());
    Acknowledgements.auditAnchors(function.role());
  }

  /**
   * Lets {@code function} also verify audit logs: {@code kms:VerifyMac} and listing the anchors
   * bucket. What an auditor's read-only role needs besides {@code dynamodb:Query} on the audit table.
   */
  public void grantAuditVerification(GantryFunction function) {
    auditKey.grant(function.grantee(), "kms:VerifyMac");
    function.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
        .actions(List.of("s3:ListBucket"))
        .resources(List.of(auditAnchors.getBucketArn()))
        .build());
  }

  /**
   * Lets {@code function} read (and with {@code write}, write) session documents ({@code
   * sessions/*}) and approved templates ({@code stacks/*}), and list the bucket so a missing key
   * reads as absent (404) rather than denied (403). Prefixes from {@link DocumentKeys}.
   */
  public void grantDocuments(GantryFunction function, boolean write) {
    List<String> actions = write ? List.of("s3:GetObject", "s3:PutObject") : List.of("s3:GetObject");
    function.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
        .actions(actions)
        .resources(List.of(documents.arnForObjects(DocumentKeys.SESSIONS_PREFIX + "*"),
            documents.arnForObjects(DocumentKeys.STACKS_PREFIX + "*")))
        .build());
    function.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
        .actions(List.of("s3:ListBucket"))
        .resources(List.of(documents.getBucketArn()))
        .build());
    Acknowledgements.documentObjects(function.role());
  }

  /** The environment variables the runtime reads these by. */
  public java.util.Map<String, String> environment() {
    return java.util.Map.of(
        dev.gantry.config.EnvironmentVariables.SESSIONS_TABLE, sessions.getTableName(),
        dev.gantry.config.EnvironmentVariables.AUDIT_TABLE, audit.getTableName(),
        dev.gantry.config.EnvironmentVariables.DOCUMENTS_BUCKET, documents.getBucketName(),
        dev.gantry.config.EnvironmentVariables.AUDIT_KEY_ID, auditKey.getKeyArn(),
        dev.gantry.config.EnvironmentVariables.AUDIT_ANCHORS_BUCKET, auditAnchors.getBucketName());
  }

  /** The KMS HMAC key audit entries are authenticated with. */
  public Key auditKey() {
    return auditKey;
  }

  /** The bucket audit anchors are added to. */
  public Bucket auditAnchors() {
    return auditAnchors;
  }

  /** The sessions table. */
  public Table sessions() {
    return sessions;
  }

  /** The audit table. */
  public Table audit() {
    return audit;
  }

  /** The documents bucket. */
  public Bucket documents() {
    return documents;
  }
}
