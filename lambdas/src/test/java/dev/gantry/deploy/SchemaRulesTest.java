package dev.gantry.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.gantry.deploy.rules.SchemaRules;
import dev.gantry.deploy.spec.ResourceSpecification;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaRulesTest {
  private static final SchemaRules RULE = new SchemaRules();

  // ---- templates that pass ----------------------------------------------------------------------

  /** A REST API in front of a function that reads a table: the everyday serverless template. */
  static final String API_LAMBDA_DYNAMODB =
      """
      AWSTemplateFormatVersion: "2010-09-09"
      Parameters:
        Stage:
          Type: String
          Default: prod
      Resources:
        Table:
          Type: AWS::DynamoDB::Table
          Properties:
            BillingMode: PAY_PER_REQUEST
            AttributeDefinitions:
              - AttributeName: pk
                AttributeType: S
            KeySchema:
              - AttributeName: pk
                KeyType: HASH
            StreamSpecification:
              StreamViewType: NEW_IMAGE
            PointInTimeRecoverySpecification:
              PointInTimeRecoveryEnabled: "true"
            Tags:
              - Key: app
                Value: orders
        Role:
          Type: AWS::IAM::Role
          Properties:
            AssumeRolePolicyDocument:
              Version: "2012-10-17"
              Statement:
                - Effect: Allow
                  Principal: {Service: lambda.amazonaws.com}
                  Action: sts:AssumeRole
            ManagedPolicyArns:
              - !Sub arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
            Policies:
              - PolicyName: table
                PolicyDocument:
                  Version: "2012-10-17"
                  Statement:
                    - Effect: Allow
                      Action: [dynamodb:GetItem, dynamodb:Query]
                      Resource: [!GetAtt Table.Arn, !Sub "${Table.Arn}/index/*"]
        Function:
          Type: AWS::Lambda::Function
          Properties:
            Runtime: python3.12
            Handler: index.handler
            Role: !GetAtt Role.Arn
            MemorySize: 512
            Timeout: "10"
            Architectures: [arm64]
            Code:
              ZipFile: |
                def handler(event, context):
                    return {"statusCode": 200}
            Environment:
              Variables:
                TABLE: !Ref Table
                STREAM: !GetAtt Table.StreamArn
                RETRIES: 3
            TracingConfig:
              Mode: Active
        Api:
          Type: AWS::ApiGateway::RestApi
          Properties:
            Name: orders
            EndpointConfiguration:
              Types: [REGIONAL]
        OrdersResource:
          Type: AWS::ApiGateway::Resource
          Properties:
            RestApiId: !Ref Api
            ParentId: !GetAtt Api.RootResourceId
            PathPart: orders
        GetOrders:
          Type: AWS::ApiGateway::Method
          Properties:
            RestApiId: !Ref Api
            ResourceId: !Ref OrdersResource
            HttpMethod: GET
            AuthorizationType: AWS_IAM
            Integration:
              Type: AWS_PROXY
              IntegrationHttpMethod: POST
              Uri: !Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Function.Arn}/invocations
        Deployment:
          Type: AWS::ApiGateway::Deployment
          DependsOn: GetOrders
          Properties:
            RestApiId: !Ref Api
        ApiStage:
          Type: AWS::ApiGateway::Stage
          Properties:
            RestApiId: !Ref Api
            DeploymentId: !Ref Deployment
            StageName: !Ref Stage
            TracingEnabled: true
            MethodSettings:
              - ResourcePath: "/*"
                HttpMethod: "*"
                ThrottlingBurstLimit: 10
                ThrottlingRateLimit: 5.5
        Permission:
          Type: AWS::Lambda::Permission
          Properties:
            FunctionName: !Ref Function
            Action: lambda:InvokeFunction
            Principal: apigateway.amazonaws.com
            SourceArn: !Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/GET/orders
      Outputs:
        Url:
          Value: !Sub https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${Stage}/orders
        TableArn:
          Value: !GetAtt Table.Arn
          Export:
            Name: !Sub ${AWS::StackName}-table
      """;

  /** What {@code sam init} writes for the Python hello-world application. */
  static final String SAM_HELLO_WORLD =
      """
      AWSTemplateFormatVersion: '2010-09-09'
      Transform: AWS::Serverless-2016-10-31
      Description: >
        sam-app

        Sample SAM Template for sam-app

      Globals:
        Function:
          Timeout: 3
          MemorySize: 128
          LoggingConfig:
            LogFormat: JSON
      Resources:
        HelloWorldFunction:
          Type: AWS::Serverless::Function
          Properties:
            CodeUri: hello_world/
            Handler: app.lambda_handler
            Runtime: python3.13
            Architectures:
              - x86_64
            Events:
              HelloWorld:
                Type: Api
                Properties:
                  Path: /hello
                  Method: get
        ApplicationResourceGroup:
          Type: AWS::ResourceGroups::Group
          Properties:
            Name:
              Fn::Sub: ApplicationInsights-SAM-${AWS::StackName}
            ResourceQuery:
              Type: CLOUDFORMATION_STACK_1_0
        ApplicationInsightsMonitoring:
          Type: AWS::ApplicationInsights::Application
          Properties:
            ResourceGroupName:
              Ref: ApplicationResourceGroup
            AutoConfigurationEnabled: 'true'
      Outputs:
        HelloWorldApi:
          Description: API Gateway endpoint URL for Prod stage for Hello World function
          Value: !Sub "https://${ServerlessRestApi}.execute-api.${AWS::Region}.amazonaws.com/Prod/hello/"
        HelloWorldFunction:
          Description: Hello World Lambda Function ARN
          Value: !GetAtt HelloWorldFunction.Arn
        HelloWorldFunctionIamRole:
          Description: Implicit IAM Role created for Hello World function
          Value: !GetAtt HelloWorldFunctionRole.Arn
      """;

  @Test
  void an_api_gateway_lambda_and_dynamodb_template_passes() {
    assertThat(check(API_LAMBDA_DYNAMODB)).isEmpty();
  }

  @Test
  void the_sam_hello_world_template_passes_this_rule() {
    assertThat(check(SAM_HELLO_WORLD)).isEmpty();
  }

  @Test
  void nested_stacks_pass_and_their_outputs_are_attributes() {
    String template =
        """
        Resources:
          Network:
            Type: AWS::CloudFormation::Stack
            Properties:
              TemplateURL: https://s3.amazonaws.com/templates/network.yaml
              Parameters:
                CidrBlock: 10.0.0.0/16
                AzCount: 2
              TimeoutInMinutes: 10
              Tags:
                - Key: app
                  Value: shop
          App:
            Type: AWS::CloudFormation::Stack
            Properties:
              TemplateURL: !Sub https://s3.amazonaws.com/templates/${AWS::Region}/app.yaml
              Parameters:
                VpcId: !GetAtt Network.Outputs.VpcId
              NotificationARNs: [!Ref Topic]
          Topic:
            Type: AWS::SNS::Topic
        Outputs:
          Vpc:
            Value: !GetAtt Network.Outputs.VpcId
          Subnets:
            Value: !Sub "${Network.Outputs.SubnetIds}"
          Status:
            Value: !GetAtt [App, StackStatus]
        """;

    assertThat(check(template)).isEmpty();
  }

  @Test
  void each_branch_of_fn_if_is_checked_and_no_value_removes_a_property() {
    String template =
        """
        Parameters:
          Env:
            Type: String
        Conditions:
          IsProd: !Equals [!Ref Env, prod]
        Resources:
          Bucket:
            Type: AWS::S3::Bucket
            Properties:
              BucketName: !If [IsProd, !Sub "${AWS::StackName}-prod", !Ref AWS::NoValue]
              VersioningConfiguration: !If [IsProd, {Status: Enabled}, !Ref AWS::NoValue]
              LifecycleConfiguration:
                Rules:
                  - Id: expire
                    Status: Enabled
                    ExpirationInDays: !If [IsProd, 365, 30]
              Tags: !If [IsProd, [{Key: env, Value: prod}], []]
          Function:
            Type: AWS::Lambda::Function
            Properties:
              Role: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/fn
              Code: !If
                - IsProd
                - S3Bucket: artifacts
                  S3Key: fn.zip
                - ZipFile: "def handler(e, c): return 1"
              Runtime: !If [IsProd, java21, python3.12]
              Handler: !If [IsProd, Handler::handleRequest, index.handler]
              SnapStart: !If [IsProd, {ApplyOn: PublishedVersions}, !Ref "AWS::NoValue"]
              Architectures: !If [IsProd, [arm64], !Ref AWS::NoValue]
        """;

    assertThat(check(template)).isEmpty();
  }

  // ---- resource types ---------------------------------------------------------------------------

  @Test
  void an_unknown_resource_type_is_an_error_with_the_type_it_likely_meant() {
    List<Finding> findings = check("Resources:\n  Bucket:\n    Type: AWS::S3::Buckett\n");

    assertThat(findings).singleElement().satisfies(f -> {
      assertThat(f.rule()).isEqualTo(SchemaRules.UNKNOWN_RESOURCE_TYPE);
      assertThat(f.severity()).isEqualTo(Finding.Severity.ERROR);
      assertThat(f.location()).isEqualTo("Bucket.Type");
      assertThat(f.message())
          .isEqualTo("resource Bucket: type 'AWS::S3::Buckett' is not in the CloudFormation resource specification"
              + " (@aws-cdk/aws-service-spec 0.1.216 (2026-09-29))");
      assertThat(f.fix()).isEqualTo("did you mean 'AWS::S3::Bucket'?");
      assertThat(f.path()).containsExactly("Resources", "Bucket", "Type");
    });
  }

  @Test
  void custom_resources_take_any_properties_and_attributes() {
    String template =
        """
        Resources:
          Seed:
            Type: Custom::SeedTable
            Properties:
              ServiceToken: !Sub arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:seed
              Rows: [1, 2, 3]
              Anything: {Goes: here}
          Legacy:
            Type: AWS::CloudFormation::CustomResource
            Properties:
              ServiceToken: arn:aws:sns:us-east-1:123456789012:topic
              Whatever: 1
        Outputs:
          Made:
            Value: !GetAtt Seed.MadeUpAttribute
          Other:
            Value: !GetAtt Legacy.Whatever
        """;

    assertThat(check(template)).isEmpty();
  }

  @Test
  void a_template_naming_another_macro_is_not_checked_and_says_so() {
    String macro =
        """
        Transform: [AWS::Serverless-2016-10-31, Acme::Expander]
        Resources:
          A:
            Type: AWS::Acme::Widget
          Role:
            Type: AWS::IAM::Role
            Properties:
              Permissions: [s3:read]
        """;

    assertThat(check(macro)).singleElement().satisfies(f -> {
      assertThat(f.rule()).isEqualTo(SchemaRules.NOT_CHECKED);
      assertThat(f.severity()).isEqualTo(Finding.Severity.INFO);
      assertThat(f.message()).isEqualTo(
          "the template names the macro Acme::Expander, which may rewrite any resource: its resources were not"
              + " checked against the CloudFormation resource specification");
      assertThat(f.path()).containsExactly("Transform");
    });
  }

  @Test
  void types_of_other_registries_are_not_checked_and_sam_templates_are() {
    String thirdParty = "Resources:\n  Cluster:\n    Type: MongoDB::Atlas::Cluster\n    Properties: {Anything: 1}\n";
    String sam = "Transform: AWS::Serverless-2016-10-31\nResources:\n  A:\n    Type: AWS::Acme::Widget\n";

    assertThat(check(thirdParty)).isEmpty();
    assertThat(check(sam)).extracting(Finding::rule).containsExactly(SchemaRules.UNKNOWN_RESOURCE_TYPE);
  }

  // ---- properties -------------------------------------------------------------------------------

  @Test
  void an_unknown_property_is_an_error_with_the_property_it_likely_meant() {
    List<Finding> findings =
        check("Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketNam: logs\n");

    assertThat(findings).singleElement().satisfies(f -> {
      assertThat(f.rule()).isEqualTo(SchemaRules.UNKNOWN_PROPERTY);
      assertThat(f.location()).isEqualTo("Bucket.Properties.BucketNam");
      assertThat(f.message()).isEqualTo("resource Bucket (AWS::S3::Bucket): 'BucketNam' is not a property of AWS::S3::Bucket");
      assertThat(f.fix()).isEqualTo("did you mean 'BucketName'?");
      assertThat(f.path()).containsExactly("Resources", "Bucket", "Properties", "BucketNam");
    });
  }

  @Test
  void unknown_properties_are_found_at_any_depth_the_specification_describes() {
    String template =
        """
        Resources:
          Bucket:
            Type: AWS::S3::Bucket
            Properties:
              BucketEncryption:
                ServerSideEncryptionConfiguration:
                  - ServerSideEncryptionByDefault:
                      SSEAlgorithm: aws:kms
                      KMSMasterKeyIdd: alias/data
              Tags:
                - Key: team
                  Valeu: data
        """;

    assertThat(check(template))
        .extracting(Finding::rule, Finding::message, Finding::fix, Finding::path)
        .containsExactlyInAnyOrder(
            tuple(
                SchemaRules.UNKNOWN_PROPERTY,
                "resource Bucket (AWS::S3::Bucket): 'KMSMasterKeyIdd' is not a property of"
                    + " AWS::S3::Bucket.ServerSideEncryptionByDefault"
                    + " (at BucketEncryption.ServerSideEncryptionConfiguration.0.ServerSideEncryptionByDefault)",
                "did you mean 'KMSMasterKeyID'?",
                List.of("Resources", "Bucket", "Properties", "BucketEncryption", "ServerSideEncryptionConfiguration",
                    "0", "ServerSideEncryptionByDefault", "KMSMasterKeyIdd")),
            tuple(
                SchemaRules.UNKNOWN_PROPERTY,
                "resource Bucket (AWS::S3::Bucket): 'Valeu' is not a property of a tag (at Tags.0)",
                "did you mean 'Value'?",
                List.of("Resources", "Bucket", "Properties", "Tags", "0", "Valeu")));
  }

  @Test
  void an_unknown_property_without_a_close_match_lists_what_there_is() {
    List<Finding> findings =
        check("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      VersioningConfiguration:\n"
            + "        Status: Enabled\n        Comment: keep\n");

    assertThat(findings).singleElement().satisfies(f -> {
      assertThat(f.message()).isEqualTo(
          "resource B (AWS::S3::Bucket): 'Comment' is not a property of AWS::S3::Bucket.VersioningConfiguration"
              + " (at VersioningConfiguration)");
      assertThat(f.fix()).isEqualTo(
          "remove it or use one of AWS::S3::Bucket.VersioningConfiguration's properties: Status");
    });
  }

  @Test
  void a_missing_required_property_is_an_error_at_any_depth() {
    String template =
        """
        Resources:
          Table:
            Type: AWS::DynamoDB::Table
            Properties:
              BillingMode: PAY_PER_REQUEST
              AttributeDefinitions:
                - AttributeName: pk
          Fn:
            Type: AWS::Lambda::Function
            Properties:
              Role: !Ref AWS::NoValue
              Code:
                ZipFile: "def handler(e, c): return 1"
          Role:
            Type: AWS::IAM::Role
        """;

    assertThat(check(template))
        .extracting(Finding::rule, Finding::location, Finding::message, Finding::fix, Finding::path)
        .containsExactlyInAnyOrder(
            tuple(
                SchemaRules.MISSING_PROPERTY, "Table.Properties",
                "resource Table (AWS::DynamoDB::Table): required property 'KeySchema' of AWS::DynamoDB::Table is missing",
                "add 'KeySchema': a list of AWS::DynamoDB::Table.KeySchema objects or JSON",
                List.of("Resources", "Table", "Properties")),
            tuple(
                SchemaRules.MISSING_PROPERTY, "Table.Properties.AttributeDefinitions.0",
                "resource Table (AWS::DynamoDB::Table): required property 'AttributeType' of"
                    + " AWS::DynamoDB::Table.AttributeDefinition is missing (at AttributeDefinitions.0)",
                "add 'AttributeType': a string",
                List.of("Resources", "Table", "Properties", "AttributeDefinitions", "0")),
            tuple(
                SchemaRules.MISSING_PROPERTY, "Fn.Properties",
                "resource Fn (AWS::Lambda::Function): required property 'Role' of AWS::Lambda::Function is missing",
                "add 'Role': a string",
                List.of("Resources", "Fn", "Properties")),
            tuple(
                SchemaRules.MISSING_PROPERTY, "Role",
                "resource Role (AWS::IAM::Role): required property 'AssumeRolePolicyDocument' of AWS::IAM::Role is missing",
                "add 'AssumeRolePolicyDocument': JSON or a string",
                List.of("Resources", "Role")));
  }

  @Test
  void a_value_of_the_wrong_shape_is_an_error() {
    String template =
        """
        Resources:
          Fn:
            Type: AWS::Lambda::Function
            Properties:
              Role: arn:aws:iam::123456789012:role/fn
              Code: build/fn.zip
              Architectures: arm64
              Description: [one, two]
              MemorySize: large
              Timeout: true
              Environment:
                Variables:
                  NESTED: {Not: allowed}
          Table:
            Type: AWS::DynamoDB::Table
            Properties:
              KeySchema: [{AttributeName: pk, KeyType: HASH}]
              PointInTimeRecoverySpecification:
                PointInTimeRecoveryEnabled: sometimes
              DeletionProtectionEnabled: 1
        """;

    assertThat(check(template))
        .extracting(Finding::rule, Finding::message, Finding::fix)
        .containsExactlyInAnyOrder(
            tuple(SchemaRules.PROPERTY_TYPE,
                "resource Fn (AWS::Lambda::Function): 'Code' must be an AWS::Lambda::Function.Code object, not a string",
                "give an AWS::Lambda::Function.Code object; a local path such as 'build/fn.zip' works only once"
                    + " 'aws cloudformation package' or 'sam package' has uploaded it and rewritten the template"),
            tuple(SchemaRules.PROPERTY_TYPE,
                "resource Fn (AWS::Lambda::Function): 'Architectures' must be a list of strings, not a string",
                "write it as a list, e.g. [arm64]"),
            tuple(SchemaRules.PROPERTY_TYPE,
                "resource Fn (AWS::Lambda::Function): 'Description' must be a string, not a list",
                "give a string"),
            tuple(SchemaRules.PROPERTY_TYPE,
                "resource Fn (AWS::Lambda::Function): 'MemorySize' must be an integer, not a string",
                "give an integer"),
            tuple(SchemaRules.PROPERTY_TYPE,
                "resource Fn (AWS::Lambda::Function): 'Timeout' must be an integer, not a boolean",
                "give an integer"),
            tuple(SchemaRules.PROPERTY_TYPE,
                "resource Fn (AWS::Lambda::Function): 'Environment.Variables.NESTED' must be a string, not a mapping",
                "give a string"),
            tuple(SchemaRules.PROPERTY_TYPE,
                "resource Table (AWS::DynamoDB::Table): 'PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled'"
                    + " must be a boolean, not a string",
                "give a boolean"),
            tuple(SchemaRules.PROPERTY_TYPE,
                "resource Table (AWS::DynamoDB::Table): 'DeletionProtectionEnabled' must be a boolean, not a number",
                "give a boolean"));
  }

  @Test
  void intrinsic_functions_stand_for_any_value_but_each_fn_if_branch_is_checked() {
    String template =
        """
        Parameters:
          Memory:
            Type: Number
          Arch:
            Type: CommaDelimitedList
        Conditions:
          Arm: !Equals [!Select [0, !Ref Arch], arm64]
        Resources:
          Fn:
            Type: AWS::Lambda::Function
            Properties:
              Role: !ImportValue shared-role-arn
              Code: !If [Arm, {S3Bucket: a, S3Key: b}, {ZipFile: x, S3Bucktt: c}]
              MemorySize: !Ref Memory
              Architectures: !If [Arm, !Ref Arch, x86_64]
              Environment: !If [Arm, !Ref AWS::NoValue, {Variables: !GetAtt Other.Outputs.Vars}]
              Tags:
                - !If [Arm, {Key: arch, Value: arm}, !Ref AWS::NoValue]
        """;

    assertThat(check(template))
        .extracting(Finding::rule, Finding::path)
        .containsExactlyInAnyOrder(
            tuple(SchemaRules.UNKNOWN_PROPERTY,
                List.of("Resources", "Fn", "Properties", "Code", "Fn::If", "2", "S3Bucktt")),
            tuple(SchemaRules.PROPERTY_TYPE,
                List.of("Resources", "Fn", "Properties", "Architectures", "Fn::If", "2")));
  }

  @Test
  void a_value_not_among_the_allowed_values_is_a_medium_finding_with_the_closest_value() {
    String template =
        """
        Conditions:
          Prod: !Equals [!Ref AWS::StackName, prod]
        Resources:
          Logs:
            Type: AWS::S3::Bucket
            Properties:
              AccessControl: LogDeliveryWrit
              VersioningConfiguration:
                Status: !If [Prod, Enabled, suspended]
          Fn:
            Type: AWS::Lambda::Function
            Properties:
              Role: arn:aws:iam::123456789012:role/fn
              Code: {ZipFile: "exports.handler = async () => 1"}
              PackageType: zip
        """;

    List<Finding> findings = check(template);

    assertThat(findings)
        .extracting(Finding::rule, Finding::severity, Finding::path)
        .containsExactlyInAnyOrder(
            tuple(SchemaRules.VALUE_NOT_ALLOWED, Finding.Severity.MEDIUM,
                List.of("Resources", "Logs", "Properties", "AccessControl")),
            tuple(SchemaRules.VALUE_NOT_ALLOWED, Finding.Severity.MEDIUM,
                List.of("Resources", "Logs", "Properties", "VersioningConfiguration", "Status", "Fn::If", "2")),
            tuple(SchemaRules.VALUE_NOT_ALLOWED, Finding.Severity.MEDIUM,
                List.of("Resources", "Fn", "Properties", "PackageType")));
    Finding accessControl = findings.stream()
        .filter(f -> f.path().contains("AccessControl")).findFirst().orElseThrow();
    assertThat(accessControl.message())
        .isEqualTo("resource Logs (AWS::S3::Bucket): 'AccessControl' is 'LogDeliveryWrit', which is not one of its"
            + " allowed values: AuthenticatedRead, AwsExecRead, BucketOwnerFullControl, BucketOwnerRead,"
            + " LogDeliveryWrite, Private, PublicRead, PublicReadWrite");
    assertThat(accessControl.fix())
        .startsWith("did you mean 'LogDeliveryWrite'? use one of: AuthenticatedRead, AwsExecRead,")
        .contains(ResourceSpecification.get().source().describe());
    assertThat(findings.stream().filter(f -> f.path().contains("Status")).findFirst().orElseThrow().fix())
        .startsWith("did you mean 'Suspended'?"); // CloudFormation compares case-sensitively
    assertThat(findings.stream().filter(f -> f.path().contains("PackageType")).findFirst().orElseThrow().fix())
        .startsWith("did you mean 'Zip'?");
  }

  @Test
  void allowed_values_pass_and_intrinsics_and_properties_without_a_list_are_not_checked() {
    String template =
        """
        Parameters:
          Acl:
            Type: String
        Conditions:
          Prod: !Equals [!Ref AWS::StackName, prod]
        Resources:
          Logs:
            Type: AWS::S3::Bucket
            Properties:
              AccessControl: LogDeliveryWrite
              VersioningConfiguration:
                Status: !If [Prod, Enabled, Suspended]
          Other:
            Type: AWS::S3::Bucket
            Properties:
              AccessControl: !Ref Acl
              VersioningConfiguration:
                Status: !Sub "${Acl}"
          Fn:
            Type: AWS::Lambda::Function
            Properties:
              Role: arn:aws:iam::123456789012:role/fn
              Code: {ZipFile: "exports.handler = async () => 1"}
              Runtime: nodejs99.x
              PackageType: Zip
        """;

    assertThat(check(template)).isEmpty();
  }

  @Test
  void a_properties_section_chosen_by_fn_if_is_checked_in_both_branches() {
    String template =
        """
        Conditions:
          Always: !Equals [a, a]
        Resources:
          Queue:
            Type: AWS::SQS::Queue
            Properties: !If [Always, {DelaySeconds: 5}, {DelaySecond: 5}]
        """;

    assertThat(check(template)).singleElement().satisfies(f -> {
      assertThat(f.rule()).isEqualTo(SchemaRules.UNKNOWN_PROPERTY);
      assertThat(f.fix()).isEqualTo("did you mean 'DelaySeconds'?");
      assertThat(f.path()).containsExactly("Resources", "Queue", "Properties", "Fn::If", "2", "DelaySecond");
    });
  }

  @Test
  void fn_transform_and_fn_for_each_leave_an_object_open_and_for_each_fragments_are_checked() {
    String template =
        """
        Transform: AWS::LanguageExtensions
        Resources:
          Fn::ForEach::Queues:
            - Name
            - [Orders, Payments]
            - ${Name}Queue:
                Type: AWS::SQS::Queue
                Properties:
                  QueueName: !Sub ${Name}
                  VisibilityTimeot: 30
          Bucket:
            Type: AWS::S3::Bucket
            Properties:
              Fn::Transform:
                Name: AWS::Include
                Parameters:
                  Location: s3://snippets/bucket-properties.yaml
        """;

    assertThat(check(template)).singleElement().satisfies(f -> {
      assertThat(f.rule()).isEqualTo(SchemaRules.UNKNOWN_PROPERTY);
      assertThat(f.message()).isEqualTo(
          "resource ${Name}Queue (AWS::SQS::Queue): 'VisibilityTimeot' is not a property of AWS::SQS::Queue");
      assertThat(f.fix()).isEqualTo("did you mean 'VisibilityTimeout'?");
      assertThat(f.path())
          .containsExactly("Resources", "Fn::ForEach::Queues", "2", "${Name}Queue", "Properties", "VisibilityTimeot");
    });
  }

  // ---- Fn::GetAtt -------------------------------------------------------------------------------

  @Test
  void an_unknown_attribute_is_an_error_with_the_attribute_it_likely_meant() {
    String template =
        """
        Resources:
          Table:
            Type: AWS::DynamoDB::Table
            Properties:
              KeySchema: [{AttributeName: pk, KeyType: HASH}]
          Db:
            Type: AWS::RDS::DBInstance
            Properties:
              DBInstanceClass: db.t4g.micro
              Engine: postgres
          Fn:
            Type: AWS::Lambda::Function
            Properties:
              Role: !GetAtt Ghost.Arn
              Code: {ZipFile: x}
              Environment:
                Variables:
                  TABLE: !GetAtt Table.Arnn
                  HOST: !GetAtt Db.Endpoint.Address
                  PORT: !GetAtt [Db, Endpoint.Prot]
        Outputs:
          Stream:
            Value: !Sub "${Table.StreamArn}|${Table.Stream}|${Ghost.Anything}"
        """;

    List<Finding> findings = check(template);

    assertThat(findings)
        .extracting(Finding::rule, Finding::location, Finding::message, Finding::path)
        .containsExactlyInAnyOrder(
            tuple(SchemaRules.UNKNOWN_ATTRIBUTE, "Fn.Properties.Environment.Variables.TABLE.Fn::GetAtt",
                "Fn::GetAtt Table.Arnn: AWS::DynamoDB::Table has no attribute 'Arnn'",
                List.of("Resources", "Fn", "Properties", "Environment", "Variables", "TABLE", "Fn::GetAtt")),
            tuple(SchemaRules.UNKNOWN_ATTRIBUTE, "Fn.Properties.Environment.Variables.PORT.Fn::GetAtt",
                "Fn::GetAtt Db.Endpoint.Prot: AWS::RDS::DBInstance has no attribute 'Endpoint.Prot'",
                List.of("Resources", "Fn", "Properties", "Environment", "Variables", "PORT", "Fn::GetAtt")),
            tuple(SchemaRules.UNKNOWN_ATTRIBUTE, "Outputs.Stream.Value.Fn::Sub",
                "Fn::Sub Table.Stream: AWS::DynamoDB::Table has no attribute 'Stream'",
                List.of("Outputs", "Stream", "Value", "Fn::Sub")));
    assertThat(findings).extracting(Finding::fix).containsExactlyInAnyOrder(
        "did you mean 'Arn'? AWS::DynamoDB::Table's attributes: Arn, StreamArn",
        "did you mean 'Endpoint.Port'? AWS::RDS::DBInstance's attributes: AutomaticRestartTime, CertificateDetails,"
            + " CertificateDetails.CAIdentifier, CertificateDetails.ValidTill, DBInstanceArn, DBInstanceStatus,"
            + " DBSystemId, DbiResourceId, Endpoint, Endpoint.Address, Endpoint.HostedZoneId, Endpoint.Port,"
            + " InstanceCreateTime, IsStorageConfigUpgradeAvailable, LatestRestorableTime … (28 in all)",
        "did you mean 'StreamArn'? AWS::DynamoDB::Table's attributes: Arn, StreamArn");
  }

  // ---- AWS SAM ----------------------------------------------------------------------------------

  @Test
  void sam_resources_are_checked_against_the_specification_and_what_sam_adds() {
    String template =
        """
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src/
              Handler: app.handler
              Runtim: python3.12
              Architectures: arm64
              SnapStart: {ApplyOn: PublishedVersions}
              LoggingConfig: {LogFormat: JSON}
              Events:
                Queue:
                  Type: SQS
                  Properties:
                    Queue: !GetAtt Jobs.Arn
                    FilterCriteria: {Filters: [{Pattern: '{"a": [1]}'}]}
                    ScalingConfig: {MaximumConcurrency: 5}
          Api:
            Type: AWS::Serverless::Api
            Properties:
              Cors: "'*'"
          Jobs:
            Type: AWS::SQS::Queue
          Link:
            Type: AWS::Serverless::Connector
            Properties:
              Source: {Id: Fn}
              Destination: {Id: Jobs}
              Permissions: [Read]
              Permision: [Write]
        Outputs:
          FnArn:
            Value: !GetAtt Fn.Arn
          FnBad:
            Value: !GetAtt Fn.Url
          Root:
            Value: !GetAtt Api.RootResourceId
        """;

    assertThat(check(template))
        .extracting(Finding::rule, Finding::message, Finding::fix)
        .containsExactlyInAnyOrder(
            tuple(SchemaRules.UNKNOWN_PROPERTY,
                "resource Fn (AWS::Serverless::Function): 'Runtim' is not a property of AWS::Serverless::Function",
                "did you mean 'Runtime'?"),
            tuple(SchemaRules.PROPERTY_TYPE,
                "resource Fn (AWS::Serverless::Function): 'Architectures' must be a list of strings, not a string",
                "write it as a list, e.g. [arm64]"),
            tuple(SchemaRules.MISSING_PROPERTY,
                "resource Api (AWS::Serverless::Api): required property 'StageName' of AWS::Serverless::Api is missing",
                "add 'StageName': a string"),
            tuple(SchemaRules.UNKNOWN_PROPERTY,
                "resource Link (AWS::Serverless::Connector): 'Permision' is not a property of AWS::Serverless::Connector",
                "did you mean 'Permissions'?"),
            tuple(SchemaRules.UNKNOWN_ATTRIBUTE,
                "Fn::GetAtt Fn.Url: AWS::Serverless::Function (through the AWS::Lambda::Function SAM generates)"
                    + " has no attribute 'Url'",
                "AWS::Lambda::Function's attributes: Arn, SnapStartResponse, SnapStartResponse.ApplyOn,"
                    + " SnapStartResponse.OptimizationStatus"));
  }

  @Test
  void a_required_property_set_in_globals_is_not_missing() throws IOException {
    // The database requires no property of AWS::Serverless::Function that Globals may set, so this
    // uses a small specification that does.
    String compact =
        String.join(
            "\n",
            "gantry-resource-specification 2",
            "source\ttest\t1\t2026-01-01T00:00:00Z\tx\tr",
            "R\tAWS::Serverless::Function\tCodeUri=s Handler=!s Runtime=!s\t\t\tAWS::Serverless-2016-10-31");
    SchemaRules rule =
        new SchemaRules(ResourceSpecification.load(new ByteArrayInputStream(compact.getBytes(StandardCharsets.UTF_8))));
    String template =
        """
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Runtime: python3.12
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src/
        """;

    assertThat(check(rule, template))
        .extracting(Finding::rule, Finding::message)
        .containsExactly(tuple(SchemaRules.MISSING_PROPERTY,
            "resource Fn (AWS::Serverless::Function): required property 'Handler' of AWS::Serverless::Function is missing"));
  }

  // ---- through the validator --------------------------------------------------------------------

  @Test
  void the_validator_runs_the_rule_and_names_the_specification() {
    ValidationReport report =
        new TemplateValidator().validate("t.yaml", "Resources:\n  Jobs:\n    Type: AWS::SQS::Queue\n    Properties:\n      DelaySecond: 5\n");

    assertThat(report.passed()).isFalse();
    assertThat(report.specification()).isEqualTo("@aws-cdk/aws-service-spec 0.1.216 (2026-09-29)");
    assertThat(report.findings()).extracting(Finding::rule).containsExactly(SchemaRules.UNKNOWN_PROPERTY);
  }

  @Test
  void logs_the_time_per_template() {
    List<String> templates = List.of(API_LAMBDA_DYNAMODB, SAM_HELLO_WORLD);
    List<TemplateModel> models = new ArrayList<>();
    for (String template : templates) {
      TemplateParser.Parsed parsed = new TemplateParser().parse(template);
      models.add(new TemplateModel("t.yaml", parsed.root(), parsed.format(), parsed.lines()));
    }
    for (TemplateModel model : models) {
      RULE.check(model, new ArrayList<>()); // decodes the types they use
    }
    int rounds = 200;
    long started = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      for (TemplateModel model : models) {
        RULE.check(model, new ArrayList<>());
      }
    }
    long each = (System.nanoTime() - started) / (rounds * models.size());

    System.out.printf(
        "SchemaRules: %.3f ms a template (mean of %d checks of %d templates, 3 and 10 resources)%n",
        each / 1e6, rounds * models.size(), models.size());
    assertThat(each).isPositive();
  }

  private static List<Finding> check(String template) {
    return check(RULE, template);
  }

  private static List<Finding> check(SchemaRules rule, String template) {
    TemplateParser.Parsed parsed = new TemplateParser().parse(template);
    TemplateModel model = new TemplateModel("t.yaml", parsed.root(), parsed.format(), parsed.lines());
    List<Finding> findings = new ArrayList<>();
    rule.check(model, findings);
    return findings;
  }
}
