package dev.gantry.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.gantry.deploy.Finding.Severity;
import dev.gantry.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class AcknowledgementsTest {
  private final TemplateValidator validator = new TemplateValidator();

  private static final String REASON = "The public ALB takes HTTPS from the internet by design; WAF in front";

  /** Two groups open to the internet: HTTPS (MEDIUM) on the load balancer, SSH (HIGH) on a bastion. */
  private static String template(String metadata) {
    return metadata + """
        Resources:
          PublicLoadBalancerSg:
            Type: AWS::EC2::SecurityGroup
            Properties:
              GroupDescription: alb
              SecurityGroupIngress:
                - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}
          BastionSg:
            Type: AWS::EC2::SecurityGroup
            Properties:
              GroupDescription: bastion
              SecurityGroupIngress:
                - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
        """;
  }

  private static String acknowledge(String rule, String resource, String reason) {
    return "Metadata:\n  Gantry:\n    Acknowledgements:\n      - Rule: " + rule + "\n"
        + (resource == null ? "" : "        Resource: " + resource + "\n")
        + (reason == null ? "" : "        Reason: \"" + reason + "\"\n");
  }

  private static Finding on(ValidationReport report, String rule, String location) {
    return report.findings().stream()
        .filter(f -> f.rule().equals(rule) && f.location().equals(location))
        .findFirst().orElseThrow(() -> new AssertionError(rule + " on " + location + " in " + report.findings()));
  }

  @Test
  void an_acknowledged_high_finding_passes_keeps_its_severity_and_carries_the_reason() {
    ValidationReport report = validator.validate("t.yaml", template(acknowledge("OpenIngress", "BastionSg", REASON)));

    Finding ssh = on(report, "OpenIngress", "BastionSg");
    assertThat(ssh.severity()).isEqualTo(Severity.HIGH);
    assertThat(ssh.acknowledgement()).isEqualTo(REASON);
    assertThat(ssh.blocks()).isFalse();
    assertThat(on(report, "OpenIngress", "PublicLoadBalancerSg").acknowledgement()).as("only the named resource").isNull();
    assertThat(report.passed()).isTrue();
    assertThat(Json.write(report)).contains("\"acknowledgement\":\"" + REASON + "\"");
  }

  @Test
  void without_a_resource_every_finding_of_the_rule_is_acknowledged() {
    ValidationReport report = validator.validate("t.yaml", template(acknowledge("OpenIngress", null, REASON)));

    assertThat(report.findings()).filteredOn(f -> f.rule().equals("OpenIngress"))
        .extracting(Finding::location, Finding::acknowledgement)
        .containsExactlyInAnyOrder(tuple("BastionSg", REASON), tuple("PublicLoadBalancerSg", REASON));
    assertThat(report.passed()).isTrue();
  }

  @Test
  void a_resource_may_acknowledge_its_own_findings_in_its_metadata() {
    String template = template("").replace(
        "  BastionSg:\n    Type: AWS::EC2::SecurityGroup\n",
        "  BastionSg:\n    Type: AWS::EC2::SecurityGroup\n    Metadata:\n      Gantry:\n        Acknowledgements:\n"
            + "          - Rule: OpenIngress\n            Reason: \"" + REASON + "\"\n");

    ValidationReport report = validator.validate("t.yaml", template);

    assertThat(on(report, "OpenIngress", "BastionSg").acknowledgement()).isEqualTo(REASON);
    assertThat(on(report, "OpenIngress", "PublicLoadBalancerSg").acknowledgement()).isNull();
    assertThat(report.passed()).isTrue();
  }

  @Test
  void an_acknowledgement_without_a_reason_is_high_and_acknowledges_nothing() {
    for (String reason : new String[] {null, "ok", "by design"}) {
      ValidationReport report = validator.validate("t.yaml", template(acknowledge("OpenIngress", "BastionSg", reason)));

      assertThat(report.passed()).as("reason %s", reason).isFalse();
      assertThat(on(report, "OpenIngress", "BastionSg").acknowledgement()).isNull();
      Finding problem = on(report, "AcknowledgementWithoutReason", "Metadata.Gantry.Acknowledgements");
      assertThat(problem.severity()).isEqualTo(Severity.HIGH);
      assertThat(problem.path()).containsExactly("Metadata", "Gantry", "Acknowledgements", "0");
    }
  }

  @Test
  void an_error_cannot_be_acknowledged() {
    String template = acknowledge("UnknownReference", null, "We know the reference is missing, it is fine")
        + "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Ref Missing\n";

    ValidationReport report = validator.validate("t.yaml", template);

    assertThat(report.passed()).isFalse();
    assertThat(on(report, "UnknownReference", "Topic").acknowledgement()).isNull();
    assertThat(on(report, "AcknowledgementOfError", "Metadata.Gantry.Acknowledgements").severity()).isEqualTo(Severity.MEDIUM);
  }

  @Test
  void unknown_rules_unknown_resources_and_unused_acknowledgements_are_medium_findings() {
    String metadata = """
        Metadata:
          Gantry:
            Acknowledgements:
              - Rule: NoSuchRule
                Reason: A rule id that Gantry does not have
              - Rule: OpenIngress
                Resource: GhostSg
                Reason: The resource is not in this template
              - Rule: PublicDatabase
                Reason: There is no database in this template at all
              - Reason: An acknowledgement that names no rule
        """;

    ValidationReport report = validator.validate("t.yaml", template(metadata));

    assertThat(report.findings()).filteredOn(f -> f.rule().startsWith("Acknowledgement"))
        .extracting(Finding::rule, Finding::severity, f -> f.path().get(3))
        .containsExactly(
            tuple("AcknowledgementUnknownRule", Severity.MEDIUM, "0"),
            tuple("AcknowledgementUnknownResource", Severity.MEDIUM, "1"),
            tuple("AcknowledgementUnused", Severity.MEDIUM, "2"),
            tuple("AcknowledgementMalformed", Severity.MEDIUM, "3"));
    assertThat(on(report, "OpenIngress", "BastionSg").blocks()).isTrue();
  }

  @Test
  void without_acknowledgements_the_findings_are_unchanged() {
    TemplateModel model = new TemplateModel("t.yaml", new TemplateParser().parse(template("")).root(),
        TemplateParser.Format.YAML, LineIndex.NONE);
    List<Finding> findings = List.of(new Finding(Severity.HIGH, "OpenIngress", "BastionSg", "m", "f"));

    assertThat(Acknowledgements.apply(model, findings)).isEqualTo(findings);
  }
}
