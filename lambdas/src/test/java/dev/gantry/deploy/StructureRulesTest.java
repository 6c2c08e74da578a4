package dev.gantry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.deploy.Finding.Severity;
import dev.gantry.deploy.rules.StructureRules;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StructureRulesTest {
  private static final Path VALID = valid();

  private final TemplateValidator validator = new TemplateValidator();

  // ---- valid templates: no false alarms

  static Stream<String> validTemplates() throws IOException {
    try (Stream<Path> files = Files.list(VALID)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("validTemplates")
  void a_valid_template_gets_no_error_high_or_medium_from_the_structure_rules(String file) throws IOException {
    ValidationReport report = validator.validate(file, Files.readString(VALID.resolve(file)));

    assertThat(report.findings()).extracting(Finding::rule).doesNotContain("TemplateSyntax");
    assertThat(structure(report))
        .filteredOn(f -> f.severity().compareTo(Severity.MEDIUM) <= 0)
        .isEmpty();
  }

  @Test
  void the_sam_init_hello_world_template_gets_no_finding_at_all_from_the_structure_rules() throws IOException {
    ValidationReport report =
        validator.validate("template.yaml", Files.readString(VALID.resolve("sam-hello-world.yaml")));

    assertThat(structure(report)).isEmpty();
  }

  @Test
  void a_macro_gets_one_info_finding_and_no_reference_checks() throws IOException {
    ValidationReport report =
        validator.validate("template.yaml", Files.readString(VALID.resolve("macro-transform.yaml")));

    assertThat(structure(report)).singleElement().satisfies(f -> {
      assertThat(f.rule()).isEqualTo("MacroTransform");
      assertThat(f.severity()).isEqualTo(Severity.INFO);
      assertThat(f.message()).isEqualTo("Transform names Count, which is expanded only by CloudFormation:"
          + " references and types are checked after expansion there");
      assertThat(f.path()).containsExactly("Transform");
    });
  }

  @Test
  void a_loop_over_a_parameter_without_default_is_accepted_at_info() throws IOException {
    ValidationReport report =
        validator.validate("template.yaml", Files.readString(VALID.resolve("foreach-parameter.yaml")));

    assertThat(structure(report)).singleElement().satisfies(f -> {
      assertThat(f.rule()).isEqualTo("ForEachNotExpanded");
      assertThat(f.severity()).isEqualTo(Severity.INFO);
      assertThat(f.path()).containsExactly("Resources", "Fn::ForEach::Teams", "1");
    });
  }

  // ---- references

  @Test
  void a_ref_to_an_undeclared_name_is_an_error_with_the_closest_name() {
    Finding f = only("""
        Resources:
          Table:
            Type: AWS::DynamoDB::Table
          Queue:
            Type: AWS::SQS::Queue
            Properties:
              QueueName: !Ref Tabel
        """);

    assertFinding(f, "UnknownReference", Severity.ERROR,
        "Ref names 'Tabel', which is not a resource, parameter or pseudo parameter (did you mean 'Table'?)",
        "Resources", "Queue", "Properties", "QueueName", "Ref");
    assertThat(f.fix()).isEqualTo("use 'Table'");
  }

  @Test
  void a_getatt_of_an_undeclared_resource_is_an_error() {
    Finding f = only("""
        Resources:
          Topic:
            Type: AWS::SNS::Topic
          Queue:
            Type: AWS::SQS::Queue
            Properties:
              QueueName: !GetAtt Topik.TopicName
        """);

    assertFinding(f, "UnknownReference", Severity.ERROR,
        "Fn::GetAtt names 'Topik', which is not a resource (did you mean 'Topic'?)",
        "Resources", "Queue", "Properties", "QueueName", "Fn::GetAtt");
  }

  @Test
  void a_getatt_of_a_parameter_is_an_error() {
    Finding f = only("""
        Parameters:
          Name:
            Type: String
        Resources:
          Queue:
            Type: AWS::SQS::Queue
            Properties:
              QueueName: !GetAtt Name.Value
        """);

    assertFinding(f, "UnknownReference", Severity.ERROR,
        "Fn::GetAtt names 'Name', which is a parameter; Fn::GetAtt reads attributes of resources",
        "Resources", "Queue", "Properties", "QueueName", "Fn::GetAtt");
  }

  @Test
  void a_sub_of_an_undeclared_resource_attribute_is_an_error() {
    Finding f = only("""
        Resources:
          Bucket:
            Type: AWS::S3::Bucket
          Queue:
            Type: AWS::SQS::Queue
            Properties:
              QueueName: !Sub "${Buckett.Arn}-queue"
        """);

    assertFinding(f, "UnknownReference", Severity.ERROR,
        "Fn::Sub names 'Buckett.Arn', and 'Buckett' is not a resource (did you mean 'Bucket'?)",
        "Resources", "Queue", "Properties", "QueueName", "Fn::Sub");
    assertThat(f.fix()).isEqualTo("use '${Bucket.Arn}'");
  }

  @Test
  void a_sub_of_a_parameter_attribute_is_an_error() {
    Finding f = only("""
        Parameters:
          Env:
            Type: String
        Resources:
          Queue:
            Type: AWS::SQS::Queue
            Properties:
              QueueName: !Sub
                - "${Env.Name}-${Suffix}"
                - Suffix: queue
        """);

    assertFinding(f, "UnknownReference", Severity.ERROR,
        "Fn::Sub names 'Env.Name', but 'Env' is a parameter; only resources have attributes",
        "Resources", "Queue", "Properties", "QueueName", "Fn::Sub", "0");
  }

  @Test
  void conditions_and_rules_cannot_name_resources() {
    List<Finding> findings = structure("""
        Parameters:
          Env:
            Type: String
        Conditions:
          HasQueue: !Equals [!GetAtt Queue.QueueName, orders]
        Rules:
          QueueRule:
            Assertions:
              - Assert: !Equals [!Ref Queue, orders]
        Resources:
          Queue:
            Type: AWS::SQS::Queue
        """);

    assertThat(findings).extracting(Finding::rule, Finding::message, Finding::path).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("InvalidCondition",
            "Fn::GetAtt reads 'Queue', but conditions can name only parameters and pseudo parameters",
            List.of("Conditions", "HasQueue", "Fn::Equals", "0", "Fn::GetAtt")),
        org.assertj.core.groups.Tuple.tuple("InvalidRule",
            "Ref names the resource 'Queue', but rules can name only parameters and pseudo parameters",
            List.of("Rules", "QueueRule", "Assertions", "0", "Assert", "Fn::Equals", "0", "Ref")));
  }

  @Test
  void no_value_inside_another_function_is_an_error_and_a_bare_no_value_is_low() {
    List<Finding> findings = structure("""
        Conditions:
          IsProd: !Equals [!Ref "AWS::Region", eu-west-1]
        Resources:
          Queue:
            Type: AWS::SQS::Queue
            Properties:
              QueueName: !Join ["-", [a, !Ref AWS::NoValue]]
              RedrivePolicy: !Sub "${AWS::NoValue}"
              DelaySeconds: !Ref AWS::NoValue
              VisibilityTimeout: !If [IsProd, 30, !Ref AWS::NoValue]
              Tags: !If [IsProd, [{Key: a, Value: !Ref AWS::NoValue}], !Ref AWS::NoValue]
        """);

    assertThat(findings).extracting(Finding::rule, Finding::severity, Finding::message, Finding::path)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("NoValueOutsideIf", Severity.ERROR,
                "Ref AWS::NoValue has no value to give to Fn::Join; it only leaves a property out as a value Fn::If"
                    + " returns",
                List.of("Resources", "Queue", "Properties", "QueueName", "Fn::Join", "1", "1", "Ref")),
            org.assertj.core.groups.Tuple.tuple("NoValueOutsideIf", Severity.ERROR,
                "Ref AWS::NoValue has no value to give to Fn::Sub; it only leaves a property out as a value Fn::If"
                    + " returns",
                List.of("Resources", "Queue", "Properties", "RedrivePolicy", "Fn::Sub")),
            org.assertj.core.groups.Tuple.tuple("NoValueOutsideIf", Severity.LOW,
                "Ref AWS::NoValue outside Fn::If only leaves the property out",
                List.of("Resources", "Queue", "Properties", "DelaySeconds", "Ref")));
  }

  // ---- DependsOn

  @Test
  void depends_on_an_undeclared_resource_is_an_error() {
    Finding f = only("""
        Resources:
          Database:
            Type: AWS::RDS::DBInstance
          App:
            Type: AWS::SQS::Queue
            DependsOn: [Databse]
        """);

    assertFinding(f, "UnknownDependsOn", Severity.ERROR,
        "DependsOn names 'Databse', which is not a resource (did you mean 'Database'?)",
        "Resources", "App", "DependsOn", "0");
  }

  @Test
  void depends_on_itself_is_an_error_and_a_repeated_name_is_low() {
    List<Finding> findings = structure("""
        Resources:
          Queue:
            Type: AWS::SQS::Queue
          App:
            Type: AWS::SQS::Queue
            DependsOn: [App, Queue, Queue]
        """);

    assertThat(findings).extracting(Finding::rule, Finding::severity, Finding::message, Finding::path)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("DependsOnSelf", Severity.ERROR,
                "DependsOn names the resource itself, which CloudFormation refuses as a circular dependency",
                List.of("Resources", "App", "DependsOn", "0")),
            org.assertj.core.groups.Tuple.tuple("DuplicateDependsOn", Severity.LOW,
                "DependsOn names 'Queue' more than once", List.of("Resources", "App", "DependsOn", "2")));
  }

  @Test
  void depends_on_a_function_is_an_error() {
    Finding f = only("""
        Resources:
          App:
            Type: AWS::SQS::Queue
            DependsOn: !Ref Other
        """);

    assertFinding(f, "InvalidDependsOn", Severity.ERROR, "DependsOn takes logical ids, not a function",
        "Resources", "App", "DependsOn");
  }

  // ---- cycles

  @Test
  void a_dependency_cycle_through_depends_on_ref_getatt_and_sub_is_one_error_naming_it() {
    Finding f = only("""
        Resources:
          Alpha:
            Type: AWS::SQS::Queue
            DependsOn: Beta
          Beta:
            Type: AWS::SQS::Queue
            Properties:
              QueueName: !GetAtt Gamma.QueueName
          Gamma:
            Type: AWS::SQS::Queue
            Properties:
              QueueName: !Sub "${Delta}-gamma"
          Delta:
            Type: AWS::SQS::Queue
            Properties:
              QueueName: !Ref Alpha
        """);

    assertFinding(f, "DependencyCycle", Severity.ERROR,
        "resources depend on each other in a cycle, which CloudFormation refuses: Alpha -> Beta -> Gamma -> Delta -> Alpha",
        "Resources", "Alpha", "DependsOn");
  }

  @Test
  void a_resource_that_reads_its_own_attribute_is_a_cycle() {
    Finding f = only("""
        Resources:
          Group:
            Type: AWS::EC2::SecurityGroup
            Properties:
              GroupDescription: web
              SecurityGroupIngress:
                - IpProtocol: tcp
                  FromPort: 443
                  ToPort: 443
                  SourceSecurityGroupId: !GetAtt Group.GroupId
        """);

    assertFinding(f, "DependencyCycle", Severity.ERROR,
        "resources depend on each other in a cycle, which CloudFormation refuses: Group -> Group",
        "Resources", "Group", "Properties", "SecurityGroupIngress", "0", "SourceSecurityGroupId", "Fn::GetAtt");
  }

  @Test
  void a_sam_function_that_names_its_own_implicit_api_is_a_cycle() {
    Finding f = only("""
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Api:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.13
              Handler: app.handler
              CodeUri: src/
              Environment:
                Variables:
                  URL: !Sub "https://${ServerlessRestApi}.execute-api.${AWS::Region}.amazonaws.com/Prod"
              Events:
                Get:
                  Type: Api
                  Properties:
                    Path: /
                    Method: get
        """);

    assertFinding(f, "DependencyCycle", Severity.ERROR,
        "resources depend on each other in a cycle, which CloudFormation refuses: Api -> ServerlessRestApi -> Api",
        "Resources", "Api", "Properties", "Environment", "Variables", "URL", "Fn::Sub");
  }

  @Test
  void a_sam_function_that_names_the_bucket_whose_events_it_handles_is_a_cycle() {
    Finding f = only("""
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Uploads:
            Type: AWS::S3::Bucket
          Thumbnails:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.13
              Handler: app.handler
              CodeUri: src/
              Policies:
                - S3ReadPolicy:
                    BucketName: !Ref Uploads
              Events:
                Upload:
                  Type: S3
                  Properties:
                    Bucket: !Ref Uploads
                    Events: s3:ObjectCreated:*
        """);

    assertFinding(f, "DependencyCycle", Severity.ERROR,
        "resources depend on each other in a cycle, which CloudFormation refuses:"
            + " Thumbnails -> Uploads -> Thumbnails (also involved: ThumbnailsUploadPermission)",
        "Resources", "Thumbnails", "Properties", "Policies", "0", "S3ReadPolicy", "BucketName", "Ref");
  }

  @Test
  void a_sam_api_that_integrates_a_function_naming_it_in_events_only_is_no_cycle() {
    assertThat(structure("""
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Api:
            Type: AWS::Serverless::Api
            Properties:
              StageName: prod
              DefinitionBody:
                paths:
                  /:
                    get:
                      x-amazon-apigateway-integration:
                        uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Handler.Arn}/invocations
          Handler:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.13
              Handler: app.handler
              CodeUri: src/
              Events:
                Get:
                  Type: Api
                  Properties:
                    RestApiId: !Ref Api
                    Path: /
                    Method: get
        """)).isEmpty();
  }

  // ---- SAM

  @Test
  void a_sam_version_by_logical_id_is_an_error_that_names_the_referenceable_property() {
    Finding f = only("""
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.13
              Handler: app.handler
              CodeUri: src/
              AutoPublishAlias: live
        Outputs:
          Version:
            Value: !Ref FnVersion
        """);

    assertFinding(f, "UnknownReference", Severity.ERROR,
        "Ref names 'FnVersion', which is not a resource, parameter or pseudo parameter",
        "Outputs", "Version", "Value", "Ref");
    assertThat(f.fix()).isEqualTo("SAM names the version FnVersion<hash>; use !Ref Fn.Version");
  }

  @Test
  void a_misspelt_sam_generated_name_gets_the_generated_name_as_did_you_mean() {
    Finding f = only("""
        Transform: AWS::Serverless-2016-10-31
        Resources:
          HelloWorldFunction:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.13
              Handler: app.handler
              CodeUri: src/
        Outputs:
          Role:
            Value: !GetAtt HelloWorldFunctionRol.Arn
        """);

    assertFinding(f, "UnknownReference", Severity.ERROR,
        "Fn::GetAtt names 'HelloWorldFunctionRol', which is not a resource (did you mean 'HelloWorldFunctionRole'?)",
        "Outputs", "Role", "Value", "Fn::GetAtt");
  }

  @Test
  void a_sam_role_is_generated_only_when_the_function_has_none_and_an_alias_only_with_auto_publish() {
    List<Finding> findings = structure("""
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.13
              Handler: app.handler
              CodeUri: src/
              Role: arn:aws:iam::123456789012:role/existing
        Outputs:
          Role:
            Value: !GetAtt FnRole.Arn
          Alias:
            Value: !Ref Fn.Alias
        """);

    assertThat(findings).extracting(Finding::rule, Finding::message, Finding::fix, Finding::path)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("UnknownReference", "Fn::GetAtt names 'FnRole', which is not a resource",
                "declare 'FnRole' under Resources, or fix the name", List.of("Outputs", "Role", "Value", "Fn::GetAtt")),
            org.assertj.core.groups.Tuple.tuple("UnknownReference",
                "Ref names 'Fn.Alias', which is not a resource, parameter or pseudo parameter",
                "SAM makes Fn.Alias only for a function with AutoPublishAlias; add AutoPublishAlias: live to Fn",
                List.of("Outputs", "Alias", "Value", "Ref")));
  }

  @Test
  void sam_types_without_the_sam_transform_are_an_error() {
    List<Finding> findings = structure("""
        Globals:
          Function:
            Timeout: 3
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.13
              Handler: app.handler
              CodeUri: src/
        """);

    assertThat(findings).extracting(Finding::rule, Finding::message, Finding::path).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("ServerlessTransformRequired",
            "Globals is a section of SAM templates, and the template does not declare the SAM transform",
            List.of("Globals")),
        org.assertj.core.groups.Tuple.tuple("ServerlessTransformRequired",
            "AWS::Serverless::Function is a SAM resource type, and the template does not declare the SAM transform",
            List.of("Resources", "Fn", "Type")));
  }

  // ---- conditions

  @Test
  void an_undeclared_condition_is_an_error_on_resources_outputs_fn_if_and_condition() {
    List<Finding> findings = structure("""
        Parameters:
          Env:
            Type: String
        Conditions:
          IsProd: !Equals [!Ref Env, prod]
          IsShared: !Or [!Condition IsProd, !Condition IsStaging]
        Resources:
          Queue:
            Type: AWS::SQS::Queue
            Condition: IsProdd
            Properties:
              DelaySeconds: !If [IsDev, 0, 5]
        Outputs:
          Queue:
            Condition: Missing
            Value: !Ref Queue
        """);

    assertThat(findings).extracting(Finding::rule, Finding::message, Finding::path).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("UnknownCondition",
            "Condition names 'IsStaging', which is not a condition",
            List.of("Conditions", "IsShared", "Fn::Or", "1", "Condition")),
        org.assertj.core.groups.Tuple.tuple("UnknownCondition",
            "Condition names 'IsProdd', which is not a condition (did you mean 'IsProd'?)",
            List.of("Resources", "Queue", "Condition")),
        org.assertj.core.groups.Tuple.tuple("UnknownCondition",
            "Fn::If names 'IsDev', which is not a condition",
            List.of("Resources", "Queue", "Properties", "DelaySeconds", "Fn::If", "0")),
        org.assertj.core.groups.Tuple.tuple("UnknownCondition",
            "Condition names 'Missing', which is not a condition",
            List.of("Outputs", "Queue", "Condition")));
    assertThat(findings).allMatch(x -> x.severity() == Severity.ERROR);
  }

  @Test
  void a_condition_made_of_other_functions_is_an_error() {
    List<Finding> findings = structure("""
        Parameters:
          Env:
            Type: String
        Conditions:
          IsProd: !Ref Env
          Both: !And [!Equals [!Ref Env, a]]
          Either: !Or [!Equals [!Ref Env, a], !Select [0, [true]]]
        Resources:
          Queue:
            Type: AWS::SQS::Queue
        """);

    assertThat(findings).extracting(Finding::rule, Finding::message, Finding::path).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("InvalidCondition",
            "condition 'IsProd' uses Ref where a condition function belongs"
                + " (Fn::And, Fn::Equals, Fn::If, Fn::Not, Fn::Or or Condition)",
            List.of("Conditions", "IsProd")),
        org.assertj.core.groups.Tuple.tuple("InvalidCondition", "Fn::And takes a list of 2 to 10 conditions",
            List.of("Conditions", "Both", "Fn::And")),
        org.assertj.core.groups.Tuple.tuple("InvalidCondition",
            "condition 'Either' uses Fn::Select where a condition function belongs"
                + " (Fn::And, Fn::Equals, Fn::If, Fn::Not, Fn::Or or Condition)",
            List.of("Conditions", "Either", "Fn::Or", "1")));
  }

  @Test
  void conditions_that_refer_to_each_other_in_a_cycle_are_an_error() {
    Finding f = only("""
        Conditions:
          A: !Not [!Condition B]
          B: !And [!Condition A, !Equals [x, x]]
        Resources:
          Queue:
            Type: AWS::SQS::Queue
        """);

    assertFinding(f, "ConditionCycle", Severity.ERROR, "conditions refer to each other in a cycle: A -> B -> A",
        "Conditions", "A", "Fn::Not", "0", "Condition");
  }

  @Test
  void a_malformed_fn_if_is_an_error() {
    Finding f = only("""
        Conditions:
          IsProd: !Equals [a, b]
        Resources:
          Queue:
            Type: AWS::SQS::Queue
            Properties:
              DelaySeconds: !If [IsProd, 5]
        """);

    assertFinding(f, "InvalidFunction", Severity.ERROR, "Fn::If takes [ConditionName, ValueIfTrue, ValueIfFalse]",
        "Resources", "Queue", "Properties", "DelaySeconds", "Fn::If");
  }

  // ---- mappings

  @Test
  void find_in_map_names_a_declared_mapping_and_its_keys() {
    List<Finding> findings = structure("""
        Mappings:
          Sizes:
            small:
              Memory: 128
        Resources:
          Queue:
            Type: AWS::SQS::Queue
            Properties:
              DelaySeconds: !FindInMap [Size, small, Memory]
              MaximumMessageSize: !FindInMap [Sizes, smal, Memory]
              MessageRetentionPeriod: !FindInMap [Sizes, small, Memmory]
              VisibilityTimeout: !FindInMap [Sizes, !Ref "AWS::Region", Memory]
        """);

    assertThat(findings).extracting(Finding::rule, Finding::message, Finding::path).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("UnknownMapping",
            "Fn::FindInMap names 'Size', which is not a mapping (did you mean 'Sizes'?)",
            List.of("Resources", "Queue", "Properties", "DelaySeconds", "Fn::FindInMap", "0")),
        org.assertj.core.groups.Tuple.tuple("UnknownMappingKey",
            "Fn::FindInMap looks up 'smal' in mapping 'Sizes', which has no such top-level key (did you mean 'small'?)",
            List.of("Resources", "Queue", "Properties", "MaximumMessageSize", "Fn::FindInMap", "1")),
        org.assertj.core.groups.Tuple.tuple("UnknownMappingKey",
            "Fn::FindInMap looks up 'Memmory' in 'Sizes.small', which has no such second-level key"
                + " (did you mean 'Memory'?)",
            List.of("Resources", "Queue", "Properties", "MessageRetentionPeriod", "Fn::FindInMap", "2")));
  }

  @Test
  void a_find_in_map_default_value_needs_the_language_extensions() {
    Finding f = only("""
        Mappings:
          Sizes:
            small:
              Memory: 128
        Resources:
          Queue:
            Type: AWS::SQS::Queue
            Properties:
              DelaySeconds: !FindInMap [Sizes, large, Memory, {DefaultValue: 0}]
        """);

    assertFinding(f, "LanguageExtensionsRequired", Severity.ERROR,
        "Fn::FindInMap with a DefaultValue needs the AWS::LanguageExtensions transform, which the template does not"
            + " declare", "Resources", "Queue", "Properties", "DelaySeconds", "Fn::FindInMap", "3");
  }

  // ---- parameters

  @Test
  void a_parameter_type_that_is_not_a_cloudformation_type_is_an_error() {
    List<Finding> findings = structure("""
        Parameters:
          Name:
            Type: Strng
          Subnets:
            Type: List<AWS::EC2::Subnet::Idd>
          Vpc:
            Type: AWS::EC2::VPC::Id
          Image:
            Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
          Zones:
            Type: List<AWS::EC2::AvailabilityZone::Name>
          Count:
            Type: List<Number>
          Missing:
            Description: no type
        Resources:
          Queue:
            Type: AWS::SQS::Queue
        """);

    assertThat(findings).extracting(Finding::rule, Finding::message, Finding::path).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("InvalidParameterType",
            "parameter 'Name' has Type 'Strng', which is not a CloudFormation parameter type (did you mean 'String'?)",
            List.of("Parameters", "Name", "Type")),
        org.assertj.core.groups.Tuple.tuple("InvalidParameterType",
            "parameter 'Subnets' has Type 'List<AWS::EC2::Subnet::Idd>', which is not a CloudFormation parameter type"
                + " (did you mean 'List<AWS::EC2::Subnet::Id>'?)",
            List.of("Parameters", "Subnets", "Type")),
        org.assertj.core.groups.Tuple.tuple("InvalidParameterType", "parameter 'Missing' has no Type",
            List.of("Parameters", "Missing")));
  }

  @Test
  void a_default_outside_the_parameters_constraints_is_an_error() {
    List<Finding> findings = structure("""
        Parameters:
          Env:
            Type: String
            Default: qa
            AllowedValues: [dev, prod]
          Size:
            Type: Number
            Default: large
          Replicas:
            Type: Number
            Default: 9
            MaxValue: 5
          Name:
            Type: String
            Default: Orders
            AllowedPattern: "[a-z]+"
          Zones:
            Type: CommaDelimitedList
            Default: "a, b, z"
            AllowedValues: [a, b, c]
        Resources:
          Queue:
            Type: AWS::SQS::Queue
        """);

    assertThat(findings).extracting(Finding::rule, Finding::message, Finding::path).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("InvalidParameterDefault",
            "the Default of 'Env' is 'qa', but 'qa' is not one of its AllowedValues [dev, prod]",
            List.of("Parameters", "Env", "Default")),
        org.assertj.core.groups.Tuple.tuple("InvalidParameterDefault",
            "the Default of 'Size' is 'large', but 'large' is not a number", List.of("Parameters", "Size", "Default")),
        org.assertj.core.groups.Tuple.tuple("InvalidParameterDefault",
            "the Default of 'Replicas' is '9', but 9 is above its MaxValue 5",
            List.of("Parameters", "Replicas", "Default")),
        org.assertj.core.groups.Tuple.tuple("InvalidParameterDefault",
            "the Default of 'Name' is 'Orders', but 'Orders' does not match its AllowedPattern [a-z]+",
            List.of("Parameters", "Name", "Default")),
        org.assertj.core.groups.Tuple.tuple("InvalidParameterDefault",
            "the Default of 'Zones' is 'a, b, z', but 'z' is not one of its AllowedValues [a, b, c]",
            List.of("Parameters", "Zones", "Default")));
  }

  // ---- language extensions

  @Test
  void a_loop_without_the_language_extensions_is_an_error() {
    Finding f = only("""
        Resources:
          Fn::ForEach::Queues:
            - Name
            - [A, B]
            - Queue${Name}:
                Type: AWS::SQS::Queue
        """);

    assertFinding(f, "LanguageExtensionsRequired", Severity.ERROR,
        "Fn::ForEach::Queues is a function of the AWS::LanguageExtensions transform, which the template does not declare",
        "Resources", "Fn::ForEach::Queues");
  }

  @Test
  void a_reference_to_an_id_no_loop_makes_is_an_error_with_the_closest_made_id() {
    Finding f = only("""
        Transform: AWS::LanguageExtensions
        Resources:
          Fn::ForEach::Queues:
            - Name
            - [Orders, Invoices]
            - Queue${Name}:
                Type: AWS::SQS::Queue
                Properties:
                  QueueName: !Ref Name
        Outputs:
          Payments:
            Value: !GetAtt QueuePayment.Arn
          Orders:
            Value: !GetAtt QueueOrders.Arn
        """);

    assertFinding(f, "UnknownReference", Severity.ERROR,
        "Fn::GetAtt names 'QueuePayment', which is not a resource", "Outputs", "Payments", "Value", "Fn::GetAtt");
  }

  @Test
  void a_mistake_inside_a_loop_is_reported_where_the_loop_writes_it() {
    Finding f = only("""
        Transform: AWS::LanguageExtensions
        Resources:
          Dead:
            Type: AWS::SQS::Queue
          Fn::ForEach::Queues:
            - Name
            - [Orders, Invoices]
            - Queue${Name}:
                Type: AWS::SQS::Queue
                Properties:
                  RedrivePolicy:
                    deadLetterTargetArn: !GetAtt Deadd.Arn
        """);

    assertFinding(f, "UnknownReference", Severity.ERROR,
        "Fn::GetAtt names 'Deadd', which is not a resource (did you mean 'Dead'?)",
        "Resources", "Fn::ForEach::Queues", "2", "Queue${Name}", "Properties", "RedrivePolicy", "deadLetterTargetArn",
        "Fn::GetAtt");
  }

  @Test
  void nested_loops_that_make_more_than_500_resources_stop_with_an_error() {
    String items = items(150);
    ValidationReport report = validator.validate("t.yaml", """
        Transform: AWS::LanguageExtensions
        Resources:
          Fn::ForEach::A:
            - X
            - %1$s
            - Fn::ForEach::B:
                - Y
                - %1$s
                - Fn::ForEach::C:
                    - Z
                    - %1$s
                    - Queue${X}${Y}${Z}:
                        Type: AWS::SQS::Queue
        """.formatted(items));

    assertThat(report.passed()).isFalse();
    assertThat(report.findings()).filteredOn(f -> f.rule().equals("ForEachTooLarge")).singleElement()
        .satisfies(f -> {
          assertThat(f.severity()).isEqualTo(Severity.ERROR);
          assertThat(f.message()).startsWith("Fn::ForEach expands to more than 500 resources");
          assertThat(f.path()).startsWith("Resources", "Fn::ForEach::A", "2", "Fn::ForEach::B");
        });
  }

  @Test
  void nested_loops_in_properties_stop_at_the_node_budget_with_an_error() {
    String items = items(150);
    ValidationReport report = validator.validate("t.yaml", """
        Transform: AWS::LanguageExtensions
        Resources:
          Topic:
            Type: AWS::SNS::Topic
            Properties:
              Tags:
                Fn::ForEach::A:
                  - X
                  - %1$s
                  - Fn::ForEach::B:
                      - Y
                      - %1$s
                      - Fn::ForEach::C:
                          - Z
                          - %1$s
                          - Tag${X}${Y}${Z}: [a, b, c]
        """.formatted(items));

    assertThat(report.passed()).isFalse();
    assertThat(report.findings()).filteredOn(f -> f.rule().equals("ForEachTooLarge")).singleElement()
        .satisfies(f -> {
          assertThat(f.severity()).isEqualTo(Severity.ERROR);
          assertThat(f.message()).startsWith("Fn::ForEach expands the template beyond 500000 nodes");
        });
  }

  @Test
  void a_loop_may_make_500_resources_and_not_501() {
    String loop = """
        Transform: AWS::LanguageExtensions
        Resources:
          %s
          Fn::ForEach::A:
            - X
            - %s
            - Queue${X}:
                Type: AWS::SQS::Queue
        """;

    assertThat(structure(loop.formatted("", items(500)))).extracting(Finding::rule)
        .doesNotContain("ForEachTooLarge");
    assertThat(structure(loop.formatted("Dead: {Type: AWS::SQS::Queue}", items(500))))
        .filteredOn(f -> f.rule().equals("ForEachTooLarge")).singleElement()
        .satisfies(f -> assertThat(f.path()).containsExactly("Resources", "Fn::ForEach::A", "2", "Queue${X}"));
  }

  /** A YAML flow list of {@code n} distinct ids. */
  private static String items(int n) {
    StringBuilder list = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      list.append(i == 0 ? "" : ", ").append("I").append(i);
    }
    return list.append("]").toString();
  }

  @Test
  void a_loop_that_makes_an_invalid_or_repeated_logical_id_is_an_error() {
    List<Finding> findings = structure("""
        Transform: AWS::LanguageExtensions
        Resources:
          QueueA:
            Type: AWS::SQS::Queue
          Fn::ForEach::Queues:
            - Name
            - [A, order-events]
            - Queue${Name}:
                Type: AWS::SQS::Queue
        """);

    assertThat(findings).extracting(Finding::rule, Finding::message, Finding::path).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("DuplicateLogicalId",
            "Fn::ForEach::Queues makes 'QueueA', which is already declared",
            List.of("Resources", "Fn::ForEach::Queues", "2", "Queue${Name}")),
        org.assertj.core.groups.Tuple.tuple("InvalidLogicalId",
            "'Queueorder-events' is not a valid logical id: only letters A-Z, a-z and digits, at most 255",
            List.of("Resources", "Fn::ForEach::Queues", "2", "Queue${Name}")));
  }

  @Test
  void a_loop_over_an_undeclared_or_single_value_parameter_is_an_error() {
    List<Finding> findings = structure("""
        Transform: AWS::LanguageExtensions
        Parameters:
          Name:
            Type: String
            Default: a
        Resources:
          Fn::ForEach::Queues:
            - Id
            - !Ref Names
            - Queue${Id}:
                Type: AWS::SQS::Queue
          Fn::ForEach::Topics:
            - Id
            - !Ref Name
            - Topic${Id}:
                Type: AWS::SNS::Topic
        """);

    assertThat(findings).filteredOn(f -> f.severity() == Severity.ERROR)
        .extracting(Finding::rule, Finding::message, Finding::path).containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("UnknownReference",
                "Fn::ForEach::Queues takes its collection from 'Names', which is not a parameter",
                List.of("Resources", "Fn::ForEach::Queues", "1", "Ref")),
            org.assertj.core.groups.Tuple.tuple("InvalidForEach",
                "Fn::ForEach::Topics takes its collection from 'Name', a parameter of type String; a collection is a list",
                List.of("Resources", "Fn::ForEach::Topics", "1", "Ref")));
  }

  @Test
  void a_malformed_loop_is_an_error() {
    Finding f = only("""
        Transform: AWS::LanguageExtensions
        Resources:
          Queue:
            Type: AWS::SQS::Queue
          Fn::ForEach::Queues:
            - Name
            - [A, B]
        """);

    assertFinding(f, "InvalidForEach", Severity.ERROR,
        "Fn::ForEach::Queues is not [Identifier, Collection, {OutputKey: OutputValue}]",
        "Resources", "Fn::ForEach::Queues");
  }

  @Test
  void language_extension_functions_and_policies_by_function_need_the_transform() {
    List<Finding> findings = structure("""
        Parameters:
          Policy:
            Type: String
        Resources:
          Queue:
            Type: AWS::SQS::Queue
            DeletionPolicy: !Ref Policy
            UpdateReplacePolicy: Retian
            Properties:
              DelaySeconds: !Length [a, b]
        """);

    assertThat(findings).extracting(Finding::rule, Finding::message, Finding::path).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("LanguageExtensionsRequired",
            "DeletionPolicy is given by a function, which CloudFormation accepts only with the AWS::LanguageExtensions"
                + " transform", List.of("Resources", "Queue", "DeletionPolicy")),
        org.assertj.core.groups.Tuple.tuple("InvalidDeletionPolicy",
            "UpdateReplacePolicy is 'Retian', which is not one of [Delete, Retain, Snapshot] (did you mean 'Retain'?)",
            List.of("Resources", "Queue", "UpdateReplacePolicy")),
        org.assertj.core.groups.Tuple.tuple("LanguageExtensionsRequired",
            "Fn::Length is a function of the AWS::LanguageExtensions transform, which the template does not declare",
            List.of("Resources", "Queue", "Properties", "DelaySeconds", "Fn::Length")));
  }

  // ---- rules

  @Test
  void rules_name_declared_parameters_and_parameter_types() {
    List<Finding> findings = structure("""
        Parameters:
          Subnets:
            Type: List<AWS::EC2::Subnet::Id>
        Rules:
          InVpc:
            Assertions:
              - Assert:
                  Fn::EachMemberIn:
                    - Fn::ValueOf: [Subnet, VpcId]
                    - Fn::RefAll: AWS::EC2::VPC::Idd
          Empty:
            RuleCondition: !Equals [a, a]
        Resources:
          Queue:
            Type: AWS::SQS::Queue
            Properties:
              QueueName:
                Fn::ValueOf: [Subnets, VpcId]
        """);

    assertThat(findings).extracting(Finding::rule, Finding::message, Finding::path).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("UnknownReference",
            "Fn::ValueOf names 'Subnet', which is not a parameter (did you mean 'Subnets'?)",
            List.of("Rules", "InVpc", "Assertions", "0", "Assert", "Fn::EachMemberIn", "0", "Fn::ValueOf", "0")),
        org.assertj.core.groups.Tuple.tuple("InvalidRule",
            "Fn::RefAll names 'AWS::EC2::VPC::Idd', which is not a parameter type (did you mean 'AWS::EC2::VPC::Id'?)",
            List.of("Rules", "InVpc", "Assertions", "0", "Assert", "Fn::EachMemberIn", "1", "Fn::RefAll")),
        org.assertj.core.groups.Tuple.tuple("InvalidRule", "rule 'Empty' has no list of Assertions",
            List.of("Rules", "Empty")),
        org.assertj.core.groups.Tuple.tuple("InvalidFunction",
            "Fn::ValueOf is a rule function: it works only in the assertions of the Rules section",
            List.of("Resources", "Queue", "Properties", "QueueName", "Fn::ValueOf")));
  }

  // ---- sections and ids

  @Test
  void an_unknown_section_an_old_format_version_and_an_invalid_logical_id_are_errors() {
    List<Finding> findings = structure("""
        AWSTemplateFormatVersion: '2010-09-10'
        Resources:
          my-queue:
            Type: AWS::SQS::Queue
        Output:
          Name:
            Value: x
        """);

    assertThat(findings).extracting(Finding::rule, Finding::message, Finding::path).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("InvalidFormatVersion",
            "AWSTemplateFormatVersion is '2010-09-10'; the only version is 2010-09-09",
            List.of("AWSTemplateFormatVersion")),
        org.assertj.core.groups.Tuple.tuple("UnknownSection",
            "'Output' is not a template section (did you mean 'Outputs'?)", List.of("Output")),
        org.assertj.core.groups.Tuple.tuple("InvalidLogicalId",
            "'my-queue' is not a valid logical id: only letters A-Z, a-z and digits, at most 255",
            List.of("Resources", "my-queue")));
  }

  @Test
  void a_resource_type_not_of_the_form_service_resource_is_an_error() {
    Finding f = only("""
        Resources:
          Queue:
            Type: SQSQueue
          Monitor:
            Type: Datadog::Monitors::Monitor
        """);

    assertFinding(f, "InvalidResourceType", Severity.ERROR,
        "resource type 'SQSQueue' is not of the form AWS::Service::Resource", "Resources", "Queue", "Type");
  }

  // ---- helpers

  private Finding only(String template) {
    List<Finding> findings = structure(template);
    assertThat(findings).hasSize(1);
    return findings.get(0);
  }

  private static void assertFinding(Finding f, String rule, Severity severity, String message, String... path) {
    assertThat(f.rule()).isEqualTo(rule);
    assertThat(f.severity()).isEqualTo(severity);
    assertThat(f.message()).isEqualTo(message);
    assertThat(f.path()).containsExactly(path);
  }

  private List<Finding> structure(ValidationReport report) {
    return report.findings().stream().filter(f -> StructureRules.RULE_IDS.contains(f.rule())).toList();
  }

  private List<Finding> structure(String template) {
    return structure(validator.validate("template.yaml", template));
  }

  private static Path valid() {
    try {
      return Path.of(Objects.requireNonNull(StructureRulesTest.class.getResource("/templates/valid")).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
