package dev.gantry.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a template must do to deploy through Gantry's CloudFormation service role, which creates
 * roles and users only with Gantry's permissions boundary attached and no other IAM identities or
 * managed policies (IAM User Guide, "Permissions boundaries for IAM entities": delegating with the
 * {@code iam:PermissionsBoundary} condition key). Checked before anyone approves, since
 * CloudFormation only finds out when it creates the resource, and then rolls the stack back.
 */
public final class BoundaryRequirements {
  /** Types that create roles or users and take a {@code PermissionsBoundary} property. */
  private static final Set<String> BOUNDED = Set.of("AWS::IAM::Role", "AWS::IAM::User");
  /** SAM types that create a role unless given one, bounded by {@code PermissionsBoundary} (also from {@code Globals}). */
  private static final Map<String, String> SAM_GLOBALS = Map.of(
      "AWS::Serverless::Function", "Function", "AWS::Serverless::StateMachine", "StateMachine");
  /** IAM types the service role cannot create. */
  private static final Set<String> REFUSED = Set.of("AWS::IAM::ManagedPolicy", "AWS::IAM::Group", "AWS::IAM::InstanceProfile",
      "AWS::IAM::AccessKey", "AWS::IAM::UserToGroupAddition", "AWS::IAM::GroupPolicy", "AWS::IAM::OIDCProvider",
      "AWS::IAM::SAMLProvider", "AWS::IAM::ServiceLinkedRole", "AWS::IAM::VirtualMFADevice");

  private BoundaryRequirements() {}

  /**
   * @param template a parsed template
   * @return one line per resource the service role would refuse, empty when it deploys
   */
  public static List<String> violations(JsonNode template) {
    List<String> violations = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = template.path("Resources").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> resource = it.next();
      String id = resource.getKey();
      String type = resource.getValue().path("Type").asText();
      JsonNode properties = resource.getValue().path("Properties");
      if (BOUNDED.contains(type) && !properties.has("PermissionsBoundary")) {
        violations.add(id + " (" + type + ") has no PermissionsBoundary");
      } else if (SAM_GLOBALS.containsKey(type) && !properties.has("Role") && !properties.has("PermissionsBoundary")
          && !template.path("Globals").path(SAM_GLOBALS.get(type)).has("PermissionsBoundary")) {
        violations.add(id + " (" + type + ") creates a role without PermissionsBoundary");
      } else if (REFUSED.contains(type)) {
        violations.add(id + " (" + type + ") is not an IAM resource Gantry may create: use roles with inline Policies");
      }
    }
    return violations;
  }
}
