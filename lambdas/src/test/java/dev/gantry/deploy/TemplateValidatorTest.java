package dev.gantry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TemplateValidatorTest {
  private final TemplateValidator validator = new TemplateValidator();

  private static final String VALID_YAML =
      """
      AWSTemplateFormatVersion: 2010-09-09
      Parameters:
        Env:
          Type: String
      Resources:
        Table:
          Type: AWS::DynamoDB::Table
          Properties:
            BillingMode: PAY_PER_REQUEST
            AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
            KeySchema: [{AttributeName: pk, KeyType: HASH}]
        Role:
          Type: AWS::IAM::Role
          Properties:
            AssumeRolePolicyDocument:
              Statement:
                - Effect: Allow
                  Principal: {Service: lambda.amazonaws.com}
                  Action: sts:AssumeRole
            Policies:
              - PolicyName: data
                PolicyDocument:
                  Statement:
                    - Effect: Allow
                      Action: [dynamodb:GetItem, dynamodb:PutItem]
                      Resource: !GetAtt Table.Arn
        Fn:
          Type: AWS::Lambda::Function
          DependsOn: Role
          Properties:
            Role: !GetAtt [Role, Arn]
            Code: {ZipFile: "def handler(event, context): return {}"}
            Runtime: python3.12
            Handler: index.handler
            FunctionName: !Sub "${AWS::StackName}-${Env}-fn"
            Environment:
              Variables:
                TABLE: !Ref Table
                ARN: !Sub
                  - "${TableArn}/index/*"
                  - TableArn: !GetAtt Table.Arn
      Outputs:
        TableName:
          Value: !Ref Table
      """;

  @Test
  void a_yaml_template_with_short_form_intrinsics_passes() {
    ValidationReport report = validator.validate("template.yaml", VALID_YAML);

    // only the serverless lens's advice: a log group with retention, point-in-time recovery
    assertThat(report.findings()).extracting(Finding::rule, Finding::severity)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("LambdaLogRetention", Finding.Severity.LOW),
            org.assertj.core.groups.Tuple.tuple("DynamoDbPointInTimeRecovery", Finding.Severity.LOW));
    assertThat(report.passed()).isTrue();
    assertThat(report.format()).isEqualTo("YAML");
    assertThat(report.resourceCount()).isEqualTo(3);
    assertThat(report.templateSha256()).hasSize(64);
  }

  @Test
  void short_forms_become_their_long_forms_and_dates_stay_text() {
    var root = new TemplateParser().parse(VALID_YAML).root();

    assertThat(root.path("AWSTemplateFormatVersion").asText()).isEqualTo("2010-09-09");
    assertThat(root.at("/Resources/Fn/Properties/Role/Fn::GetAtt").toString()).isEqualTo("[\"Role\",\"Arn\"]");
    assertThat(root.at("/Outputs/TableName/Value/Ref").asText()).isEqualTo("Table");
  }

  @Test
  void a_json_template_passes() {
    String json =
        """
        {"Resources": {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"PublicAccessBlockConfiguration":
          {"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true}}}},
         "Outputs": {"Name": {"Value": {"Ref": "Bucket"}}}}""";

    ValidationReport report = validator.validate("template.json", json);

    assertThat(report.passed()).isTrue();
    assertThat(report.format()).isEqualTo("JSON");
  }

  @Test
  void a_syntax_error_fails_with_its_line() {
    ValidationReport report = validator.validate("t.yaml", "Resources:\n  A:\n    Type: [unclosed\n");

    assertThat(report.passed()).isFalse();
    assertThat(report.findings()).singleElement().satisfies(f -> {
      assertThat(f.rule()).isEqualTo("TemplateSyntax");
      assertThat(f.severity()).isEqualTo(Finding.Severity.ERROR);
      assertThat(f.location()).startsWith("line ");
    });
  }

  @Test
  void a_template_without_resources_fails() {
    ValidationReport report = validator.validate("t.yaml", "AWSTemplateFormatVersion: 2010-09-09\nOutputs: {}\n");

    assertThat(report.passed()).isFalse();
    assertThat(report.findings()).extracting(Finding::rule).containsExactly("MissingResources");
  }

  @Test
  void references_to_undeclared_names_fail() {
    String template =
        """
        Resources:
          Fn:
            Type: AWS::Lambda::Function
            DependsOn: Ghost
            Properties:
              Role: !GetAtt MissingRole.Arn
              Code: {ZipFile: "def handler(event, context): return {}"}
              FunctionName: !Ref NoSuchParameter
              Description: !Sub "${AWS::Region}-${Unknown}-${!Literal}"
              Handler: !Ref AWS::Region
        """;

    ValidationReport report = validator.validate("t.yaml", template);

    assertThat(report.passed()).isFalse();
    assertThat(report.findings()).filteredOn(f -> f.severity() == Finding.Severity.ERROR).extracting(Finding::message)
        .containsExactlyInAnyOrder(
            "Fn::GetAtt names 'MissingRole', which is not a resource",
            "Ref names 'NoSuchParameter', which is not a resource, parameter or pseudo parameter",
            "Fn::Sub names 'Unknown', which is not a resource, parameter or pseudo parameter",
            "DependsOn names 'Ghost', which is not a resource");
  }

  @Test
  void malformed_resource_types_fail() {
    ValidationReport report =
        validator.validate("t.yaml", "Resources:\n  A:\n    Type: S3Bucket\n  B:\n    Type: Custom::Thing\n  C:\n    Properties: {}\n");

    assertThat(report.findings()).extracting(Finding::rule, Finding::location)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("InvalidResourceType", "A"),
            org.assertj.core.groups.Tuple.tuple("MissingResourceType", "C"));
  }

  @Test
  void an_iam_policy_allowing_every_action_on_every_resource_fails_once() {
    String template =
        """
        Resources:
          Policy:
            Type: AWS::IAM::ManagedPolicy
            Properties:
              PolicyDocument:
                Statement:
                  - Effect: Allow
                    Action: "*"
                    Resource: "*"
        """;

    ValidationReport report = validator.validate("t.yaml", template);

    assertThat(report.passed()).isFalse();
    // one finding for one problem: administrator access, not also a MEDIUM for its "*" resource
    assertThat(report.findings()).extracting(Finding::rule, Finding::severity)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("IamWildcardAction", Finding.Severity.HIGH));
  }

  @Test
  void public_bucket_access_fails() {
    String template =
        """
        Resources:
          Site:
            Type: AWS::S3::Bucket
            Properties:
              AccessControl: PublicRead
              PublicAccessBlockConfiguration:
                BlockPublicAcls: false
                BlockPublicPolicy: true
                IgnorePublicAcls: true
                RestrictPublicBuckets: true
          SitePolicy:
            Type: AWS::S3::BucketPolicy
            Properties:
              Bucket: !Ref Site
              PolicyDocument:
                Statement:
                  - Effect: Allow
                    Principal: "*"
                    Action: s3:GetObject
                    Resource: !Sub "${Site.Arn}/*"
        """;

    ValidationReport report = validator.validate("t.yaml", template);

    assertThat(report.passed()).isFalse();
    assertThat(report.findings()).extracting(Finding::rule)
        .containsExactlyInAnyOrder("S3PublicAccess", "S3PublicAccess", "PublicPrincipal");
  }

  @Test
  void ssh_open_to_the_internet_fails_and_https_open_to_the_internet_warns() {
    String template =
        """
        Resources:
          Web:
            Type: AWS::EC2::SecurityGroup
            Properties:
              GroupDescription: web
              SecurityGroupIngress:
                - IpProtocol: tcp
                  FromPort: 443
                  ToPort: 443
                  CidrIp: 0.0.0.0/0
                - IpProtocol: tcp
                  FromPort: 22
                  ToPort: 22
                  CidrIpv6: ::/0
        """;

    ValidationReport report = validator.validate("t.yaml", template);

    assertThat(report.passed()).isFalse();
    assertThat(report.findings()).extracting(Finding::rule, Finding::severity)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("OpenIngress", Finding.Severity.HIGH),
            org.assertj.core.groups.Tuple.tuple("OpenIngress", Finding.Severity.MEDIUM));
  }

  @Test
  void a_rule_that_throws_blocks_the_template_with_a_finding_naming_the_rule_instead_of_failing_the_stage() {
    TemplateRule broken = (model, findings) -> {
      throw new IllegalStateException("bug");
    };
    ValidationReport report = new TemplateValidator(java.util.List.of(broken)).validate("template.yaml",
        "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n");

    assertThat(report.passed()).isFalse();
    assertThat(report.findings()).singleElement().satisfies(f -> {
      assertThat(f.rule()).isEqualTo("RuleFailed");
      assertThat(f.severity()).isEqualTo(Finding.Severity.ERROR);
      assertThat(f.message()).contains("IllegalStateException");
    });
  }
}
