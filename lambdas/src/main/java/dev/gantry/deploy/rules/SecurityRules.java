package dev.gantry.deploy.rules;

import dev.gantry.deploy.Finding;
import dev.gantry.deploy.TemplateModel;
import dev.gantry.deploy.TemplateRule;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Security: what a compromised or careless author could slip into a template. Each family cites
 * its sources: {@link PolicyRules} (administrator access, privilege escalation, wildcards, public
 * trust and resource policies), {@link PublicAccessRules} (public buckets, function URLs, Lambda
 * permissions, databases; IAM user access keys) and {@link IngressRules} (security groups open to
 * the internet), with {@link ValueBounds} reporting a value too large to read whole. Values are read the way CloudFormation will evaluate them ({@link TemplateValues}),
 * so spelling a wildcard or a CIDR another way does not hide it.
 */
public final class SecurityRules implements TemplateRule {
  /** Every rule id the security families report. */
  public static final Set<String> RULE_IDS = ruleIds();

  private static final List<TemplateRule> FAMILIES =
      List.of(new PolicyRules(), new PublicAccessRules(), new IngressRules(), new ValueBounds());

  @Override
  public void check(TemplateModel template, List<Finding> findings) {
    LanguageExtensions.checkExpanded(template, FAMILIES, findings);
  }

  private static Set<String> ruleIds() {
    Set<String> ids = new HashSet<>();
    ids.addAll(PolicyRules.RULE_IDS);
    ids.addAll(PublicAccessRules.RULE_IDS);
    ids.addAll(IngressRules.RULE_IDS);
    ids.addAll(ValueBounds.RULE_IDS);
    return Set.copyOf(ids);
  }
}
