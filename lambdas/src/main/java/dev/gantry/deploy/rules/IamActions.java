package dev.gantry.deploy.rules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * IAM actions as the security rules compare them: lower-case, with {@code *} and {@code ?} wildcards
 * matched the way IAM matches them, so {@code iam:*Role*}, {@code IAM:PutRolePolicy} and {@code *:*}
 * are recognised for what they allow.
 *
 * <p>Sources: IAM User Guide, "IAM JSON policy elements: Action" (actions are case-insensitive and
 * accept wildcards); IAM User Guide, "IAM Access Analyzer policy check reference" (security warnings
 * "PassRole with star in resource"); IAM User Guide, "Grant a user permissions to pass a role to an
 * AWS service"; Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and Mitigation" (the
 * single-permission and iam:PassRole combinations listed here).
 */
final class IamActions {
  /**
   * Actions that, on every IAM resource, let a principal grant itself more: rewrite or attach a
   * policy, create credentials for another user, change who may assume a role, or lift a
   * permissions boundary.
   */
  static final List<String> ESCALATION =
      List.of(
          "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion",
          "iam:AttachRolePolicy", "iam:AttachUserPolicy", "iam:AttachGroupPolicy",
          "iam:PutRolePolicy", "iam:PutUserPolicy", "iam:PutGroupPolicy",
          "iam:CreateRole", "iam:UpdateAssumeRolePolicy", "iam:AddUserToGroup",
          "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
          "iam:PutRolePermissionsBoundary", "iam:PutUserPermissionsBoundary",
          "iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary",
          "lambda:UpdateFunctionCode");

  /** Of {@link #ESCALATION}, those a condition on {@code iam:PermissionsBoundary} keeps within the boundary. */
  static final List<String> BOUNDED_BY_CONDITION =
      List.of(
          "iam:CreateRole", "iam:AttachRolePolicy", "iam:PutRolePolicy",
          "iam:AttachUserPolicy", "iam:PutUserPolicy",
          "iam:PutRolePermissionsBoundary", "iam:PutUserPermissionsBoundary");

  /** Actions that start code or infrastructure running as a role passed with {@code iam:PassRole}. */
  static final List<String> PASS_ROLE_TARGETS =
      List.of(
          "lambda:CreateFunction", "lambda:UpdateFunctionConfiguration", "ec2:RunInstances",
          "ec2:AssociateIamInstanceProfile", "cloudformation:CreateStack", "cloudformation:UpdateStack",
          "cloudformation:CreateChangeSet", "glue:CreateDevEndpoint", "glue:CreateJob", "glue:UpdateJob",
          "datapipeline:CreatePipeline", "ecs:RunTask", "ecs:RegisterTaskDefinition", "ecs:CreateService",
          "sagemaker:CreateNotebookInstance", "sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob",
          "codebuild:CreateProject", "codebuild:UpdateProject", "states:CreateStateMachine",
          "apprunner:CreateService", "batch:RegisterJobDefinition");

  /** Data-plane actions: reading or changing the data a workload holds, never needed on {@code *}. */
  static final List<String> DATA_PLANE =
      List.of(
          "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectVersion",
          "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
          "dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem",
          "sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sns:Publish",
          "kinesis:PutRecord", "kinesis:PutRecords", "kinesis:GetRecords", "firehose:PutRecord",
          "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "secretsmanager:GetSecretValue",
          "ssm:GetParameter", "ssm:GetParameters", "lambda:InvokeFunction", "states:StartExecution",
          "events:PutEvents");

  private IamActions() {}

  /** Whether action pattern {@code pattern} (IAM wildcards) allows {@code action}; case is ignored. */
  static boolean allows(String pattern, String action) {
    return glob(pattern).matcher(action.toLowerCase(Locale.ROOT)).matches();
  }

  /** The actions of {@code candidates} some pattern of {@code patterns} allows. */
  static List<String> allowed(Collection<String> patterns, List<String> candidates) {
    List<String> out = new ArrayList<>();
    for (String action : candidates) {
      if (patterns.stream().anyMatch(p -> allows(p, action))) {
        out.add(action);
      }
    }
    return out;
  }

  /** Whether {@code pattern} allows every action of every service ({@code *}, {@code *:*}). */
  static boolean everything(String pattern) {
    return pattern.replace("*", "").replace(":", "").isEmpty() && pattern.contains("*");
  }

  /** The service of {@code pattern} when it allows every action of one service ({@code s3:*}), else null. */
  static String wholeService(String pattern) {
    int colon = pattern.indexOf(':');
    if (colon <= 0) {
      return null;
    }
    String service = pattern.substring(0, colon);
    String action = pattern.substring(colon + 1);
    return !service.contains("*") && !service.contains("?") && !action.isEmpty()
        && action.replace("*", "").isEmpty() ? service.toLowerCase(Locale.ROOT) : null;
  }

  private static Pattern glob(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.strip().toLowerCase(Locale.ROOT).toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }
}
