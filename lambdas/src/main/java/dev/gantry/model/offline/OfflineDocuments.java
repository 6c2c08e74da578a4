package dev.gantry.model.offline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The documents the offline model writes, built from {@link RepositoryFacts} with fixed rules.
 * Every document says it was written by the offline model, with no LLM.
 */
final class OfflineDocuments {
  static final String LABEL = "Written by the offline model, no LLM: a deterministic stand-in that follows fixed rules.";

  private OfflineDocuments() {}

  /** The Lambda runtime for the primary language, per the AWS Lambda runtimes page. */
  static String runtime(RepositoryFacts facts) {
    String language = facts.primaryLanguage();
    if (language == null) {
      return "provided.al2023";
    }
    return switch (language) {
      case "Java", "Kotlin", "Scala" -> "java21";
      case "Python" -> "python3.12";
      case "TypeScript", "JavaScript" -> "nodejs20.x";
      case "C#" -> "dotnet8";
      case "Ruby" -> "ruby3.3";
      default -> "provided.al2023";
    };
  }

  static String architecture(String goal, String stackName, RepositoryFacts facts) {
    StringBuilder md = new StringBuilder();
    md.append("# Architecture: ").append(goal).append("\n\n> ").append(LABEL).append("\n\n");
    md.append("## What the repository holds\n\n");
    md.append("- ").append(facts.fileCount).append(" files, ").append(facts.totalBytes).append(" bytes (build output and VCS folders skipped).\n");
    if (facts.languages.isEmpty()) {
      md.append("- No source files in a recognised language.\n");
    } else {
      md.append("- Languages by file count: ");
      List<String> parts = new ArrayList<>();
      facts.languages.forEach((l, n) -> parts.add(l + " " + n));
      md.append(String.join(", ", parts)).append(".\n");
    }
    if (facts.buildFiles.isEmpty()) {
      md.append("- No build file found.\n");
    }
    facts.buildFiles.forEach((path, deps) -> {
      md.append("- Build file `").append(path).append("`");
      if (!deps.isEmpty()) {
        md.append(": ").append(deps.size()).append(" dependencies, e.g. ")
            .append(String.join(", ", deps.subList(0, Math.min(8, deps.size()))));
      }
      md.append(".\n");
    });
    if (facts.infrastructure.isEmpty()) {
      md.append("- No infrastructure as code found (no CloudFormation, SAM, CDK or Terraform files).\n");
    }
    facts.infrastructure.forEach((path, kind) -> md.append("- Infrastructure as code: `").append(path).append("` (").append(kind).append(").\n"));
    if (facts.routes.isEmpty()) {
      md.append("- No HTTP routes found by searching for route declarations.\n");
    } else {
      md.append("- HTTP routes found: ").append(String.join(", ", facts.routes)).append(".\n");
    }
    md.append("- Files read: ").append(facts.filesRead.isEmpty() ? "none" : String.join(", ", facts.filesRead)).append(".\n");

    String runtime = runtime(facts);
    md.append("\n## Service choices\n\n| Need | Service | Why |\n|---|---|---|\n");
    md.append("| HTTPS entry point | Amazon API Gateway HTTP API | lower price and latency than REST APIs; IAM or JWT authorizers; ")
        .append(facts.routes.isEmpty() ? "a `$default` route until routes are declared" : facts.routes.size() + " routes mapped from the code").append(" |\n");
    md.append("| Compute | AWS Lambda, `").append(runtime).append("`, arm64 | matches the repository's primary language (")
        .append(facts.primaryLanguage() == null ? "unknown" : facts.primaryLanguage())
        .append("); Graviton is cheaper per GB-second; no servers to patch")
        .append(runtime.startsWith("java") ? "; SnapStart on published versions cuts cold starts" : "").append(" |\n");
    md.append("| State | Amazon DynamoDB, on-demand | single-digit millisecond key-value access; pay per request while traffic is unknown |\n");
    md.append("| Files | Amazon S3 | durable object storage; encryption and Block Public Access on by default |\n");
    md.append("| Observability | Amazon CloudWatch Logs and metrics | Lambda writes logs with no agent; alarms on errors and throttles |\n");
    if (!facts.infrastructure.isEmpty()) {
      md.append("\nExisting infrastructure code was found; the plan keeps it and adds a separate stack `")
          .append(stackName).append("` rather than rewriting it.\n");
    }
    md.append("\n## Data model\n\nOne DynamoDB table, keys `pk` (partition) and `sk` (sort), both strings: each entity stores\n")
        .append("`pk = <ENTITY>#<id>` and `sk = META` for the item itself and `sk = <CHILD>#<id>` for owned items, so one\n")
        .append("Query reads an entity with its children. Add global secondary indexes only for access patterns the routes need.\n");
    md.append("\n## Security\n\n")
        .append("- Identity: routes use IAM authorization (`AWS_IAM`); switch to a JWT authorizer for end users.\n")
        .append("- Least privilege: the function's role may only read and write its own table and its own bucket prefix.\n")
        .append("- Encryption: DynamoDB and S3 encrypted at rest with AWS-owned keys; TLS in transit (API Gateway is HTTPS only).\n")
        .append("- Network: no VPC and no open security groups; the bucket blocks all public access.\n")
        .append("- Secrets: none in the template or environment; use AWS Secrets Manager when one is needed.\n");
    md.append("\n## Monthly cost estimate (us-east-1, 1 million requests a month)\n\n")
        .append("| Item | Assumption | USD |\n|---|---|---|\n")
        .append("| API Gateway HTTP API | 1 M requests at $1.00 per million | 1.00 |\n")
        .append("| Lambda requests | 1 M at $0.20 per million | 0.20 |\n")
        .append("| Lambda compute (arm64) | 1 M x 200 ms x 1 GB = 200,000 GB-s at $0.0000133334 | 2.67 |\n")
        .append("| DynamoDB on-demand | 1 M writes at $0.625/M, 2 M reads at $0.125/M | 0.88 |\n")
        .append("| DynamoDB storage | 1 GB at $0.25 | 0.25 |\n")
        .append("| S3 | 10 GB at $0.023, 100,000 PUTs at $0.005/1,000 | 0.73 |\n")
        .append("| CloudWatch Logs | 1 GB ingested at $0.50 | 0.50 |\n")
        .append("| **Total** | before the free tier | **6.23** |\n");
    md.append("\nPrices are list prices used as fixed rules by the offline model; check the AWS Pricing Calculator before relying on them.\n");
    md.append("\n## Not in scope\n\nThis stage designs only; nothing is deployed until the template is validated and a person approves its digest.\n");
    return md.toString();
  }

  static String plan(String goal, String stackName, RepositoryFacts facts) {
    String runtime = runtime(facts);
    String build = buildCommand(facts);
    StringBuilder md = new StringBuilder();
    md.append("# Plan: ").append(goal).append("\n\n> ").append(LABEL).append("\n\n");
    md.append("Stack: `").append(stackName).append("`. Template: `template.yaml` (CloudFormation). Runtime: `").append(runtime).append("`.\n\n");
    md.append("## Implementation\n\n");
    int step = 1;
    md.append(step++).append(". Add a Lambda handler for API Gateway HTTP API events (payload format 2.0) that routes ")
        .append(facts.routes.isEmpty() ? "requests" : String.join(", ", facts.routes)).append(" to the existing code.\n");
    md.append(step++).append(". Read the table and bucket names from the `TABLE_NAME` and `BUCKET_NAME` environment variables; build SDK clients once, outside the handler.\n");
    md.append(step++).append(". Store entities in the table with `pk`/`sk` keys as the architecture describes; write files under the bucket.\n");
    md.append(step++).append(". Build the deployment artifact: `").append(build).append("`.\n");
    md.append("\n## Deployment\n\n");
    md.append(step++).append(". Upload the artifact to a code bucket: `aws s3 cp <artifact> s3://<code-bucket>/").append(stackName).append("/<version>.zip`.\n");
    md.append(step++).append(". Gantry validates `template.yaml` (structure, references, IAM wildcards, public access, open ingress).\n");
    md.append(step++).append(". A person approves the template's SHA-256; nothing deploys before.\n");
    md.append(step++).append(". Create and review a change set: `aws cloudformation deploy --template-file template.yaml --stack-name ")
        .append(stackName).append(" --parameter-overrides CodeBucket=<code-bucket> CodeKey=<key> --capabilities CAPABILITY_IAM --no-execute-changeset`, then execute it.\n");
    md.append(step++).append(". Verify: call the `ApiUrl` output with SigV4 credentials; expect 2xx; check the function's log group for errors.\n");
    md.append(step).append(". Roll back: redeploy the previous template and artifact, or delete the stack if it was the first deployment (the table and bucket are retained).\n");
    md.append("\n## Resources in the template\n\n")
        .append("DataTable (DynamoDB), DocumentsBucket (S3), FunctionRole (IAM), ApiFunction (Lambda), HttpApi, ApiIntegration, ")
        .append(facts.routes.isEmpty() ? "DefaultRoute" : facts.routes.size() + " routes")
        .append(", ApiStage, ApiInvokePermission.\n");
    return md.toString();
  }

  private static String buildCommand(RepositoryFacts facts) {
    for (String path : facts.buildFiles.keySet()) {
      if (path.endsWith("pom.xml")) {
        return "mvn -B package";
      }
      if (path.endsWith("build.gradle") || path.endsWith("build.gradle.kts")) {
        return "./gradlew build";
      }
      if (path.endsWith("package.json")) {
        return "npm ci && npm run build && zip -r function.zip .";
      }
      if (path.endsWith("requirements.txt") || path.endsWith("pyproject.toml")) {
        return "pip install -r requirements.txt -t package && zip -r function.zip package";
      }
      if (path.endsWith("go.mod")) {
        return "GOOS=linux GOARCH=arm64 go build -o bootstrap && zip function.zip bootstrap";
      }
      if (path.endsWith("Cargo.toml")) {
        return "cargo lambda build --release --arm64 --output-format zip";
      }
    }
    return "zip -r function.zip .";
  }

  static String template(String goal, String stackName, RepositoryFacts facts) {
    String runtime = runtime(facts);
    String handler =
        switch (runtime) {
          case "java21" -> "com.example.ApiHandler::handleRequest";
          case "python3.12" -> "app.handler";
          case "nodejs20.x" -> "index.handler";
          default -> "bootstrap";
        };
    StringBuilder y = new StringBuilder();
    y.append("# ").append(LABEL).append('\n');
    y.append("AWSTemplateFormatVersion: \"2010-09-09\"\n");
    y.append("Description: ").append(yamlString(stackName + ": " + goal)).append('\n');
    y.append("""
        Parameters:
          CodeBucket:
            Type: String
            Default: ""
            Description: S3 bucket holding the function artifact; empty deploys a placeholder answering 501
          CodeKey:
            Type: String
            Default: ""
            Description: S3 key of the function artifact
          PermissionsBoundaryArn:
            Type: String
            Default: ""
            Description: The permissions boundary every role of this stack carries (Gantry passes its own)
        Conditions:
          HasArtifact: !Not [!Equals [!Ref CodeBucket, ""]]
          HasBoundary: !Not [!Equals [!Ref PermissionsBoundaryArn, ""]]
        Resources:
          DataTable:
            Type: AWS::DynamoDB::Table
            Properties:
              BillingMode: PAY_PER_REQUEST
              AttributeDefinitions:
                - AttributeName: pk
                  AttributeType: S
                - AttributeName: sk
                  AttributeType: S
              KeySchema:
                - AttributeName: pk
                  KeyType: HASH
                - AttributeName: sk
                  KeyType: RANGE
              SSESpecification:
                SSEEnabled: true
              PointInTimeRecoverySpecification:
                PointInTimeRecoveryEnabled: true
          DocumentsBucket:
            Type: AWS::S3::Bucket
            Properties:
              BucketEncryption:
                ServerSideEncryptionConfiguration:
                  - ServerSideEncryptionByDefault:
                      SSEAlgorithm: AES256
              PublicAccessBlockConfiguration:
                BlockPublicAcls: true
                BlockPublicPolicy: true
                IgnorePublicAcls: true
                RestrictPublicBuckets: true
              VersioningConfiguration:
                Status: Enabled
          FunctionRole:
            Type: AWS::IAM::Role
            Properties:
              PermissionsBoundary: !If [HasBoundary, !Ref PermissionsBoundaryArn, !Ref "AWS::NoValue"]
              AssumeRolePolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Principal:
                      Service: lambda.amazonaws.com
                    Action: sts:AssumeRole
              ManagedPolicyArns:
                - !Sub arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
              Policies:
                - PolicyName: data-access
                  PolicyDocument:
                    Version: "2012-10-17"
                    Statement:
                      - Effect: Allow
                        Action:
                          - dynamodb:GetItem
                          - dynamodb:PutItem
                          - dynamodb:UpdateItem
                          - dynamodb:DeleteItem
                          - dynamodb:Query
                        Resource:
                          - !GetAtt DataTable.Arn
                          - !Sub "${DataTable.Arn}/index/*"
                      - Effect: Allow
                        Action:
                          - s3:GetObject
                          - s3:PutObject
                        Resource: !Sub "${DocumentsBucket.Arn}/*"
          ApiFunction:
            Type: AWS::Lambda::Function
            Properties:
        """);
    // without an artifact the function is an inline placeholder, so the stack deploys before the first build
    y.append("      Runtime: !If [HasArtifact, ").append(runtime).append(", python3.12]\n");
    y.append("      Handler: !If [HasArtifact, ").append(yamlString(handler)).append(", index.handler]\n");
    y.append("""
              Architectures:
                - arm64
              MemorySize: 1024
              Timeout: 29
              Role: !GetAtt FunctionRole.Arn
              Code: !If
                - HasArtifact
                - S3Bucket: !Ref CodeBucket
                  S3Key: !Ref CodeKey
                - ZipFile: |
                    import json
                    def handler(event, context):
                        return {"statusCode": 501, "body": json.dumps({"message": "placeholder: deploy with CodeBucket and CodeKey"})}
              Environment:
                Variables:
                  TABLE_NAME: !Ref DataTable
                  BUCKET_NAME: !Ref DocumentsBucket
        """);
    if (runtime.startsWith("java")) {
      y.append("      SnapStart: !If [HasArtifact, {ApplyOn: PublishedVersions}, !Ref \"AWS::NoValue\"]\n");
    }
    y.append("""
          HttpApi:
            Type: AWS::ApiGatewayV2::Api
            Properties:
              Name: !Sub "${AWS::StackName}-api"
              ProtocolType: HTTP
          ApiIntegration:
            Type: AWS::ApiGatewayV2::Integration
            Properties:
              ApiId: !Ref HttpApi
              IntegrationType: AWS_PROXY
              IntegrationUri: !GetAtt ApiFunction.Arn
              PayloadFormatVersion: "2.0"
        """);
    List<String> routeKeys = facts.routes.isEmpty() ? List.of("$default") : List.copyOf(facts.routes).subList(0, Math.min(20, facts.routes.size()));
    int n = 1;
    for (String key : routeKeys) {
      String logicalId = routeKeys.size() == 1 && key.equals("$default") ? "DefaultRoute" : "Route" + n++;
      y.append("  ").append(logicalId).append(":\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n")
          .append("      ApiId: !Ref HttpApi\n      RouteKey: ").append(yamlString(key)).append('\n')
          .append("      AuthorizationType: AWS_IAM\n")
          .append("      Target: !Sub \"integrations/${ApiIntegration}\"\n");
    }
    y.append("""
          ApiStage:
            Type: AWS::ApiGatewayV2::Stage
            Properties:
              ApiId: !Ref HttpApi
              StageName: $default
              AutoDeploy: true
          ApiInvokePermission:
            Type: AWS::Lambda::Permission
            Properties:
              Action: lambda:InvokeFunction
              FunctionName: !Ref ApiFunction
              Principal: apigateway.amazonaws.com
              SourceArn: !Sub "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/*"
        Outputs:
          ApiUrl:
            Value: !Sub "https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/"
          TableName:
            Value: !Ref DataTable
          BucketName:
            Value: !Ref DocumentsBucket
        """);
    return y.toString();
  }

  static String rollout(String stackName, String changeSetJson) {
    StringBuilder md = new StringBuilder();
    JsonNode changeSet = changeSetJson == null ? null : Json.tree(changeSetJson);
    boolean dryRun = changeSet != null && "dry-run".equals(changeSet.path("mode").asText());
    md.append("# Rollout of stack `").append(stackName).append("`").append(dryRun ? " (dry run)" : "").append("\n\n> ")
        .append(LABEL).append("\n\n");
    md.append(dryRun
        ? "This change set is a preview: approving it executes nothing in an account.\n\n"
        : "Approving executes exactly this change set; nothing else is deployed.\n\n");
    md.append("## Changes\n\n");
    if (changeSet == null || changeSet.path("changes").isEmpty()) {
      md.append("No resource changes.\n");
    } else {
      md.append("| Action | Logical id | Type | Replacement | Changed |\n|---|---|---|---|---|\n");
      for (JsonNode c : changeSet.path("changes")) {
        List<String> changed = new ArrayList<>();
        c.path("details").forEach(d -> changed.add(d.path("name").asText()));
        md.append("| ").append(c.path("action").asText()).append(" | ").append(c.path("logicalResourceId").asText())
            .append(" | ").append(c.path("resourceType").asText()).append(" | ")
            .append(c.path("replacement").isMissingNode() || c.path("replacement").isNull() ? "" : c.path("replacement").asText())
            .append(" | ").append(String.join(", ", changed)).append(" |\n");
      }
    }
    md.append("\n## Risks\n\n");
    if (changeSet == null || changeSet.path("risks").isEmpty()) {
      md.append("No risk flags.\n");
    }
    if (changeSet != null) {
      changeSet.path("risks").forEach(r -> md.append("- **").append(r.path("kind").asText()).append("**: ")
          .append(r.path("message").asText()).append('\n'));
    }
    boolean removes = changeSet != null && changeSet.path("summary").path("removes").asInt() > 0;
    md.append("\n## Check after deploying\n\n")
        .append("1. `aws cloudformation describe-stacks --stack-name ").append(stackName).append("` shows `CREATE_COMPLETE` or `UPDATE_COMPLETE`.\n")
        .append("2. Call the `ApiUrl` output with SigV4 credentials and expect a 2xx answer.\n")
        .append("3. The function's log group has no `ERROR` lines and the `Errors` metric stays at 0 for 15 minutes.\n");
    md.append("\n## Back out\n\n")
        .append("CloudFormation rolls back a failed deployment by itself. To undo a finished one, run a new session with the ")
        .append("previous template")
        .append(removes ? "; this change removes resources, so back up their data first" : "").append(".\n");
    return md.toString();
  }

  private static String yamlString(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ") + "\"";
  }
}
