package dev.gantry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CapabilitiesTest {
  private final TemplateParser parser = new TemplateParser();

  @Test
  void a_template_without_iam_or_transforms_needs_none() {
    assertThat(Capabilities.required(parser.parse("Resources: {T: {Type: AWS::DynamoDB::Table}}").root())).isEmpty();
  }

  @Test
  void iam_resources_need_capability_iam_and_named_ones_capability_named_iam() {
    assertThat(Capabilities.required(parser.parse("Resources: {R: {Type: AWS::IAM::Role}}").root()))
        .containsExactly(Capabilities.IAM);
    assertThat(Capabilities.required(parser.parse("Resources: {R: {Type: AWS::IAM::Role, Properties: {RoleName: x}}}").root()))
        .containsExactly(Capabilities.IAM, Capabilities.NAMED_IAM);
  }

  @Test
  void sam_templates_and_nested_stacks_need_iam_and_auto_expand() {
    assertThat(Capabilities.required(parser.parse("""
        Transform: AWS::Serverless-2016-10-31
        Resources: {F: {Type: AWS::Serverless::Function}}
        """).root())).containsExactly(Capabilities.IAM, Capabilities.AUTO_EXPAND);
    assertThat(Capabilities.required(parser.parse("Resources: {N: {Type: AWS::CloudFormation::Stack}}").root()))
        .containsExactly(Capabilities.IAM, Capabilities.AUTO_EXPAND);
  }
}
