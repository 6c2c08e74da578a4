package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.deploy.Finding;
import dev.gantry.deploy.Finding.Severity;
import dev.gantry.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gantry validate}, run in-process as a user would run it: no engine, no model, no session. */
class ValidateCommandIT {
  static final String CLEAN =
      """
      AWSTemplateFormatVersion: 2010-09-09
      Resources:
        Table:
          Type: AWS::DynamoDB::Table
          Properties:
            BillingMode: PAY_PER_REQUEST
            KeySchema: [{AttributeName: pk, KeyType: HASH}]
            AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
            PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}
      Outputs:
        Name:
          Value: !Ref Table
      """;

  static final String DUPLICATE_KEY =
      """
      Resources:
        Topic:
          Type: AWS::SNS::Topic
        Topic:
          Type: AWS::SQS::Queue
      """;

  static final String WILDCARD_POLICY =
      """
      {
        "Resources": {
          "Role": {
            "Type": "AWS::IAM::Role",
            "Properties": {
              "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
              "Policies": [{"PolicyName": "all", "PolicyDocument": {"Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"}
              ]}}]
            }
          }
        }
      }
      """;

  @TempDir Path dir;

  record Result(int exitCode, String out, String err) {}

  Result gantry(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = GantryCommand.execute(args, Map.of("GANTRY_HOME", dir.resolve("home").toString()),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void a_clean_template_passes_with_a_one_line_summary_and_exit_0() throws IOException {
    Path clean = write("clean.yaml", CLEAN);

    Result result = gantry("validate", clean.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.err()).isEmpty();
    assertThat(result.out().lines()).containsExactly(clean + ": passed (YAML, 1 resource): 0 findings, 0 blocking");
    assertThat(dir.resolve("home")).doesNotExist(); // starts no engine, writes nothing
  }

  @Test
  void a_blocking_finding_exits_1_and_names_the_file_and_line() throws IOException {
    Path duplicate = write("duplicate.yaml", DUPLICATE_KEY);
    Path wildcard = write("wildcard.json", WILDCARD_POLICY);
    Path clean = write("clean.yaml", CLEAN);

    Result result = gantry("validate", duplicate.toString(), wildcard.toString(), clean.toString());

    assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
    assertThat(result.err()).isEmpty();
    assertThat(result.out()).containsPattern("(?m)^" + quote(duplicate) + ":4: ERROR TemplateSyntax: line 4: invalid YAML: .*duplicate key Topic"
        + ".* \\(fix: .+\\)$");
    assertThat(result.out()).contains(duplicate + ": FAILED (does not parse): 1 finding (1 ERROR), 1 blocking");
    // the line is there once the rule gives the finding its path; without one the file alone is named
    assertThat(result.out()).containsPattern("(?m)^" + quote(wildcard) + ":(\\d+:)? HIGH IamWildcardAction: Role: ");
    assertThat(result.out()).containsPattern("(?m)^" + quote(wildcard) + ": FAILED \\(JSON, 1 resource\\): \\d+ findings? \\(.*HIGH.*\\), \\d+ blocking$");
    assertThat(result.out()).contains(clean + ": passed");
    assertThat(result.out().lines().toList()).last().isEqualTo("3 templates: 1 passed, 2 with blocking findings");
  }

  @Test
  void json_prints_every_report_as_one_array() throws IOException {
    Path duplicate = write("duplicate.yaml", DUPLICATE_KEY);
    Path clean = write("clean.yaml", CLEAN);

    Result result = gantry("validate", "--json", duplicate.toString(), clean.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    JsonNode reports = Json.tree(result.out());
    assertThat(reports.isArray()).isTrue();
    assertThat(reports).hasSize(2);
    assertThat(reports.get(0).path("template").asText()).isEqualTo(duplicate.toString());
    assertThat(reports.get(0).path("passed").asBoolean()).isFalse();
    assertThat(reports.get(0).at("/findings/0/rule").asText()).isEqualTo("TemplateSyntax");
    assertThat(reports.get(0).at("/findings/0/line").asInt()).isEqualTo(4);
    assertThat(reports.get(1).path("passed").asBoolean()).isTrue();
    assertThat(reports.get(1).path("templateSha256").asText()).hasSize(64);
  }

  @Test
  void a_missing_or_unreadable_file_exits_2_naming_it_and_checks_nothing() throws IOException {
    Path clean = write("clean.yaml", CLEAN);
    Path missing = dir.resolve("missing.yaml");
    Path notUtf8 = Files.write(dir.resolve("latin1.yaml"), new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});

    Result result = gantry("validate", clean.toString(), missing.toString(), dir.toString(), notUtf8.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err().lines()).containsExactly("gantry: cannot read " + missing + ": no such file; "
        + dir + ": is a directory; " + notUtf8 + ": not UTF-8 text");
  }

  @Test
  void no_file_is_a_usage_error_and_help_exits_0() {
    Result none = gantry("validate");
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("Missing required parameter: 'FILE'").doesNotContain("Exception");

    Result help = gantry("validate", "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).startsWith("Usage: gantry validate").contains("FILE...", "--json").doesNotContain("--model");
  }

  @Test
  void an_acknowledged_finding_shows_its_reason() {
    Finding acknowledged = new Finding(Severity.HIGH, "IamWildcardResource", "Role", "a statement allows every resource",
        "name the resources", List.of("Resources", "Role"), 12, null).acknowledged("the role only reads public data");

    assertThat(GantryCommand.Validate.line("t.yaml", acknowledged)).isEqualTo("t.yaml:12: HIGH IamWildcardResource: Role: "
        + "a statement allows every resource (fix: name the resources) acknowledged: the role only reads public data");
    assertThat(GantryCommand.Validate.line("t.yaml", acknowledged.onLine(null))).startsWith("t.yaml: HIGH IamWildcardResource: ");
  }

  private static String quote(Path path) {
    return java.util.regex.Pattern.quote(path.toString());
  }
}
