package dev.gantry.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.deploy.TemplateParser.Format;
import dev.gantry.deploy.TemplateParser.Parsed;
import dev.gantry.deploy.TemplateParser.TemplateSyntaxException;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class TemplateParserTest {
  private final TemplateParser parser = new TemplateParser();

  private static final String YAML =
      """
      AWSTemplateFormatVersion: 2010-09-09
      Parameters:
        Env:
          Type: String
      Resources:
        Bucket:
          Type: AWS::S3::Bucket
          Properties:
            BucketName: !Sub "${AWS::StackName}-${Env}-data"
            Tags:
              - Key: team
                Value: platform
              - Key: env
                Value: !Ref Env
        Fn:
          Type: AWS::Lambda::Function
          Properties:
            Role: !GetAtt Role.Arn
            Layers: [!Ref Layer, arn:aws:lambda:eu-west-1:123456789012:layer:x:1]
            Environment:
              Variables:
                BUCKET_ARN: !Sub
                  - "${Arn}/*"
                  - Arn: !GetAtt [Bucket, Arn]
                LONG: {"Fn::Join": ["", [a, b]]}
      Outputs:
        Name:
          Value: !Ref Bucket
      """;

  private static final String JSON =
      """
      {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
          "Bucket": {
            "Type": "AWS::S3::Bucket",
            "Properties": {
              "BucketName": {"Fn::Sub": "${AWS::StackName}-data"},
              "Tags": [
                {"Key": "team", "Value": "platform"},
                {
                  "Key": "env",
                  "Value": {"Ref": "AWS::Region"}
                }
              ]
            }
          }
        },
        "Outputs": {"Name": {"Value": {"Ref": "Bucket"}}}
      }
      """;

  @Test
  void yaml_keys_and_list_items_get_the_line_they_start_on() {
    Parsed parsed = parser.parse(YAML);

    assertThat(parsed.format()).isEqualTo(Format.YAML);
    assertThat(line(parsed, "Resources")).isEqualTo(lineOf(YAML, "Resources:"));
    assertThat(line(parsed, "Resources", "Bucket")).isEqualTo(lineOf(YAML, "Bucket:"));
    assertThat(line(parsed, "Resources", "Bucket", "Properties", "BucketName")).isEqualTo(lineOf(YAML, "BucketName:"));
    assertThat(line(parsed, "Resources", "Bucket", "Properties", "Tags", "0")).isEqualTo(lineOf(YAML, "- Key: team"));
    assertThat(line(parsed, "Resources", "Bucket", "Properties", "Tags", "1")).isEqualTo(lineOf(YAML, "- Key: env"));
    assertThat(line(parsed, "Resources", "Bucket", "Properties", "Tags", "1", "Value")).isEqualTo(lineOf(YAML, "Value: !Ref Env"));
    assertThat(line(parsed, "Resources", "Fn", "Properties", "Environment", "Variables", "LONG", "Fn::Join", "1", "0"))
        .isEqualTo(lineOf(YAML, "LONG:"));
  }

  @Test
  void a_yaml_short_form_and_its_long_form_key_get_the_line_of_the_short_form() {
    Parsed parsed = parser.parse(YAML);

    int sub = lineOf(YAML, "BucketName: !Sub");
    assertThat(line(parsed, "Resources", "Bucket", "Properties", "BucketName", "Fn::Sub")).isEqualTo(sub);
    int getAtt = lineOf(YAML, "Role: !GetAtt Role.Arn");
    assertThat(line(parsed, "Resources", "Fn", "Properties", "Role", "Fn::GetAtt")).isEqualTo(getAtt);
    // the split "Role.Arn" is not in the text as two items: its parts get the line of the short form
    assertThat(line(parsed, "Resources", "Fn", "Properties", "Role", "Fn::GetAtt", "0")).isEqualTo(getAtt);
    // a short form in a flow list
    assertThat(line(parsed, "Resources", "Fn", "Properties", "Layers", "0", "Ref")).isEqualTo(lineOf(YAML, "Layers:"));
    // a multi-line !Sub: the function on its tag's line, its items on theirs, a nested short form on its own
    assertThat(line(parsed, "Resources", "Fn", "Properties", "Environment", "Variables", "BUCKET_ARN", "Fn::Sub"))
        .isEqualTo(lineOf(YAML, "BUCKET_ARN: !Sub"));
    assertThat(line(parsed, "Resources", "Fn", "Properties", "Environment", "Variables", "BUCKET_ARN", "Fn::Sub", "0"))
        .isEqualTo(lineOf(YAML, "- \"${Arn}/*\""));
    assertThat(line(parsed, "Resources", "Fn", "Properties", "Environment", "Variables", "BUCKET_ARN", "Fn::Sub", "1", "Arn",
        "Fn::GetAtt", "1")).isEqualTo(lineOf(YAML, "- Arn: !GetAtt [Bucket, Arn]"));
    assertThat(line(parsed, "Outputs", "Name", "Value", "Ref")).isEqualTo(lineOf(YAML, "Value: !Ref Bucket"));
  }

  @Test
  void a_path_below_what_was_recorded_gets_its_deepest_recorded_line_and_an_unknown_root_none() {
    Parsed parsed = parser.parse(YAML);

    assertThat(line(parsed, "Resources", "Bucket", "Properties", "NoSuchKey", "Deeper")).isEqualTo(lineOf(YAML, "    Properties:"));
    assertThat(line(parsed, "Resources", "Fn", "Type", "0")).isEqualTo(lineOf(YAML, "Type: AWS::Lambda::Function"));
    assertThat(parsed.lines().line(List.of("Mappings", "X"))).isEmpty();
    assertThat(parsed.lines().line(List.of())).isEmpty();
  }

  @Test
  void json_keys_and_list_items_get_the_line_they_start_on() {
    Parsed parsed = parser.parse(JSON);

    assertThat(parsed.format()).isEqualTo(Format.JSON);
    assertThat(line(parsed, "Resources", "Bucket")).isEqualTo(lineOf(JSON, "\"Bucket\": {"));
    assertThat(line(parsed, "Resources", "Bucket", "Properties", "BucketName")).isEqualTo(lineOf(JSON, "\"BucketName\""));
    assertThat(line(parsed, "Resources", "Bucket", "Properties", "BucketName", "Fn::Sub")).isEqualTo(lineOf(JSON, "\"BucketName\""));
    assertThat(line(parsed, "Resources", "Bucket", "Properties", "Tags", "0")).isEqualTo(lineOf(JSON, "{\"Key\": \"team\""));
    assertThat(line(parsed, "Resources", "Bucket", "Properties", "Tags", "1")).isEqualTo(lineOf(JSON, "{\"Key\": \"team\"") + 1);
    assertThat(line(parsed, "Resources", "Bucket", "Properties", "Tags", "1", "Value", "Ref")).isEqualTo(lineOf(JSON, "\"Value\": {\"Ref\""));
    assertThat(line(parsed, "Outputs", "Name", "Value", "Ref")).isEqualTo(lineOf(JSON, "\"Outputs\""));
    assertThat(parsed.root().at("/Resources/Bucket/Properties/Tags/1/Value/Ref").asText()).isEqualTo("AWS::Region");
  }

  @Test
  void a_json_key_given_twice_keeps_the_last_value_and_its_line() {
    Parsed parsed = parser.parse("{\"Resources\": {\"A\": {\"Type\": \"x\"},\n \"A\": {\"Type\": \"y\"}}}");

    assertThat(parsed.root().at("/Resources/A/Type").asText()).isEqualTo("y");
    assertThat(line(parsed, "Resources", "A")).isEqualTo(2);
  }

  @Test
  void short_forms_become_their_long_forms_and_dates_and_versions_stay_text() {
    var root = parser.parse(YAML).root();

    assertThat(root.path("AWSTemplateFormatVersion").isTextual()).isTrue();
    assertThat(root.path("AWSTemplateFormatVersion").asText()).isEqualTo("2010-09-09");
    assertThat(root.at("/Resources/Fn/Properties/Role/Fn::GetAtt").toString()).isEqualTo("[\"Role\",\"Arn\"]");
    assertThat(root.at("/Resources/Fn/Properties/Layers/0").toString()).isEqualTo("{\"Ref\":\"Layer\"}");
    assertThat(root.at("/Resources/Fn/Properties/Environment/Variables/BUCKET_ARN").toString())
        .isEqualTo("{\"Fn::Sub\":[\"${Arn}/*\",{\"Arn\":{\"Fn::GetAtt\":[\"Bucket\",\"Arn\"]}}]}");
    assertThat(root.at("/Outputs/Name/Value/Ref").asText()).isEqualTo("Bucket");
  }

  @Test
  void the_rule_functions_have_short_forms_and_an_unknown_tag_is_named() {
    var root = parser.parse("""
        Rules:
          SubnetsInVPC:
            Assertions:
              - Assert:
                  Fn::EachMemberEquals:
                    - !ValueOf [Subnets, VpcId]
                    - !Ref VpcId
              - Assert: !Contains [[a, b], !Ref Env]
        Resources: {A: {Type: AWS::SNS::Topic}}
        """).root();

    assertThat(root.at("/Rules/SubnetsInVPC/Assertions/0/Assert/Fn::EachMemberEquals/0/Fn::ValueOf").toString())
        .isEqualTo("[\"Subnets\",\"VpcId\"]");
    assertThat(root.at("/Rules/SubnetsInVPC/Assertions/1/Assert/Fn::Contains/1/Ref").asText()).isEqualTo("Env");
    assertThatThrownBy(() -> parser.parse("Resources:\n  A:\n    Properties:\n      Code: !Rain::Embed handler.py\n"))
        .isInstanceOfSatisfying(TemplateSyntaxException.class, e -> {
          assertThat(e.getMessage()).isEqualTo("invalid YAML: unknown tag !Rain::Embed: not a CloudFormation intrinsic function "
              + "(expand a preprocessor's tags, such as Rain's, first)");
          assertThat(e.line()).isEqualTo(4);
        });
  }

  @Test
  void yaml_scalars_keep_their_types() {
    var root = parser.parse("Resources:\n  A:\n    Properties: {n: 3, f: 1.5, b: true, s: '3', d: 2024-01-02T03:04:05Z}\n").root();

    var properties = root.at("/Resources/A/Properties");
    assertThat(properties.get("n").isInt()).isTrue();
    assertThat(properties.get("f").isDouble()).isTrue();
    assertThat(properties.get("b").isBoolean()).isTrue();
    assertThat(properties.get("s").isTextual()).isTrue();
    assertThat(properties.get("d").asText()).isEqualTo("2024-01-02T03:04:05Z");
  }

  @Test
  void yaml_keys_stay_the_text_written_even_where_yaml_reads_a_boolean_or_a_number() {
    Parsed parsed = parser.parse("Mappings:\n  Ports:\n    on: {a: 1}\n    yes: {a: 2}\n    8080: {a: 3}\n    name: {a: 4}\n"
        + "Resources: {A: {Type: AWS::SNS::Topic}}\n");

    var ports = parsed.root().at("/Mappings/Ports");
    assertThat(ports.get("on").get("a").asInt()).isEqualTo(1);
    assertThat(ports.get("yes").get("a").asInt()).isEqualTo(2);
    assertThat(ports.get("8080").get("a").asInt()).isEqualTo(3);
    assertThat(line(parsed, "Mappings", "Ports", "8080", "a")).isEqualTo(5);
  }

  @Test
  void duplicate_yaml_keys_are_refused_with_the_line_of_the_second() {
    assertThatThrownBy(() -> parser.parse("Resources:\n  A:\n    Type: x\n  A:\n    Type: y\n"))
        .isInstanceOfSatisfying(TemplateSyntaxException.class, e -> {
          assertThat(e.getMessage()).startsWith("invalid YAML:").contains("duplicate key A");
          assertThat(e.line()).isEqualTo(4);
        });
  }

  @Test
  void more_than_50_collection_aliases_are_refused() {
    StringBuilder text = new StringBuilder("Mappings:\n  Base: &base {a: 1}\nResources:\n");
    for (int i = 0; i < 51; i++) {
      text.append("  R").append(i).append(": *base\n");
    }

    assertThatThrownBy(() -> parser.parse(text.toString())).isInstanceOf(TemplateSyntaxException.class);
  }

  @Test
  void aliases_of_aliases_that_would_expand_to_millions_of_nodes_are_refused() {
    // 48 aliases, within the limit of 50, doubling 24 times: 2^24 items from 1 KB of text
    StringBuilder text = new StringBuilder("Mappings:\n  L0: &l0 [x, y]\n");
    for (int i = 1; i <= 24; i++) {
      text.append("  L").append(i).append(": &l").append(i).append(" [*l").append(i - 1).append(", *l").append(i - 1).append("]\n");
    }
    text.append("Resources: {A: {Type: AWS::SNS::Topic}}\n");

    assertThatThrownBy(() -> parser.parse(text.toString()))
        .isInstanceOfSatisfying(TemplateSyntaxException.class,
            e -> assertThat(e.getMessage()).contains("aliases expand the template beyond"));
  }

  @Test
  void a_few_aliases_still_parse_and_each_use_gets_the_line_of_its_alias() {
    Parsed parsed = parser.parse("Mappings:\n  Base: &base {a: 1}\nResources:\n  A: *base\n  B: *base\n");

    assertThat(parsed.root().at("/Resources/B/a").asInt()).isEqualTo(1);
    assertThat(line(parsed, "Resources", "B")).isEqualTo(5);
    assertThat(line(parsed, "Resources", "B", "a")).isEqualTo(2);
  }

  @Test
  void tagged_and_binary_scalar_keys_are_their_text() {
    Parsed parsed = parser.parse("Resources:\n  !Ref a : x\n  !!binary aGk= : y\n");

    assertThat(parsed.root().at("/Resources/a").asText()).isEqualTo("x");
    assertThat(parsed.root().at("/Resources/aGk=").asText()).isEqualTo("y");
  }

  @Test
  void a_list_or_mapping_key_is_refused_with_its_line_and_the_validator_reports_it() {
    for (String text : List.of(
        "Resources:\n  A: {Type: AWS::SNS::Topic}\n  ? [a, b]\n  : x\n",
        "Resources:\n  A: {Type: AWS::SNS::Topic}\n  ? {a: b}\n  : x\n",
        "Resources:\n  A: {Type: AWS::SNS::Topic}\n  ? !Ref [a]\n  : x\n",
        "Resources:\n  A: {Type: AWS::SNS::Topic}\n  B: {<<: {? [a]: x}}\n")) {
      assertThatThrownBy(() -> parser.parse(text)).as(text)
          .isInstanceOfSatisfying(TemplateSyntaxException.class, e -> {
            assertThat(e.getMessage()).contains("a mapping key must be plain text");
            assertThat(e.line()).isEqualTo(3);
          });
    }
    assertThat(syntaxError("? [a, b]\n: x\nResources: {A: {Type: AWS::SNS::Topic}}\n"))
        .contains("a mapping key must be plain text");
    assertThat(syntaxError("Resources:\n  A: {Type: AWS::SNS::Topic}\n  ? [a, b]\n  : x\n"))
        .contains("a mapping key must be plain text");
  }

  @Test
  void tagged_and_binary_keys_at_the_root_and_in_resources_do_not_throw_in_the_validator() {
    for (String text : List.of(
        "!Ref a : x\nResources: {A: {Type: AWS::SNS::Topic}}\n",
        "!!binary aGk= : x\nResources: {A: {Type: AWS::SNS::Topic}}\n",
        "Resources:\n  !Ref a : x\n  !!binary aGk= : {Type: AWS::SNS::Topic}\n")) {
      ValidationReport report = new TemplateValidator().validate("t.yaml", text);
      assertThat(report.findings()).as(text).extracting(Finding::rule).doesNotContain("TemplateSyntax");
    }
  }

  @Test
  void an_alias_inside_the_node_it_names_is_refused_with_its_line() {
    for (String text : List.of(
        "Resources: &a {X: *a}\n",
        "Resources: &a\n  X:\n    - *a\n",
        "Resources:\n  A: &a\n    Type: AWS::SNS::Topic\n    Properties: {<<: *a}\n",
        "Resources: {A: !Sub &a [*a]}\n")) {
      assertThatThrownBy(() -> parser.parse(text)).as(text)
          .isInstanceOfSatisfying(TemplateSyntaxException.class,
              e -> assertThat(e.getMessage()).contains("an alias refers to a node that contains it"));
      assertThat(syntaxError(text)).contains("an alias refers to a node that contains it");
    }
  }

  @Test
  void syntax_errors_carry_their_line_in_both_formats() {
    assertThatThrownBy(() -> parser.parse("Resources:\n  A:\n    Type: [unclosed\n"))
        .isInstanceOfSatisfying(TemplateSyntaxException.class, e -> assertThat(e.line()).isPositive());
    assertThatThrownBy(() -> parser.parse("{\n\"Resources\": {\n  \"A\": }\n}"))
        .isInstanceOfSatisfying(TemplateSyntaxException.class, e -> {
          assertThat(e.getMessage()).startsWith("invalid JSON:");
          assertThat(e.line()).isEqualTo(3);
        });
  }

  @Test
  void an_empty_template_parses_to_nothing() {
    Parsed parsed = parser.parse("");

    assertThat(parsed.root() == null || parsed.root().isNull()).isTrue();
    assertThat(parsed.lines().line(List.of("Resources"))).isEmpty();
  }

  /** The message of the ERROR finding the validator reports for a template that does not parse. */
  private static String syntaxError(String text) {
    ValidationReport report = new TemplateValidator().validate("t.yaml", text);
    assertThat(report.passed()).isFalse();
    assertThat(report.findings()).singleElement().satisfies(f -> {
      assertThat(f.rule()).isEqualTo("TemplateSyntax");
      assertThat(f.severity()).isEqualTo(Finding.Severity.ERROR);
    });
    return report.findings().get(0).message();
  }

  private static int line(Parsed parsed, String... path) {
    OptionalInt line = parsed.lines().line(List.of(path));
    assertThat(line).as(String.join(".", path)).isPresent();
    return line.getAsInt();
  }

  /** The 1-based line of the first line of {@code text} containing {@code fragment}. */
  private static int lineOf(String text, String fragment) {
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(fragment)) {
        return i + 1;
      }
    }
    throw new AssertionError("no line contains " + fragment);
  }
}
