package dev.gantry.deploy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.deploy.Finding;
import dev.gantry.deploy.TemplateValidator;
import dev.gantry.deploy.ValidationReport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Templates a compromised or careless model could write (src/test/resources/templates/risky, each
 * named for what it does wrong): every one is blocked, by the rule that names the problem.
 */
class RiskyTemplatesTest {
  private final TemplateValidator validator = new TemplateValidator();

  @ParameterizedTest(name = "{0} is blocked by {1}")
  @CsvSource({
    "admin-managed-policy-arn.yaml, IamAdministratorAccess",
    "admin-managed-policy-sub-partition.yaml, IamAdministratorAccess",
    "admin-managed-policy-join.yaml, IamAdministratorAccess",
    "sam-function-admin-policy.yaml, IamAdministratorAccess",
    "wildcard-action-json-string-policy.yaml, IamWildcardAction",
    "wildcard-action-join-policy.json, IamWildcardAction",
    "wildcard-action-sub-policy.yaml, IamWildcardAction",
    "iam-star-inline-policy.yaml, IamPrivilegeEscalation",
    "not-action-allow.yaml, IamNotAction",
    "passrole-and-create-function.yaml, IamPrivilegeEscalation",
    "iam-wildcard-role-actions.yaml, IamPrivilegeEscalation",
    "create-policy-version-mixed-case.yaml, IamPrivilegeEscalation",
    "trust-any-principal.yaml, PublicRoleTrust",
    "trust-github-oidc-any-repository.yaml, PublicRoleTrust",
    "iam-user-access-key.yaml, IamUserAccessKey",
    "bucket-policy-public-read.yaml, PublicPrincipal",
    "bucket-policy-condition-restricts-nothing.yaml, PublicPrincipal",
    "queue-policy-public-empty-condition.yaml, PublicPrincipal",
    "topic-policy-public-json-string.yaml, PublicPrincipal",
    "lambda-permission-public.yaml, PublicPrincipal",
    "bucket-public-read-acl.yaml, S3PublicAccess",
    "bucket-block-public-access-false-string.yaml, S3PublicAccess",
    "ssh-open-ipv6-zero-spelled-out.yaml, OpenIngress",
    "rdp-open-split-cidrs.yaml, OpenIngress",
    "mysql-open-fn-select.yaml, OpenIngress",
    "all-traffic-protocol-minus-one.yaml, OpenIngress",
    "postgres-open-parameter-default.yaml, OpenIngress",
    "redis-open-port-range.yaml, OpenIngress",
    "function-url-auth-none.yaml, PublicFunctionUrl",
    "sam-function-url-auth-none.yaml, PublicFunctionUrl",
    "rds-publicly-accessible-string.yaml, PublicDatabase",
  })
  void each_risky_template_is_blocked_by_the_rule_naming_its_problem(String file, String rule) throws IOException {
    ValidationReport report = validator.validate(file, read(file));

    assertThat(report.passed()).as("%s passes: %s", file, report.findings()).isFalse();
    assertThat(report.findings())
        .as("%s: %s", file, report.findings())
        .filteredOn(Finding::blocks)
        .extracting(Finding::rule)
        .contains(rule)
        .doesNotContain("UnknownReference", "TemplateSyntax");
  }

  static String read(String file) throws IOException {
    try (InputStream in = RiskyTemplatesTest.class.getResourceAsStream("/templates/risky/" + file)) {
      assertThat(in).as(file).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
