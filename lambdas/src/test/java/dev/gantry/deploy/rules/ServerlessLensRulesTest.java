package dev.gantry.deploy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.deploy.Finding;
import dev.gantry.deploy.Finding.Severity;
import dev.gantry.deploy.TemplateValidator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Well-Architected serverless lens advice: LOW, with the path of the resource to change. */
class ServerlessLensRulesTest {
  private final TemplateValidator validator = new TemplateValidator();

  /** The findings, without the resource specification's (the small templates leave out required properties). */
  private List<Finding> findings(String template) {
    return validator.validate("template.yaml", template).findings().stream().filter(f -> !f.rule().startsWith("Schema")).toList();
  }

  private Finding single(String template, String rule, Severity severity, String... path) {
    List<Finding> found = findings(template).stream().filter(f -> f.rule().equals(rule)).toList();
    assertThat(found).as("%s in %s", rule, findings(template)).hasSize(1);
    assertThat(found.get(0).severity()).isEqualTo(severity);
    assertThat(found.get(0).path()).containsExactly(path);
    return found.get(0);
  }

  private static final String FUNCTION = """
      Resources:
        Fn:
          Type: AWS::Lambda::Function
          Properties:
            Runtime: python3.12
            Handler: index.handler
            Role: arn:aws:iam::123456789012:role/fn
            Code: {ZipFile: "x"}
      """;

  @Test
  void a_function_without_a_log_group_is_low() {
    single(FUNCTION, "LambdaLogRetention", Severity.LOW, "Resources", "Fn");
  }

  @Test
  void a_function_with_a_log_group_with_retention_gets_nothing() {
    String sub = FUNCTION + """
          Logs:
            Type: AWS::Logs::LogGroup
            Properties:
              LogGroupName: !Sub /aws/lambda/${Fn}
              RetentionInDays: 30
        """;
    String logging = FUNCTION.replace("Code: {ZipFile: \"x\"}", "Code: {ZipFile: \"x\"}\n      LoggingConfig: {LogGroup: !Ref Logs}") + """
          Logs:
            Type: AWS::Logs::LogGroup
            Properties:
              RetentionInDays: 30
        """;

    assertThat(findings(sub)).isEmpty();
    assertThat(findings(logging)).isEmpty();
  }

  @Test
  void a_log_group_without_retention_is_low() {
    String template = FUNCTION + """
          Logs:
            Type: AWS::Logs::LogGroup
            Properties:
              LogGroupName: !Join ["", ["/aws/lambda/", !Ref Fn]]
        """;

    single(template, "LambdaLogRetention", Severity.LOW, "Resources", "Logs");
  }

  @Test
  void a_table_without_point_in_time_recovery_is_low() {
    String template = """
        Resources:
          Table:
            Type: AWS::DynamoDB::Table
            Properties:
              BillingMode: PAY_PER_REQUEST
        """;

    single(template, "DynamoDbPointInTimeRecovery", Severity.LOW, "Resources", "Table", "Properties");
    assertThat(findings(template.replace("BillingMode: PAY_PER_REQUEST",
        "BillingMode: PAY_PER_REQUEST\n      PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}"))).isEmpty();
  }

}
