package dev.gantry.deploy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.deploy.Finding;
import dev.gantry.deploy.Finding.Severity;
import dev.gantry.deploy.TemplateValidator;
import dev.gantry.deploy.ValidationReport;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** One small template per rule and per spelling; each asserts the rule id, severity and path. */
class SecurityRulesTest {
  private final TemplateValidator validator = new TemplateValidator();

  private static final String TRUST =
      """
            AssumeRolePolicyDocument:
              Statement:
                - Effect: Allow
                  Principal: {Service: lambda.amazonaws.com}
                  Action: sts:AssumeRole
      """;

  /**
   * The findings of a template that parses and whose references resolve; the small templates here
   * leave out properties the resource specification requires, so its findings are not asserted.
   */
  private List<Finding> findings(String template) {
    ValidationReport report = validator.validate("template.yaml", template);
    List<Finding> ours = report.findings().stream().filter(f -> !f.rule().startsWith("Schema")).toList();
    assertThat(ours).extracting(Finding::severity).doesNotContain(Severity.ERROR);
    return ours;
  }

  private List<Finding> findings(String template, String rule) {
    return findings(template).stream().filter(f -> f.rule().equals(rule)).toList();
  }

  /** The one finding of {@code rule}, asserting its severity and path. */
  private Finding single(String template, String rule, Severity severity, String... path) {
    List<Finding> found = findings(template, rule);
    assertThat(found).as("%s in %s", rule, findings(template)).hasSize(1);
    assertThat(found.get(0).severity()).isEqualTo(severity);
    assertThat(found.get(0).path()).containsExactly(path);
    return found.get(0);
  }

  private static String role(String policyDocument) {
    return """
        Resources:
          Role:
            Type: AWS::IAM::Role
            Properties:
        """ + TRUST + """
              Policies:
                - PolicyName: p
                  PolicyDocument:
        """ + policyDocument.indent(12);
  }

  private static final String[] ROLE_STATEMENT_0 =
      {"Resources", "Role", "Properties", "Policies", "0", "PolicyDocument", "Statement", "0"};

  private static String[] at(String[] base, String... more) {
    String[] out = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, out, base.length, more.length);
    return out;
  }

  @Nested
  class AdministratorAccess {
    @Test
    void the_managed_policy_by_arn_is_high() {
      String template = """
          Resources:
            Role:
              Type: AWS::IAM::Role
              Properties:
          """ + TRUST + """
                ManagedPolicyArns:
                  - arn:aws-us-gov:iam::aws:policy/AdministratorAccess
          """;

      Finding f = single(template, "IamAdministratorAccess", Severity.HIGH,
          "Resources", "Role", "Properties", "ManagedPolicyArns", "0");
      assertThat(f.location()).isEqualTo("Role");
      assertThat(f.message()).contains("Role", "AdministratorAccess");
    }

    @Test
    void the_managed_policy_through_sub_with_the_partition_is_high() {
      String template = """
          Resources:
            Role:
              Type: AWS::IAM::Role
              Properties:
          """ + TRUST + """
                ManagedPolicyArns: [!Sub "arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess"]
          """;

      single(template, "IamAdministratorAccess", Severity.HIGH, "Resources", "Role", "Properties", "ManagedPolicyArns", "0");
    }

    @Test
    void the_managed_policy_through_join_is_high() {
      String template = """
          Resources:
            Role:
              Type: AWS::IAM::Role
              Properties:
          """ + TRUST + """
                ManagedPolicyArns:
                  - !Join [":", ["arn", !Ref "AWS::Partition", "iam", "", "aws", "policy/AdministratorAccess"]]
          """;

      single(template, "IamAdministratorAccess", Severity.HIGH, "Resources", "Role", "Properties", "ManagedPolicyArns", "0");
    }

    @Test
    void the_managed_policy_by_name_in_sam_policies_is_high() {
      String template = """
          Transform: AWS::Serverless-2016-10-31
          Resources:
            Fn:
              Type: AWS::Serverless::Function
              Properties:
                Runtime: python3.12
                Handler: app.handler
                InlineCode: "x"
                Policies: AdministratorAccess
          """;

      single(template, "IamAdministratorAccess", Severity.HIGH, "Resources", "Fn", "Properties", "Policies");
    }

    @Test
    void every_action_on_every_resource_in_a_mapping_is_high() {
      String template = role("""
          Statement:
            - Effect: Allow
              Action: "*"
              Resource: "*"
          """);

      Finding f = single(template, "IamWildcardAction", Severity.HIGH, at(ROLE_STATEMENT_0, "Action"));
      assertThat(f.message()).contains("every resource");
      assertThat(findings(template, "IamWildcardResource")).as("one finding per problem").isEmpty();
    }

    @Test
    void every_action_spelled_as_a_list_item_and_service_star_is_high_at_its_item() {
      String template = role("""
          Statement:
            - Effect: Allow
              Action: [s3:GetObject, "*:*"]
              Resource: ["*"]
          """);

      single(template, "IamWildcardAction", Severity.HIGH, at(ROLE_STATEMENT_0, "Action", "1"));
    }

    @Test
    void every_action_on_a_named_resource_is_medium() {
      String template = role("""
          Statement:
            - Effect: Allow
              Action: "*"
              Resource: arn:aws:s3:::my-bucket/*
          """);

      single(template, "IamWildcardAction", Severity.MEDIUM, at(ROLE_STATEMENT_0, "Action"));
    }

    @Test
    void a_policy_written_as_json_text_is_read() {
      String template = role("""
          '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
          """);

      single(template, "IamWildcardAction", Severity.HIGH,
          "Resources", "Role", "Properties", "Policies", "0", "PolicyDocument");
    }

    @Test
    void a_policy_built_with_join_around_a_reference_is_read() {
      String template = """
          Resources:
            Table:
              Type: AWS::DynamoDB::Table
            Policy:
              Type: AWS::IAM::ManagedPolicy
              Properties:
                PolicyDocument: !Join
                  - ""
                  - - '{"Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": '
                    - !GetAtt Table.Arn
                    - '}, {"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
          """;

      single(template, "IamWildcardAction", Severity.HIGH, "Resources", "Policy", "Properties", "PolicyDocument");
    }

    @Test
    void a_policy_built_with_sub_is_read() {
      String template = """
          Resources:
            Bucket:
              Type: AWS::S3::Bucket
            Policy:
              Type: AWS::IAM::ManagedPolicy
              Properties:
                PolicyDocument: !Sub '{"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "${Bucket.Arn}/*"}, {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}'
          """;

      single(template, "IamNotAction", Severity.HIGH, "Resources", "Policy", "Properties", "PolicyDocument");
    }

    @Test
    void allow_with_not_action_is_high() {
      String template = role("""
          Statement:
            - Effect: Allow
              NotAction: iam:*
              Resource: "*"
          """);

      single(template, "IamNotAction", Severity.HIGH, at(ROLE_STATEMENT_0, "NotAction"));
    }

    @Test
    void deny_with_not_action_is_fine() {
      String template = role("""
          Statement:
            - Effect: Deny
              NotAction: [s3:GetObject]
              Resource: "*"
          """);

      assertThat(findings(template, "IamNotAction")).isEmpty();
    }
  }

  @Nested
  class PrivilegeEscalation {
    @Test
    void iam_star_is_high() {
      String template = role("""
          Statement:
            - Effect: Allow
              Action: iam:*
              Resource: arn:aws:iam::123456789012:role/app-*
          """);

      single(template, "IamPrivilegeEscalation", Severity.HIGH, at(ROLE_STATEMENT_0, "Action"));
    }

    @Test
    void pass_role_on_every_role_with_create_function_is_high_across_statements() {
      String template = role("""
          Statement:
            - Effect: Allow
              Action: lambda:CreateFunction
              Resource: "*"
            - Effect: Allow
              Action: iam:PassRole
              Resource: "*"
          """);

      Finding f = single(template, "IamPrivilegeEscalation", Severity.HIGH,
          "Resources", "Role", "Properties", "Policies", "0", "PolicyDocument", "Statement", "1", "Action");
      assertThat(f.message()).contains("iam:PassRole", "lambda:CreateFunction");
    }

    @Test
    void pass_role_on_one_named_role_is_fine() {
      String template = role("""
          Statement:
            - Effect: Allow
              Action: [lambda:CreateFunction, iam:PassRole]
              Resource: arn:aws:iam::123456789012:role/app-function
          """);

      assertThat(findings(template, "IamPrivilegeEscalation")).isEmpty();
    }

    @Test
    void escalation_actions_on_every_role_match_case_insensitively_and_through_wildcards() {
      String mixedCase = role("""
          Statement:
            - Effect: Allow
              Action: IAM:PutRolePolicy
              Resource: "*"
          """);
      String wildcard = role("""
          Statement:
            - Effect: Allow
              Action: iam:*Role*
              Resource: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*
          """);

      assertThat(single(mixedCase, "IamPrivilegeEscalation", Severity.HIGH, at(ROLE_STATEMENT_0, "Action")).message())
          .contains("iam:PutRolePolicy");
      assertThat(single(wildcard, "IamPrivilegeEscalation", Severity.HIGH, at(ROLE_STATEMENT_0, "Action")).message())
          .contains("iam:CreateRole", "iam:AttachRolePolicy");
    }

    @Test
    void create_access_key_on_every_user_is_high() {
      String template = role("""
          Statement:
            - Effect: Allow
              Action: iam:CreateAccessKey
              Resource: "*"
          """);

      single(template, "IamPrivilegeEscalation", Severity.HIGH, at(ROLE_STATEMENT_0, "Action"));
    }

    @Test
    void creating_roles_within_a_permissions_boundary_is_fine() {
      String template = role("""
          Statement:
            - Effect: Allow
              Action: [iam:CreateRole, iam:PutRolePolicy, iam:AttachRolePolicy]
              Resource: "*"
              Condition:
                StringEquals:
                  iam:PermissionsBoundary: arn:aws:iam::123456789012:policy/boundary
          """);

      assertThat(findings(template, "IamPrivilegeEscalation")).isEmpty();
    }

    @Test
    void iam_full_access_managed_policy_is_high() {
      String template = """
          Resources:
            Role:
              Type: AWS::IAM::Role
              Properties:
          """ + TRUST + """
                ManagedPolicyArns: [arn:aws:iam::aws:policy/IAMFullAccess]
          """;

      single(template, "IamPrivilegeEscalation", Severity.HIGH, "Resources", "Role", "Properties", "ManagedPolicyArns", "0");
    }
  }

  @Nested
  class Wildcards {
    @Test
    void data_plane_actions_on_every_resource_are_medium() {
      String template = role("""
          Statement:
            - Effect: Allow
              Action: [s3:GetObject, dynamodb:*Item]
              Resource: "*"
          """);

      Finding f = single(template, "IamWildcardResource", Severity.MEDIUM, at(ROLE_STATEMENT_0, "Resource"));
      assertThat(f.message()).contains("s3:GetObject", "dynamodb:GetItem");
    }

    @Test
    void actions_that_need_every_resource_are_fine() {
      String template = role("""
          Statement:
            - Effect: Allow
              Action: [xray:PutTraceSegments, logs:CreateLogGroup, ec2:DescribeNetworkInterfaces, ec2:CreateNetworkInterface]
              Resource: "*"
          """);

      assertThat(findings(template)).extracting(Finding::rule)
          .doesNotContain("IamWildcardResource", "IamWildcardAction", "IamPrivilegeEscalation");
    }

    @Test
    void every_action_of_a_service_is_medium() {
      String template = role("""
          Statement:
            - Effect: Allow
              Action: sqs:*
              Resource: arn:aws:sqs:eu-west-1:123456789012:jobs
          """);

      single(template, "IamServiceWildcardAction", Severity.MEDIUM, at(ROLE_STATEMENT_0, "Action"));
    }

    @Test
    void a_policy_that_cannot_be_read_before_deployment_is_medium() {
      String template = """
          Resources:
            Policy:
              Type: AWS::IAM::ManagedPolicy
              Properties:
                PolicyDocument: !ImportValue shared-policy
          """;

      single(template, "PolicyNotAnalyzed", Severity.MEDIUM, "Resources", "Policy", "Properties", "PolicyDocument");
    }
  }

  @Nested
  class TrustPolicies {
    @Test
    void a_role_anyone_may_assume_is_high() {
      String template = """
          Resources:
            Role:
              Type: AWS::IAM::Role
              Properties:
                AssumeRolePolicyDocument:
                  Statement:
                    - Effect: Allow
                      Principal: "*"
                      Action: sts:AssumeRole
          """;

      single(template, "PublicRoleTrust", Severity.HIGH,
          "Resources", "Role", "Properties", "AssumeRolePolicyDocument", "Statement", "0", "Principal");
    }

    @Test
    void any_aws_principal_restricted_to_the_organization_is_fine() {
      String template = """
          Resources:
            Role:
              Type: AWS::IAM::Role
              Properties:
                AssumeRolePolicyDocument:
                  Statement:
                    - Effect: Allow
                      Principal: {AWS: "*"}
                      Action: sts:AssumeRole
                      Condition:
                        StringEquals:
                          aws:PrincipalOrgID: o-a1b2c3d4e5
          """;

      assertThat(findings(template, "PublicRoleTrust")).isEmpty();
    }

    @Test
    void github_federation_without_a_subject_condition_is_high_and_with_one_is_fine() {
      String open = """
          Resources:
            Role:
              Type: AWS::IAM::Role
              Properties:
                AssumeRolePolicyDocument:
                  Statement:
                    - Effect: Allow
                      Principal: {Federated: arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com}
                      Action: sts:AssumeRoleWithWebIdentity
                      Condition:
                        StringEquals: {token.actions.githubusercontent.com:aud: sts.amazonaws.com}
          """;
      String pinned = open.replace("{token.actions.githubusercontent.com:aud: sts.amazonaws.com}",
          "{token.actions.githubusercontent.com:aud: sts.amazonaws.com}\n              StringLike: {token.actions.githubusercontent.com:sub: \"repo:acme/app:ref:refs/heads/main\"}");

      single(open, "PublicRoleTrust", Severity.HIGH,
          "Resources", "Role", "Properties", "AssumeRolePolicyDocument", "Statement", "0", "Principal");
      assertThat(findings(pinned, "PublicRoleTrust")).isEmpty();
      assertThat(findings(pinned.replace("repo:acme/app:ref:refs/heads/main", "repo:acme/app:*"), "PublicRoleTrust")).isEmpty();
      assertThat(findings(pinned.replace("repo:acme/app:ref:refs/heads/main", "repo:*"), "PublicRoleTrust")).hasSize(1);
    }

    @Test
    void an_iam_user_access_key_is_high() {
      String template = """
          Resources:
            User:
              Type: AWS::IAM::User
            Key:
              Type: AWS::IAM::AccessKey
              Properties:
                UserName: !Ref User
          """;

      assertThat(single(template, "IamUserAccessKey", Severity.HIGH, "Resources", "Key", "Type").message())
          .contains("Key", "${User}");
    }
  }

  @Nested
  class PublicPrincipals {
    private static String bucketPolicy(String principal, String condition) {
      return """
          Resources:
            Bucket:
              Type: AWS::S3::Bucket
            BucketPolicy:
              Type: AWS::S3::BucketPolicy
              Properties:
                Bucket: !Ref Bucket
                PolicyDocument:
                  Statement:
                    - Effect: Allow
                      Principal: %s
                      Action: s3:GetObject
                      Resource: !Sub "${Bucket.Arn}/*"
          %s""".formatted(principal, condition.indent(12));
    }

    private static final String[] PRINCIPAL =
        {"Resources", "BucketPolicy", "Properties", "PolicyDocument", "Statement", "0", "Principal"};

    @Test
    void a_bucket_policy_for_anyone_is_high() {
      single(bucketPolicy("\"*\"", ""), "PublicPrincipal", Severity.HIGH, PRINCIPAL);
      single(bucketPolicy("{AWS: \"*\"}", ""), "PublicPrincipal", Severity.HIGH, PRINCIPAL);
      single(bucketPolicy("{AWS: [\"123456789012\", \"*\"]}", ""), "PublicPrincipal", Severity.HIGH, PRINCIPAL);
    }

    @Test
    void a_condition_that_restricts_nothing_does_not_count() {
      single(bucketPolicy("\"*\"", "Condition:\n  StringLike:\n    aws:SourceArn: \"*\""), "PublicPrincipal", Severity.HIGH, PRINCIPAL);
      single(bucketPolicy("\"*\"", "Condition: {}"), "PublicPrincipal", Severity.HIGH, PRINCIPAL);
      single(bucketPolicy("\"*\"", "Condition:\n  Bool:\n    aws:SecureTransport: true"), "PublicPrincipal", Severity.HIGH, PRINCIPAL);
      single(bucketPolicy("\"*\"", "Condition:\n  StringEqualsIfExists:\n    aws:SourceAccount: \"123456789012\""),
          "PublicPrincipal", Severity.HIGH, PRINCIPAL);
      single(bucketPolicy("\"*\"", "Condition:\n  ArnLike:\n    aws:SourceArn: arn:aws:s3:::*"), "PublicPrincipal", Severity.HIGH, PRINCIPAL);
    }

    @Test
    void a_condition_with_fixed_values_restricts() {
      assertThat(findings(bucketPolicy("\"*\"", "Condition:\n  StringEquals:\n    aws:SourceVpce: vpce-0a1b2c3d"), "PublicPrincipal")).isEmpty();
      assertThat(findings(bucketPolicy("\"*\"", "Condition:\n  StringEquals:\n    aws:PrincipalOrgID: o-a1b2c3d4e5"), "PublicPrincipal")).isEmpty();
      assertThat(findings(bucketPolicy("{AWS: \"*\"}", "Condition:\n  StringEquals:\n    aws:SourceAccount: !Ref AWS::AccountId"), "PublicPrincipal")).isEmpty();
      assertThat(findings(bucketPolicy("{Service: cloudfront.amazonaws.com}", ""), "PublicPrincipal")).isEmpty();
    }

    @Test
    void a_deny_for_anyone_is_fine() {
      String template = bucketPolicy("\"*\"", "Condition:\n  Bool:\n    aws:SecureTransport: false").replace("Effect: Allow", "Effect: Deny");

      assertThat(findings(template, "PublicPrincipal")).isEmpty();
    }

    @Test
    void a_queue_policy_for_anyone_is_high() {
      String template = """
          Resources:
            Queue:
              Type: AWS::SQS::Queue
            QueuePolicy:
              Type: AWS::SQS::QueuePolicy
              Properties:
                Queues: [!Ref Queue]
                PolicyDocument:
                  Statement:
                    - Effect: Allow
                      Principal: {AWS: "*"}
                      Action: sqs:SendMessage
                      Resource: !GetAtt Queue.Arn
          """;

      single(template, "PublicPrincipal", Severity.HIGH,
          "Resources", "QueuePolicy", "Properties", "PolicyDocument", "Statement", "0", "Principal");
    }

    @Test
    void a_topic_policy_for_anyone_in_json_text_is_high_and_one_from_a_named_source_is_fine() {
      String template = """
          Resources:
            Topic:
              Type: AWS::SNS::Topic
            TopicPolicy:
              Type: AWS::SNS::TopicPolicy
              Properties:
                Topics: [!Ref Topic]
                PolicyDocument: '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": "*"}]}'
          """;
      String sourced = template.replace("\"Resource\": \"*\"}",
          "\"Resource\": \"*\", \"Condition\": {\"ArnEquals\": {\"aws:SourceArn\": \"arn:aws:events:eu-west-1:123456789012:rule/nightly\"}}}");

      single(template, "PublicPrincipal", Severity.HIGH, "Resources", "TopicPolicy", "Properties", "PolicyDocument");
      assertThat(findings(sourced, "PublicPrincipal")).isEmpty();
    }

    @Test
    void a_lambda_permission_for_anyone_is_high_and_with_a_source_account_is_fine() {
      String template = """
          Resources:
            Permission:
              Type: AWS::Lambda::Permission
              Properties:
                Action: lambda:InvokeFunction
                FunctionName: my-function
                Principal: "*"
          """;
      String sourced = template + "      SourceAccount: !Ref AWS::AccountId\n";

      single(template, "PublicPrincipal", Severity.HIGH, "Resources", "Permission", "Properties", "Principal");
      assertThat(findings(sourced, "PublicPrincipal")).isEmpty();
    }
  }

  @Nested
  class PublicResources {
    @Test
    void a_public_acl_is_high() {
      String template = """
          Resources:
            Bucket:
              Type: AWS::S3::Bucket
              Properties:
                AccessControl: PublicReadWrite
          """;

      single(template, "S3PublicAccess", Severity.HIGH, "Resources", "Bucket", "Properties", "AccessControl");
    }

    @Test
    void block_public_access_off_is_high_also_as_a_string() {
      String template = """
          Resources:
            Bucket:
              Type: AWS::S3::Bucket
              Properties:
                PublicAccessBlockConfiguration:
                  BlockPublicAcls: true
                  BlockPublicPolicy: "false"
                  IgnorePublicAcls: true
                  RestrictPublicBuckets: true
          """;

      single(template, "S3PublicAccess", Severity.HIGH,
          "Resources", "Bucket", "Properties", "PublicAccessBlockConfiguration", "BlockPublicPolicy");
    }

    @Test
    void a_bucket_that_does_not_state_block_public_access_is_fine() {
      assertThat(findings("Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n")).isEmpty();
    }

    @Test
    void a_function_url_without_auth_is_high() {
      String template = """
          Resources:
            Url:
              Type: AWS::Lambda::Url
              Properties:
                TargetFunctionArn: arn:aws:lambda:eu-west-1:123456789012:function:f
                AuthType: NONE
          """;
      String sam = """
          Transform: AWS::Serverless-2016-10-31
          Resources:
            Fn:
              Type: AWS::Serverless::Function
              Properties:
                Runtime: python3.12
                Handler: app.handler
                InlineCode: "x"
                FunctionUrlConfig:
                  AuthType: NONE
          """;

      single(template, "PublicFunctionUrl", Severity.HIGH, "Resources", "Url", "Properties", "AuthType");
      single(sam, "PublicFunctionUrl", Severity.HIGH, "Resources", "Fn", "Properties", "FunctionUrlConfig", "AuthType");
      assertThat(findings(template.replace("NONE", "AWS_IAM"), "PublicFunctionUrl")).isEmpty();
    }

    @Test
    void publicly_accessible_databases_are_high() {
      String rds = """
          Resources:
            Db:
              Type: AWS::RDS::DBInstance
              Properties:
                Engine: postgres
                PubliclyAccessible: true
          """;
      String redshift = """
          Resources:
            Warehouse:
              Type: AWS::Redshift::Cluster
              Properties:
                PubliclyAccessible: "true"
          """;
      String dms = """
          Resources:
            Replication:
              Type: AWS::DMS::ReplicationInstance
              Properties:
                ReplicationInstanceClass: dms.t3.micro
          """;

      single(rds, "PublicDatabase", Severity.HIGH, "Resources", "Db", "Properties", "PubliclyAccessible");
      single(redshift, "PublicDatabase", Severity.HIGH, "Resources", "Warehouse", "Properties", "PubliclyAccessible");
      assertThat(single(dms, "PublicDatabase", Severity.HIGH, "Resources", "Replication", "Type").message()).contains("defaults to true");
      assertThat(findings(rds.replace("true", "false"), "PublicDatabase")).isEmpty();
    }
  }

  @Nested
  class Ingress {
    private static String group(String rule) {
      return """
          Parameters:
            Net:
              Type: String
              Default: 0.0.0.0/0
          Resources:
            Sg:
              Type: AWS::EC2::SecurityGroup
              Properties:
                GroupDescription: sg
                SecurityGroupIngress:
          """ + rule.indent(8);
    }

    private static final String[] CIDR_0 = {"Resources", "Sg", "Properties", "SecurityGroupIngress", "0", "CidrIp"};

    @Test
    void ssh_from_anywhere_is_high() {
      Finding f = single(group("- {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}"),
          "OpenIngress", Severity.HIGH, CIDR_0);
      assertThat(f.message()).contains("Sg", "22 (SSH)", "0.0.0.0/0");
    }

    @Test
    void ipv6_spellings_of_anywhere_are_high() {
      for (String cidr : List.of("::/0", "::0/0", "0:0:0:0:0:0:0:0/0", "::/1")) {
        single(group("- {IpProtocol: tcp, FromPort: 3389, ToPort: 3389, CidrIpv6: \"" + cidr + "\"}"),
            "OpenIngress", Severity.HIGH, "Resources", "Sg", "Properties", "SecurityGroupIngress", "0", "CidrIpv6");
      }
    }

    @Test
    void split_ranges_that_together_cover_everything_are_high() {
      List<Finding> found = findings(group("""
          - {IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 0.0.0.0/1}
          - {IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 128.0.0.0/1}
          """), "OpenIngress");

      assertThat(found).extracting(Finding::severity).containsOnly(Severity.HIGH).hasSize(2);
      assertThat(found.get(0).message()).contains("0.0.0.0/1 + 128.0.0.0/1", "every IPv4 address");
    }

    @Test
    void half_the_internet_is_the_internet() {
      Finding f = single(group("- {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 128.0.0.0/1}"), "OpenIngress", Severity.HIGH, CIDR_0);

      assertThat(f.message()).contains("128.0.0.0/1", "% of public IPv4 addresses");
    }

    @Test
    void every_value_fn_select_may_choose_is_checked() {
      single(group("- {IpProtocol: tcp, FromPort: 27017, ToPort: 27017, CidrIp: !Select [0, [\"10.0.0.0/8\", \"0.0.0.0/0\"]]}"),
          "OpenIngress", Severity.HIGH, "Resources", "Sg", "Properties", "SecurityGroupIngress", "0", "CidrIp", "Fn::Select", "1", "1");
    }

    @Test
    void a_parameter_default_is_checked() {
      single(group("- {IpProtocol: tcp, FromPort: 6379, ToPort: 6379, CidrIp: !Ref Net}"), "OpenIngress", Severity.HIGH, CIDR_0);
    }

    @Test
    void all_protocols_and_port_ranges_over_sensitive_ports_are_high() {
      assertThat(single(group("- {IpProtocol: -1, CidrIp: 0.0.0.0/0}"), "OpenIngress", Severity.HIGH, CIDR_0).message())
          .contains("all protocols");
      assertThat(single(group("- {IpProtocol: \"all\", FromPort: 0, ToPort: 0, CidrIp: 0.0.0.0/0}"), "OpenIngress", Severity.HIGH, CIDR_0).message())
          .contains("all protocols");
      assertThat(single(group("- {IpProtocol: tcp, FromPort: 1000, ToPort: 2000, CidrIp: 0.0.0.0/0}"), "OpenIngress", Severity.HIGH, CIDR_0).message())
          .contains("1433 SQL Server", "1521 Oracle");
    }

    @Test
    void a_standalone_ingress_rule_is_checked() {
      String template = """
          Resources:
            Sg:
              Type: AWS::EC2::SecurityGroup
              Properties:
                GroupDescription: sg
            SshIn:
              Type: AWS::EC2::SecurityGroupIngress
              Properties:
                GroupId: !GetAtt Sg.GroupId
                IpProtocol: tcp
                FromPort: 22
                ToPort: 22
                CidrIp: 0.0.0.0/0
          """;

      single(template, "OpenIngress", Severity.HIGH, "Resources", "SshIn", "Properties", "CidrIp");
    }

    @Test
    void https_from_the_internet_is_medium() {
      single(group("- {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}"), "OpenIngress", Severity.MEDIUM, CIDR_0);
    }

    @Test
    void private_and_narrow_sources_are_fine() {
      assertThat(findings(group("""
          - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.0.0.0/8}
          - {IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 203.0.113.0/24}
          - {IpProtocol: icmp, FromPort: -1, ToPort: -1, CidrIp: 0.0.0.0/0}
          """), "OpenIngress")).isEmpty();
    }
  }

  @Nested
  class VpcEndpoints {
    @Test
    void an_endpoint_without_a_policy_is_low_not_public() {
      String template = """
          Resources:
            S3Endpoint:
              Type: AWS::EC2::VPCEndpoint
              Properties:
                ServiceName: com.amazonaws.eu-west-1.s3
                VpcId: vpc-0123456789abcdef0
          """;

      single(template, "VpcEndpointFullAccess", Severity.LOW, "Resources", "S3Endpoint", "Properties");
      assertThat(findings(template)).noneMatch(Finding::blocks);
    }

    @Test
    void the_default_policy_written_out_is_low_not_a_public_principal() {
      String template = """
          Resources:
            S3Endpoint:
              Type: AWS::EC2::VPCEndpoint
              Properties:
                ServiceName: com.amazonaws.eu-west-1.s3
                VpcId: vpc-0123456789abcdef0
                PolicyDocument:
                  Statement:
                    - Effect: Allow
                      Principal: "*"
                      Action: "*"
                      Resource: "*"
          """;

      single(template, "VpcEndpointFullAccess", Severity.LOW,
          "Resources", "S3Endpoint", "Properties", "PolicyDocument", "Statement", "0", "Action");
      assertThat(findings(template)).extracting(Finding::rule).doesNotContain("PublicPrincipal", "IamWildcardAction");
    }

    @Test
    void a_scoped_endpoint_policy_is_fine() {
      String template = """
          Resources:
            S3Endpoint:
              Type: AWS::EC2::VPCEndpoint
              Properties:
                ServiceName: com.amazonaws.eu-west-1.s3
                VpcId: vpc-0123456789abcdef0
                PolicyDocument:
                  Statement:
                    - Effect: Allow
                      Principal: "*"
                      Action: s3:GetObject
                      Resource: arn:aws:s3:::my-bucket/*
          """;

      assertThat(findings(template)).isEmpty();
    }
  }

  @Test
  void other_spellings_are_read_as_cloudformation_will_evaluate_them() {
    String template = """
        Parameters:
          AdminArn: {Type: String, Default: "arn:aws:iam::aws:policy/AdministratorAccess"}
        Mappings:
          Nets:
            eu-west-1: {Admin: 0.0.0.0/0}
            us-east-1: {Admin: 10.0.0.0/8}
        Conditions:
          Always: !Equals [a, a]
        Resources:
          Role:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
              ManagedPolicyArns:
                - !Ref AdminArn
                - !Sub ["arn:${P}:iam::aws:policy/${N}", {P: !Ref "AWS::Partition", N: AdministratorAccess}]
              Policies:
                - PolicyName: a
                  PolicyDocument:
                    statement:
                      effect: allow
                      action: !Split [",", "s3:GetObject,*"]
                      resource: !Join ["", ["*"]]
                - !If
                  - Always
                  - PolicyName: b
                    PolicyDocument: {Statement: [{Effect: Allow, Action: "iam:Attach*", Resource: "*"}]}
                  - !Ref AWS::NoValue
          Sg:
            Type: AWS::EC2::SecurityGroup
            Properties:
              GroupDescription: x
              SecurityGroupIngress:
                - {IpProtocol: TCP, FromPort: "22", ToPort: "22", CidrIp: !FindInMap [Nets, !Ref "AWS::Region", Admin]}
                - {IpProtocol: tcp, FromPort: 3389, ToPort: 3389, CidrIp: !Join ["", ["0.0.0.0", "/0"]]}
          BucketPolicy:
            Type: AWS::S3::BucketPolicy
            Properties:
              Bucket: b
              PolicyDocument:
                Statement:
                  - Effect: Allow
                    NotPrincipal: {AWS: "arn:aws:iam::123456789012:root"}
                    Action: s3:GetObject
                    Resource: arn:aws:s3:::b/*
                  - Effect: Allow
                    Principal: {AWS: "arn:aws:iam::*:root"}
                    Action: s3:PutObject
                    Resource: arn:aws:s3:::b/*
        """;

    assertThat(findings(template)).filteredOn(Finding::blocks).extracting(Finding::rule, f -> String.join("/", f.path()))
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("IamAdministratorAccess", "Resources/Role/Properties/ManagedPolicyArns/0"),
            org.assertj.core.groups.Tuple.tuple("IamAdministratorAccess", "Resources/Role/Properties/ManagedPolicyArns/1"),
            org.assertj.core.groups.Tuple.tuple("IamWildcardAction", "Resources/Role/Properties/Policies/0/PolicyDocument/statement/action"),
            org.assertj.core.groups.Tuple.tuple("IamPrivilegeEscalation",
                "Resources/Role/Properties/Policies/1/Fn::If/1/PolicyDocument/Statement/0/Action"),
            org.assertj.core.groups.Tuple.tuple("OpenIngress", "Resources/Sg/Properties/SecurityGroupIngress/0/CidrIp"),
            org.assertj.core.groups.Tuple.tuple("OpenIngress", "Resources/Sg/Properties/SecurityGroupIngress/1/CidrIp"),
            org.assertj.core.groups.Tuple.tuple("PublicPrincipal", "Resources/BucketPolicy/Properties/PolicyDocument/Statement/0/NotPrincipal"),
            org.assertj.core.groups.Tuple.tuple("PublicPrincipal", "Resources/BucketPolicy/Properties/PolicyDocument/Statement/1/Principal"));
  }

  @Nested
  class ReviewMends {
    @Test
    void resources_inside_fn_foreach_are_checked_like_any_other_at_the_line_written() {
      String template = """
          Transform: AWS::LanguageExtensions
          Resources:
            Fn::ForEach::Buckets:
              - Name
              - [A]
              - Bucket${Name}:
                  Type: AWS::S3::Bucket
                  Properties:
                    AccessControl: PublicReadWrite
          """;

      Finding found = single(template, "S3PublicAccess", Severity.HIGH,
          "Resources", "Fn::ForEach::Buckets", "2", "Bucket${Name}", "Properties", "AccessControl");
      assertThat(found.location()).isEqualTo("BucketA");
      assertThat(found.line()).isEqualTo(9);
    }

    @Test
    void every_action_on_an_arn_made_of_wildcards_is_administrator_access() {
      String template = role("{Version: '2012-10-17', Statement: [{Effect: Allow, Action: '*', Resource: 'arn:aws:*:*:*:*'}]}");

      assertThat(findings(template, "IamWildcardAction")).extracting(Finding::severity).containsExactly(Severity.HIGH);
    }

    @Test
    void a_block_public_access_configuration_that_leaves_flags_out_is_partly_off() {
      String template = """
          Resources:
            Bucket:
              Type: AWS::S3::Bucket
              Properties:
                PublicAccessBlockConfiguration: {BlockPublicAcls: true}
          """;

      assertThat(single(template, "S3PublicAccess", Severity.HIGH, "Resources", "Bucket", "Properties",
          "PublicAccessBlockConfiguration").message()).contains("BlockPublicPolicy, IgnorePublicAcls, RestrictPublicBuckets");
      assertThat(findings(template.replace("{BlockPublicAcls: true}",
          "{BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true}"),
          "S3PublicAccess")).isEmpty();
    }

    @Test
    void a_wildcard_after_hundreds_of_listed_actions_is_still_administrator_access() {
      String actions = java.util.stream.IntStream.range(0, 300).mapToObj(n -> "s3:GetObject" + n)
          .collect(java.util.stream.Collectors.joining(", "));
      String template = role("{Version: '2012-10-17', Statement: [{Effect: Allow, Action: [" + actions + ", '*'], Resource: '*'}]}");

      assertThat(findings(template, "IamWildcardAction")).extracting(Finding::severity).containsExactly(Severity.HIGH);
    }

    @Test
    void a_wildcard_in_the_second_branch_of_an_if_inside_a_joined_policy_is_read() {
      String template = """
          Conditions:
            Wide: !Equals [!Ref "AWS::Region", us-east-1]
          Resources:
            Policy:
              Type: AWS::IAM::ManagedPolicy
              Properties:
                PolicyDocument: !Join
                  - ""
                  - - '{"Statement": [{"Effect": "Allow", "Action": "'
                    - !If [Wide, "s3:GetObject", "*"]
                    - '", "Resource": "*"}]}'
          """;

      assertThat(findings(template, "IamWildcardAction")).extracting(Finding::severity).containsExactly(Severity.HIGH);
    }
  
    @Test
    void a_wildcard_reached_only_by_mixing_the_first_and_the_last_branches_is_read() {
      // all first branches give "*Object", all last ones "s3:Get": only mixing them gives "*"
      String template = """
          Conditions:
            One: !Equals [!Ref "AWS::Region", us-east-1]
            Two: !Equals [!Ref "AWS::Region", eu-west-1]
          Resources:
            Policy:
              Type: AWS::IAM::ManagedPolicy
              Properties:
                PolicyDocument: !Sub
                  - '{"Statement": [{"Effect": "Allow", "Action": "${A}${B}", "Resource": "*"}]}'
                  - A: !If [One, "*", "s3:Get"]
                    B: !If [Two, "Object", ""]
          """;

      assertThat(findings(template, "IamWildcardAction")).extracting(Finding::severity).containsExactly(Severity.HIGH);
    }

    @Test
    void a_value_past_the_evaluation_bounds_blocks_instead_of_passing_unread() {
      String actions = java.util.stream.IntStream.range(0, 5000).mapToObj(n -> "s3:GetObject" + n)
          .collect(java.util.stream.Collectors.joining(", "));
      String template = role("{Version: '2012-10-17', Statement: [{Effect: Allow, Action: [" + actions + ", '*'], Resource: '*'}]}");

      Finding found = single(template, "ValueNotEvaluated", Severity.HIGH,
          "Resources", "Role", "Properties", "Policies", "0", "PolicyDocument", "Statement", "0", "Action");
      assertThat(found.message()).contains("4096 candidate values");
      assertThat(found.fix()).contains("acknowledge ValueNotEvaluated");
    }

    @Test
    void a_policy_text_with_more_combinations_than_gantry_renders_blocks() {
      StringBuilder template = new StringBuilder("Conditions:\n");
      for (int i = 0; i < 12; i++) { // 4,096 combinations
        template.append("  C").append(i).append(": !Equals [!Ref \"AWS::Region\", r").append(i).append("]\n");
      }
      template.append("""
          Resources:
            Policy:
              Type: AWS::IAM::ManagedPolicy
              Properties:
                PolicyDocument: !Join
                  - ""
                  - - '{"Statement": [{"Effect": "Allow", "Action": "s3:'
          """);
      for (int i = 0; i < 12; i++) {
        template.append("          - !If [C").append(i).append(", \"Get\", \"Put\"]\n");
      }
      template.append("          - 'Object\", \"Resource\": \"*\"}]}'\n");

      Finding found = single(template.toString(), "ValueNotEvaluated", Severity.HIGH,
          "Resources", "Policy", "Properties", "PolicyDocument");
      assertThat(found.line()).isEqualTo(18);
    }

    @Test
    void a_private_custom_domain_policy_for_anyone_through_vpc_endpoints_is_not_a_public_principal() {
      String template = """
          Resources:
            Domain:
              Type: AWS::ApiGateway::DomainNameV2
              Properties:
                DomainName: api.internal.example.com
                EndpointConfiguration: {Types: [PRIVATE]}
                Policy:
                  Statement:
                    - Effect: Allow
                      Principal: "*"
                      Action: execute-api:Invoke
                      Resource: "execute-api:/*"
          """;

      assertThat(findings(template, "PublicPrincipal")).isEmpty();
    }
}
}
