package dev.gantry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BoundaryRequirementsTest {
  private final TemplateParser parser = new TemplateParser();

  @Test
  void roles_users_and_sam_functions_within_the_boundary_deploy() {
    assertThat(BoundaryRequirements.violations(parser.parse("""
        Transform: AWS::Serverless-2016-10-31
        Parameters: {PermissionsBoundaryArn: {Type: String, Default: ""}}
        Globals: {Function: {PermissionsBoundary: !Ref PermissionsBoundaryArn}}
        Resources:
          Role: {Type: AWS::IAM::Role, Properties: {PermissionsBoundary: !Ref PermissionsBoundaryArn}}
          Fn: {Type: AWS::Serverless::Function, Properties: {Runtime: python3.12}}
          Own: {Type: AWS::Serverless::Function, Properties: {Role: !GetAtt Role.Arn}}
        """).root())).isEmpty();
  }

  @Test
  void a_role_or_function_role_without_the_boundary_and_identities_the_deploy_role_cannot_create_are_named() {
    assertThat(BoundaryRequirements.violations(parser.parse("""
        Resources:
          Role: {Type: AWS::IAM::Role, Properties: {AssumeRolePolicyDocument: {}}}
          Fn: {Type: AWS::Serverless::Function, Properties: {Runtime: python3.12}}
          Policy: {Type: AWS::IAM::ManagedPolicy, Properties: {PolicyDocument: {}}}
        """).root())).containsExactlyInAnyOrder(
            "Role (AWS::IAM::Role) has no PermissionsBoundary",
            "Fn (AWS::Serverless::Function) creates a role without PermissionsBoundary",
            "Policy (AWS::IAM::ManagedPolicy) is not an IAM resource Gantry may create: use roles with inline Policies");
  }
}
