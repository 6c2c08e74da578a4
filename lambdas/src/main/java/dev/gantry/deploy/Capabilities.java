package dev.gantry.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The capabilities a template needs CloudFormation to be told about (AWS CloudFormation API
 * Reference, {@code CreateChangeSet}, parameter {@code Capabilities}):
 *
 * <ul>
 *   <li>{@code CAPABILITY_IAM} for IAM resources ({@code AWS::IAM::*}), for the roles SAM creates
 *       for its serverless resources, and for nested stacks, whose contents are not visible here;
 *   <li>{@code CAPABILITY_NAMED_IAM} when an IAM resource has a custom name ({@code RoleName},
 *       {@code UserName}, {@code GroupName}, {@code ManagedPolicyName}, {@code InstanceProfileName});
 *   <li>{@code CAPABILITY_AUTO_EXPAND} when the template has a {@code Transform} (SAM, language
 *       extensions, macros) or nested stacks.
 * </ul>
 */
public final class Capabilities {
  public static final String IAM = "CAPABILITY_IAM";
  public static final String NAMED_IAM = "CAPABILITY_NAMED_IAM";
  public static final String AUTO_EXPAND = "CAPABILITY_AUTO_EXPAND";

  private static final Set<String> IAM_TYPES = Set.of("AWS::IAM::AccessKey", "AWS::IAM::Group", "AWS::IAM::InstanceProfile",
      "AWS::IAM::ManagedPolicy", "AWS::IAM::Policy", "AWS::IAM::Role", "AWS::IAM::RolePolicy", "AWS::IAM::User",
      "AWS::IAM::UserToGroupAddition", "AWS::IAM::GroupPolicy", "AWS::IAM::UserPolicy");
  private static final Map<String, String> NAME_PROPERTIES = Map.of("AWS::IAM::Role", "RoleName", "AWS::IAM::User", "UserName",
      "AWS::IAM::Group", "GroupName", "AWS::IAM::ManagedPolicy", "ManagedPolicyName", "AWS::IAM::InstanceProfile",
      "InstanceProfileName");
  private static final String NESTED_STACK = "AWS::CloudFormation::Stack";
  private static final String SAM_PREFIX = "AWS::Serverless::";

  private Capabilities() {}

  /**
   * @param template a parsed template ({@link TemplateParser})
   * @return the capabilities it needs, in the order IAM, NAMED_IAM, AUTO_EXPAND; empty for none
   */
  public static List<String> required(JsonNode template) {
    boolean iam = false;
    boolean named = false;
    boolean expand = template.hasNonNull("Transform");
    for (Iterator<JsonNode> it = template.path("Resources").elements(); it.hasNext(); ) {
      JsonNode resource = it.next();
      String type = resource.path("Type").asText();
      if (IAM_TYPES.contains(type) || type.startsWith(SAM_PREFIX) || type.equals(NESTED_STACK)) {
        iam = true;
      }
      String nameProperty = NAME_PROPERTIES.get(type);
      if (nameProperty != null && resource.path("Properties").has(nameProperty)) {
        named = true;
      }
      if (type.equals(NESTED_STACK)) {
        expand = true;
      }
    }
    List<String> capabilities = new ArrayList<>();
    if (iam || named) {
      capabilities.add(IAM);
    }
    if (named) {
      capabilities.add(NAMED_IAM);
    }
    if (expand) {
      capabilities.add(AUTO_EXPAND);
    }
    return capabilities;
  }
}
