package dev.gantry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.deploy.RiskFlag.Kind;
import dev.gantry.deploy.StackDeployments.ChangeSetHook;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeSetRisksTest {
  private final TemplateParser parser = new TemplateParser();

  private static ResourceChange add(String id, String type) {
    return new ResourceChange("Add", id, null, type, null, List.of(), List.of());
  }

  private static ResourceChange modify(String id, String type, String replacement) {
    return new ResourceChange("Modify", id, id + "-physical", type, replacement, List.of("Properties"), List.of());
  }

  private static ResourceChange remove(String id, String type) {
    return new ResourceChange("Remove", id, id + "-physical", type, null, List.of(), List.of());
  }

  private List<RiskFlag> flags(List<ResourceChange> changes, String template) {
    JsonNode root = parser.parse(template).root();
    return ChangeSetRisks.flags(changes, root, Capabilities.required(root), List.of());
  }

  @Test
  void replacing_or_deleting_a_stateful_resource_is_flagged_and_replacing_a_stateless_one_is_not() {
    // GIVEN a table replaced, a bucket possibly replaced, a queue removed and a function replaced
    List<ResourceChange> changes = List.of(
        modify("Orders", "AWS::DynamoDB::Table", "True"),
        modify("Uploads", "AWS::S3::Bucket", "Conditional"),
        remove("Jobs", "AWS::SQS::Queue"),
        modify("Api", "AWS::Lambda::Function", "True"),
        modify("Logs", "AWS::Logs::LogGroup", "False"));

    // WHEN the change set is read
    List<RiskFlag> flags = flags(changes, "Resources: {}");

    // THEN the data-losing changes are flagged, by kind, and nothing else
    assertThat(flags).extracting(RiskFlag::kind, RiskFlag::logicalResourceId).containsExactly(
        org.assertj.core.groups.Tuple.tuple(Kind.STATEFUL_REPLACEMENT, "Orders"),
        org.assertj.core.groups.Tuple.tuple(Kind.STATEFUL_REPLACEMENT, "Uploads"),
        org.assertj.core.groups.Tuple.tuple(Kind.STATEFUL_DELETION, "Jobs"));
    assertThat(flags.get(0).message()).contains("Orders (AWS::DynamoDB::Table) is replaced");
    assertThat(flags.get(1).message()).contains("possibly replaced");
  }

  @Test
  void any_iam_or_resource_policy_change_is_flagged_with_the_capabilities_it_needs() {
    String template = """
        Resources:
          Role: {Type: AWS::IAM::Role, Properties: {RoleName: gantry-orders, AssumeRolePolicyDocument: {}}}
          Invoke: {Type: AWS::Lambda::Permission, Properties: {Principal: apigateway.amazonaws.com, SourceArn: arn}}
        """;

    List<RiskFlag> flags = flags(List.of(add("Role", "AWS::IAM::Role"), add("Invoke", "AWS::Lambda::Permission")), template);

    assertThat(flags).extracting(RiskFlag::kind, RiskFlag::logicalResourceId).containsExactly(
        org.assertj.core.groups.Tuple.tuple(Kind.IAM_CHANGE, "Invoke"),
        org.assertj.core.groups.Tuple.tuple(Kind.IAM_CHANGE, "Role"),
        org.assertj.core.groups.Tuple.tuple(Kind.CAPABILITIES, null));
    assertThat(flags.get(2).message()).contains("CAPABILITY_IAM, CAPABILITY_NAMED_IAM");
  }

  @Test
  void public_principals_open_ingress_public_buckets_and_open_function_urls_are_flagged_however_the_policy_is_spelt() {
    String template = """
        Resources:
          BucketPolicy:
            Type: AWS::S3::BucketPolicy
            Properties:
              PolicyDocument:
                Statement: {Effect: Allow, Principal: {AWS: ["arn:aws:iam::123456789012:root", "*"]}, Action: s3:GetObject, Resource: "*"}
          Web:
            Type: AWS::EC2::SecurityGroup
            Properties:
              SecurityGroupIngress:
                - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
                - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}
          Site:
            Type: AWS::S3::Bucket
            Properties:
              PublicAccessBlockConfiguration: {BlockPublicAcls: true, BlockPublicPolicy: false}
          Url:
            Type: AWS::Lambda::Url
            Properties: {AuthType: NONE, TargetFunctionArn: !GetAtt Fn.Arn}
          Anyone:
            Type: AWS::Lambda::Permission
            Properties: {Action: lambda:InvokeFunction, FunctionName: !Ref Fn, Principal: "*"}
        """;
    List<ResourceChange> changes = List.of(add("BucketPolicy", "AWS::S3::BucketPolicy"), add("Web", "AWS::EC2::SecurityGroup"),
        modify("Site", "AWS::S3::Bucket", "False"), add("Url", "AWS::Lambda::Url"), add("Anyone", "AWS::Lambda::Permission"));

    List<RiskFlag> exposure = flags(changes, template).stream().filter(f -> f.kind() == Kind.PUBLIC_EXPOSURE).toList();

    assertThat(exposure).extracting(RiskFlag::logicalResourceId).containsExactly("Anyone", "BucketPolicy", "Site", "Url", "Web");
    assertThat(exposure).extracting(RiskFlag::message).anySatisfy(m -> assertThat(m).contains("ingress from 0.0.0.0/0 on ports 22-22"))
        .anySatisfy(m -> assertThat(m).contains("BlockPublicPolicy is off"))
        .anySatisfy(m -> assertThat(m).contains("without authentication"))
        .anySatisfy(m -> assertThat(m).contains("anyone may invoke the function"));
  }

  @Test
  void a_conditioned_public_principal_a_computed_value_and_a_removed_resource_are_not_exposure() {
    String template = """
        Resources:
          Topic:
            Type: AWS::SNS::TopicPolicy
            Properties:
              PolicyDocument:
                Statement:
                  - {Effect: Allow, Principal: "*", Action: sns:Publish, Resource: "*", Condition: {StringEquals: {"aws:SourceAccount": "123456789012"}}}
          Ingress:
            Type: AWS::EC2::SecurityGroupIngress
            Properties: {GroupId: sg-1, IpProtocol: tcp, CidrIp: !Ref AllowedRange}
        """;
    List<ResourceChange> changes = List.of(add("Topic", "AWS::SNS::TopicPolicy"), add("Ingress", "AWS::EC2::SecurityGroupIngress"),
        remove("OldSite", "AWS::S3::Bucket"));

    assertThat(flags(changes, template)).extracting(RiskFlag::kind).doesNotContain(Kind.PUBLIC_EXPOSURE);
  }

  @Test
  void hooks_are_listed_with_whether_they_can_stop_the_deployment() {
    List<RiskFlag> flags = ChangeSetRisks.flags(List.of(), parser.parse("Resources: {}").root(), List.of(), List.of(
        new ChangeSetHook("Acme::Security::Scan", "FAIL", "PRE_PROVISION", "Orders", "CREATE"),
        new ChangeSetHook("Acme::Cost::Check", "WARN", "PRE_PROVISION", null, null)));

    assertThat(flags).extracting(RiskFlag::message).containsExactly(
        "hook Acme::Cost::Check runs PRE_PROVISION and only warns if it fails",
        "hook Acme::Security::Scan runs PRE_PROVISION on CREATE and stops the deployment if it fails");
  }
}
