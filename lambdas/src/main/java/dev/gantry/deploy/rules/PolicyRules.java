package dev.gantry.deploy.rules;

import static dev.gantry.deploy.rules.TemplateValues.append;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.deploy.Finding;
import dev.gantry.deploy.Finding.Severity;
import dev.gantry.deploy.TemplateModel;
import dev.gantry.deploy.TemplateRule;
import dev.gantry.deploy.rules.TemplateValues.Document;
import dev.gantry.deploy.rules.TemplateValues.Located;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * IAM policies wherever a template writes them: inline role, user and group policies, {@code
 * AWS::IAM::Policy} and {@code ManagedPolicy}, SAM function {@code Policies}, trust policies, and
 * resource policies (buckets, queues, topics, keys, secrets, repositories, domains …), whether a
 * document is a mapping, JSON text, or JSON text built with {@code Fn::Join} or {@code Fn::Sub}.
 * Actions are compared case-insensitively with IAM's wildcards.
 *
 * <ul>
 *   <li>HIGH {@code IamAdministratorAccess}: the AWS managed policy AdministratorAccess is attached
 *       (Security Hub IAM.1).
 *   <li>HIGH {@code IamWildcardAction}: {@code Allow} of {@code *} (or {@code *:*}) on {@code *}
 *       (Security Hub IAM.1); MEDIUM on named resources.
 *   <li>HIGH {@code IamNotAction}: {@code Allow} with {@code NotAction} allows everything not listed
 *       (IAM User Guide, "IAM JSON policy elements: NotAction").
 *   <li>HIGH {@code IamPrivilegeEscalation}: {@code iam:*}, a permission that lets a principal grant
 *       itself more on every role, user or policy ({@code iam:PutRolePolicy}, {@code
 *       iam:CreatePolicyVersion} …), the AWS managed policy IAMFullAccess, or {@code iam:PassRole} on
 *       every role with an action that runs code as the passed role ({@code lambda:CreateFunction},
 *       {@code ec2:RunInstances} …). IAM User Guide, "IAM Access Analyzer policy check reference"
 *       ("PassRole with star in resource") and "Grant a user permissions to pass a role to an AWS
 *       service"; Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and Mitigation". A
 *       condition on {@code iam:PermissionsBoundary} keeps role and user changes within the boundary
 *       (IAM User Guide, "Permissions boundaries for IAM entities").
 *   <li>MEDIUM {@code IamServiceWildcardAction}: every action of one service, e.g. {@code s3:*}
 *       (Security Hub IAM.21).
 *   <li>MEDIUM {@code IamWildcardResource}: data-plane actions ({@code s3:GetObject}, {@code
 *       dynamodb:*Item} …) on {@code "Resource": "*"} (IAM User Guide, "Security best practices in
 *       IAM": apply least-privilege permissions).
 *   <li>HIGH {@code PublicRoleTrust}: a trust policy any principal may use ({@code *}, {@code
 *       {"AWS": "*"}}) without a condition naming an account, organization or source, or a GitHub
 *       or Cognito federation without the subject or audience condition that ties it to one
 *       repository or identity pool (IAM User Guide, "Configuring a role for GitHub OIDC identity
 *       provider").
 *   <li>HIGH {@code PublicPrincipal}: a resource policy allowing anyone ({@code Principal: "*"},
 *       {@code {"AWS": "*"}}, {@code NotPrincipal}) without a restricting condition (AWS Config rules
 *       s3-bucket-policy-grantee-check, sqs-queue-no-public-access, sns-topic-no-public-access:
 *       "to be considered non-public, a policy must grant access only to fixed values"). A condition
 *       restricts only with a positive operator on {@code aws:SourceArn}, {@code aws:SourceAccount},
 *       {@code aws:PrincipalOrgID}, {@code aws:SourceVpce} … and values without wildcards; {@code
 *       StringLike aws:SourceArn: "*"}, {@code …IfExists}, negated operators and an empty {@code
 *       Condition} restrict nothing. API Gateway resource policies (REST APIs and private custom
 *       domain names, {@code AWS::ApiGateway::DomainNameV2}) are left out: a public API is a design
 *       choice its authorizers guard, and a private API or domain is reached only through the VPC
 *       endpoints its policy names (API Gateway Developer Guide, "Custom domain names for private
 *       APIs").
 *   <li>LOW {@code VpcEndpointFullAccess}: a gateway or interface VPC endpoint with the default
 *       full-access policy, written or implied (AWS PrivateLink Guide, "Control access to VPC
 *       endpoints using endpoint policies"). Not a public principal: only callers inside the VPC use
 *       an endpoint.
 *   <li>MEDIUM {@code PolicyNotAnalyzed}: a policy document Gantry cannot read before deployment
 *       (a {@code Ref} without default, {@code Fn::ImportValue}, text that is not JSON); review it by
 *       hand.
 * </ul>
 */
public final class PolicyRules implements TemplateRule {
  static final Set<String> RULE_IDS =
      Set.of(
          "IamAdministratorAccess", "IamWildcardAction", "IamNotAction", "IamPrivilegeEscalation",
          "IamServiceWildcardAction", "IamWildcardResource", "PublicRoleTrust", "PublicPrincipal",
          "VpcEndpointFullAccess", "PolicyNotAnalyzed");

  /** Properties that hold a policy document. */
  private static final Set<String> DOCUMENT_KEYS =
      Set.of(
          "policydocument", "assumerolepolicydocument", "keypolicy", "accesspolicies", "resourcepolicy",
          "repositorypolicytext", "policytext", "inlinepolicy", "filesystempolicy", "accesspolicy", "policy");

  /** Resource policies left to the API's own authorization. */
  private static final Set<String> API_TYPES =
      Set.of("AWS::ApiGateway::RestApi", "AWS::Serverless::Api", "AWS::ApiGateway::DomainNameV2");

  /** Condition keys that, with a fixed value, narrow who may use a grant to everyone. */
  private static final Set<String> RESTRICTING_KEYS =
      Set.of(
          "aws:sourcearn", "aws:sourceaccount", "aws:sourceowner", "aws:sourceorgid", "aws:sourceorgpaths",
          "aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn",
          "aws:sourcevpce", "aws:sourcevpc", "aws:sourceip", "aws:vpcsourceip", "aws:userid", "aws:username",
          "kms:calleraccount", "s3:dataaccesspointaccount", "s3:dataaccesspointarn");

  private enum Kind {
    TRUST,
    ENDPOINT,
    API,
    OTHER
  }

  @Override
  public void check(TemplateModel template, List<Finding> findings) {
    TemplateValues values = new TemplateValues(template.root());
    for (Iterator<Map.Entry<String, JsonNode>> it = template.resources().fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> resource = it.next();
      Resource r = new Resource(resource.getKey(), resource.getValue().path("Type").asText(), values, findings);
      List<String> propertiesPath = List.of("Resources", r.id, "Properties");
      JsonNode properties = resource.getValue().path("Properties");
      r.walk(properties, propertiesPath, null);
      if (r.type.equals("AWS::EC2::VPCEndpoint") && !properties.has("PolicyDocument")) {
        String endpointType = properties.path("VpcEndpointType").asText("Gateway");
        if (endpointType.equals("Gateway") || endpointType.equals("Interface")) {
          findings.add(
              new Finding(
                  Severity.LOW, "VpcEndpointFullAccess", r.id,
                  "VPC endpoint " + r.id + " has no PolicyDocument, so the default policy allows every action on every resource through it",
                  "add a PolicyDocument allowing only the actions and resources the VPC uses through it, e.g. s3:GetObject on your buckets")
                  .at(append(List.of("Resources", r.id), properties.isMissingNode() ? "Type" : "Properties")));
        }
      }
      r.passRoleFindings();
    }
  }

  /** The checks of one resource, which gathers iam:PassRole and its targets across its policies. */
  private static final class Resource {
    private final String id;
    private final String type;
    private final TemplateValues values;
    private final List<Finding> findings;
    private List<String> passRolePath;
    private final Set<String> passRoleTargets = new LinkedHashSet<>();

    Resource(String id, String type, TemplateValues values, List<Finding> findings) {
      this.id = id;
      this.type = type;
      this.values = values;
      this.findings = findings;
    }

    void walk(JsonNode node, List<String> path, String key) {
      if (node.isArray()) {
        for (int i = 0; i < node.size(); i++) {
          walk(node.get(i), append(path, String.valueOf(i)), key);
        }
        return;
      }
      if (!node.isObject()) {
        return;
      }
      if (TemplateValues.isIntrinsic(node)) {
        if (node.has("Fn::If") && node.get("Fn::If").size() == 3) {
          walk(node.get("Fn::If").get(1), append(path, "Fn::If", "1"), key);
          walk(node.get("Fn::If").get(2), append(path, "Fn::If", "2"), key);
        }
        return;
      }
      if (TemplateValues.field(node, "Statement") != null) {
        document(new Document(node, path, true), key);
        return;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        String name = field.getKey();
        JsonNode value = field.getValue();
        List<String> at = append(path, name);
        String lower = name.toLowerCase(Locale.ROOT);
        if (DOCUMENT_KEYS.contains(lower) && !(value.isObject() && !TemplateValues.isIntrinsic(value))) {
          List<Document> documents = values.documents(value, at);
          if (documents.isEmpty() && !value.isNull() && !values.strings(value).isEmpty()
              && !(value.isTextual() && value.asText().isBlank())) {
            findings.add(
                new Finding(
                    Severity.MEDIUM, "PolicyNotAnalyzed", id,
                    "the " + name + " of " + id + " is not a policy document Gantry can read before deployment",
                    "write the policy in the template as a mapping, so it can be checked, or review it by hand")
                    .at(at));
          }
          documents.forEach(d -> document(d, name));
          continue;
        }
        if (lower.contains("polic")) {
          managedPolicies(value, at, name);
        }
        walk(value, at, name);
      }
    }

    /** AWS managed policies named by ARN, or by name in SAM {@code Policies}. */
    private void managedPolicies(JsonNode value, List<String> at, String key) {
      for (Located located : values.located(value, at)) {
        String v = located.value().strip().toLowerCase(Locale.ROOT);
        boolean byName = key.equalsIgnoreCase("Policies");
        if (v.endsWith(":iam::aws:policy/administratoraccess") || byName && v.equals("administratoraccess")) {
          findings.add(
              new Finding(
                  Severity.HIGH, "IamAdministratorAccess", id,
                  id + " is given the AWS managed policy AdministratorAccess: every action on every resource",
                  "replace it with a policy listing the actions and resources " + id + " uses")
                  .at(located.path()));
        } else if (v.endsWith(":iam::aws:policy/iamfullaccess") || byName && v.equals("iamfullaccess")) {
          findings.add(
              new Finding(
                  Severity.HIGH, "IamPrivilegeEscalation", id,
                  id + " is given the AWS managed policy IAMFullAccess, with which it can grant itself any permission",
                  "remove IAMFullAccess; let the deployment, not the workload, manage IAM")
                  .at(located.path()));
        }
      }
    }

    private void document(Document document, String key) {
      Kind kind =
          "AssumeRolePolicyDocument".equalsIgnoreCase(key) ? Kind.TRUST
              : type.equals("AWS::EC2::VPCEndpoint") ? Kind.ENDPOINT
              : API_TYPES.contains(type) ? Kind.API
              : Kind.OTHER;
      Map.Entry<String, JsonNode> statements = TemplateValues.field(document.document(), "Statement");
      if (statements == null) {
        return;
      }
      List<String> base = document.exact() ? append(document.path(), statements.getKey()) : document.path();
      JsonNode list = statements.getValue();
      if (list.isArray()) {
        for (int i = 0; i < list.size(); i++) {
          statement(list.get(i), document.exact() ? append(base, String.valueOf(i)) : base, document.exact(), kind);
        }
      } else {
        statement(list, base, document.exact(), kind);
      }
    }

    private void statement(JsonNode node, List<String> path, boolean exact, Kind kind) {
      if (TemplateValues.isIntrinsic(node) && node.has("Fn::If") && node.get("Fn::If").size() == 3) {
        statement(node.get("Fn::If").get(1), exact ? append(path, "Fn::If", "1") : path, exact, kind);
        statement(node.get("Fn::If").get(2), exact ? append(path, "Fn::If", "2") : path, exact, kind);
        return;
      }
      Statement s = new Statement(node, path, exact, values);
      if (!s.allows()) {
        return;
      }
      switch (kind) {
        case TRUST -> trust(s);
        case ENDPOINT -> endpoint(s);
        case API -> { }
        case OTHER -> {
          if (s.has("Principal") || s.has("NotPrincipal")) {
            resourcePolicy(s);
          } else {
            identity(s);
          }
        }
      }
    }

    /**
     * Whether a resource pattern matches every ARN: {@code *}, or an ARN whose service, region,
     * account and resource are all wildcards ({@code arn:*}, {@code arn:aws:*:*:*:*}).
     */
    private static boolean everyArn(String resource) {
      if (resource.equals("*")) {
        return true;
      }
      String[] parts = resource.split(":", 6);
      if (parts.length < 2 || !parts[0].equals("arn")) {
        return false;
      }
      if (parts.length == 2) {
        return parts[1].equals("*");
      }
      for (int i = 2; i < parts.length; i++) {
        if (!parts[i].equals("*") && !parts[i].isEmpty()) {
          return false;
        }
      }
      return parts[1].equals("*") || parts[1].startsWith("aws") || parts[1].startsWith("${aws::partition}");
    }

    private void identity(Statement s) {
      List<String> actions = s.lower("Action");
      List<String> resources = s.lower("Resource");
      boolean everyResource = s.has("NotResource") || resources.stream().anyMatch(resource -> everyArn(resource));
      boolean everyIamResource = everyResource || resources.stream().anyMatch(Resource::everyOfAType);
      boolean reported = false;
      if (s.has("NotAction")) {
        findings.add(
            new Finding(
                Severity.HIGH, "IamNotAction", id,
                id + " allows every action except " + shortList(s.texts("NotAction")) + " (Allow with NotAction)",
                "allow an explicit list of actions instead of NotAction")
                .at(s.at("NotAction")));
        reported = true;
      }
      Located everything = s.located("Action").stream()
          .filter(a -> IamActions.everything(a.value())).findFirst().orElse(null);
      if (everything != null) {
        findings.add(
            new Finding(
                everyResource ? Severity.HIGH : Severity.MEDIUM, "IamWildcardAction", id,
                id + " allows every action (\"" + everything.value() + "\") on "
                    + (everyResource ? "every resource: administrator access" : shortList(s.texts("Resource"))),
                "list the actions the workload calls, e.g. dynamodb:GetItem, dynamodb:PutItem")
                .at(everything.path()));
        reported |= everyResource;
      }
      Located iamAll = s.located("Action").stream()
          .filter(a -> "iam".equals(IamActions.wholeService(a.value()))).findFirst().orElse(null);
      if (iamAll != null && everything == null) {
        findings.add(
            new Finding(
                Severity.HIGH, "IamPrivilegeEscalation", id,
                id + " allows every IAM action (\"" + iamAll.value() + "\"), so it can grant itself any permission",
                "list the IAM actions needed on named roles, or let the deployment, not the workload, manage IAM")
                .at(iamAll.path()));
        reported = true;
      }
      for (Located a : s.located("Action")) {
        String service = IamActions.wholeService(a.value());
        if (service != null && !service.equals("iam")) {
          findings.add(
              new Finding(
                  Severity.MEDIUM, "IamServiceWildcardAction", id,
                  id + " allows every action of " + service + " (\"" + a.value() + "\")",
                  "list the " + service + " actions the workload calls")
                  .at(a.path()));
        }
      }
      if (everything == null && iamAll == null) {
        List<String> escalation = new ArrayList<>(IamActions.allowed(actions, IamActions.ESCALATION));
        if (s.boundedByPermissionsBoundary()) {
          escalation.removeAll(IamActions.BOUNDED_BY_CONDITION);
        }
        if (everyIamResource && !escalation.isEmpty()) {
          findings.add(
              new Finding(
                  Severity.HIGH, "IamPrivilegeEscalation", id,
                  id + " allows " + shortList(escalation) + " on every "
                      + (escalation.stream().allMatch(e -> e.startsWith("lambda:")) ? "function" : "role, user or policy")
                      + ", with which it can grant itself more permissions",
                  "remove these actions, or scope them to named resources and add a permissions boundary condition (iam:PermissionsBoundary)")
                  .at(s.at("Action")));
          reported = true;
        }
        if (everyIamResource && IamActions.allowed(actions, List.of("iam:passrole")).size() == 1 && passRolePath == null) {
          passRolePath = s.at("Action");
        }
        passRoleTargets.addAll(IamActions.allowed(actions, IamActions.PASS_ROLE_TARGETS));
      }
      if (everyResource && !reported) {
        List<String> data = IamActions.allowed(actions, IamActions.DATA_PLANE);
        if (!data.isEmpty()) {
          findings.add(
              new Finding(
                  Severity.MEDIUM, "IamWildcardResource", id,
                  id + " allows " + shortList(data) + " on every resource (\"Resource\": \"*\")",
                  "scope Resource to the ARNs the workload uses, e.g. !GetAtt Table.Arn or !Sub \"${Bucket.Arn}/*\"")
                  .at(s.at(s.has("NotResource") ? "NotResource" : "Resource")));
        }
      }
    }

    /** Whether an ARN names every resource of a type ({@code arn:aws:iam::123456789012:role/*}). */
    private static boolean everyOfAType(String resource) {
      String[] parts = resource.split(":", 6);
      if (parts.length < 6 || !parts[0].equals("arn")) {
        return false;
      }
      String name = parts[5].replaceFirst("^[a-z-]+[/:]", "");
      return name.replace("*", "").isEmpty();
    }

    void passRoleFindings() {
      if (passRolePath != null && !passRoleTargets.isEmpty()) {
        findings.add(
            new Finding(
                Severity.HIGH, "IamPrivilegeEscalation", id,
                id + " allows iam:PassRole on every role together with " + shortList(List.copyOf(passRoleTargets))
                    + ", so it can run code as any role",
                "scope iam:PassRole to the one role it passes (and iam:PassedToService), or drop the actions that use it")
                .at(passRolePath));
      }
    }

    private void trust(Statement s) {
      if (s.publicPrincipal() && !s.restricted()) {
        findings.add(
            new Finding(
                Severity.HIGH, "PublicRoleTrust", id,
                "role " + id + " trusts any AWS principal (" + s.principalText() + ") without a condition naming an account or organization",
                "trust a named account, role or service principal, or add a condition such as aws:PrincipalOrgID")
                .at(s.at(s.has("NotPrincipal") ? "NotPrincipal" : "Principal")));
        return;
      }
      for (String federated : s.principals("Federated")) {
        String provider = federated.toLowerCase(Locale.ROOT);
        String claim =
            provider.contains("token.actions.githubusercontent.com") ? "token.actions.githubusercontent.com:sub"
                : provider.equals("cognito-identity.amazonaws.com") ? "cognito-identity.amazonaws.com:aud"
                : null;
        if (claim != null && !s.restricted(Set.of(claim))) {
          findings.add(
              new Finding(
                  Severity.HIGH, "PublicRoleTrust", id,
                  "role " + id + " trusts " + TemplateValues.readable(federated) + " without a fixed " + claim
                      + " condition, so any " + (claim.endsWith(":sub") ? "GitHub repository" : "identity pool") + " may assume it",
                  "add a StringEquals or StringLike condition on " + claim + " naming your "
                      + (claim.endsWith(":sub") ? "repository, e.g. repo:org/app:ref:refs/heads/main" : "identity pool id"))
                  .at(s.at("Principal")));
        }
      }
    }

    private void endpoint(Statement s) {
      if (s.publicPrincipal() && s.lower("Action").stream().anyMatch(IamActions::everything)
          && (s.lower("Resource").contains("*") || s.has("NotResource"))) {
        findings.add(
            new Finding(
                Severity.LOW, "VpcEndpointFullAccess", id,
                "the policy of VPC endpoint " + id + " allows every action on every resource, as the default policy does",
                "allow only the actions and resources the VPC uses through the endpoint")
                .at(s.at("Action")));
      }
    }

    private void resourcePolicy(Statement s) {
      if (s.publicPrincipal() && !s.restricted()) {
        findings.add(
            new Finding(
                Severity.HIGH, "PublicPrincipal", id,
                id + " allows anyone (" + s.principalText() + ") to " + shortList(s.texts("Action"))
                    + (s.has("Condition") ? " under a condition that restricts nothing" : " without a condition"),
                "name the account, role or service principals, or add a fixed condition such as aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID")
                .at(s.at(s.has("NotPrincipal") ? "NotPrincipal" : "Principal")));
      }
    }
  }

  /** One policy statement read through {@link TemplateValues}. */
  private static final class Statement {
    private final JsonNode node;
    private final List<String> path;
    private final boolean exact;
    private final TemplateValues values;

    Statement(JsonNode node, List<String> path, boolean exact, TemplateValues values) {
      this.node = node;
      this.path = path;
      this.exact = exact;
      this.values = values;
    }

    boolean has(String element) {
      Map.Entry<String, JsonNode> f = TemplateValues.field(node, element);
      return f != null && !f.getValue().isNull();
    }

    /** The path of {@code element}: precise in a mapping, the document's in parsed text. */
    List<String> at(String element) {
      Map.Entry<String, JsonNode> f = TemplateValues.field(node, element);
      return exact && f != null ? append(path, f.getKey()) : path;
    }

    List<Located> located(String element) {
      Map.Entry<String, JsonNode> f = TemplateValues.field(node, element);
      if (f == null) {
        return List.of();
      }
      List<Located> located = values.located(f.getValue(), at(element));
      return exact ? located
          : located.stream().map(l -> new Located(l.value(), path)).toList();
    }

    List<String> lower(String element) {
      return located(element).stream().map(l -> l.value().strip().toLowerCase(Locale.ROOT)).toList();
    }

    /** The values of {@code element} as written, for a message. */
    List<String> texts(String element) {
      return located(element).stream().map(l -> TemplateValues.readable(l.value().strip())).toList();
    }

    boolean allows() {
      return lower("Effect").contains("allow");
    }

    /** The principal strings of one kind ({@code AWS}, {@code Federated} …) in {@code Principal}. */
    List<String> principals(String kind) {
      Map.Entry<String, JsonNode> f = TemplateValues.field(node, "Principal");
      if (f == null) {
        return List.of();
      }
      Map.Entry<String, JsonNode> of = TemplateValues.field(f.getValue(), kind);
      return of == null ? List.of() : values.strings(of.getValue());
    }

    /** Whether the statement applies to anyone: {@code *}, {@code {"AWS": "*"}}, any account, or {@code NotPrincipal}. */
    boolean publicPrincipal() {
      if (has("NotPrincipal")) {
        return true;
      }
      Map.Entry<String, JsonNode> f = TemplateValues.field(node, "Principal");
      if (f == null) {
        return false;
      }
      List<String> all = new ArrayList<>(values.strings(f.getValue()));
      for (String kind : List.of("AWS", "CanonicalUser", "Federated")) {
        all.addAll(principals(kind));
      }
      return all.stream().map(String::strip).anyMatch(p -> p.equals("*") || p.matches("(?i)arn:[^:]*:iam::\\*:.*"));
    }

    String principalText() {
      if (has("NotPrincipal")) {
        return "NotPrincipal";
      }
      JsonNode p = TemplateValues.field(node, "Principal").getValue();
      return p.isTextual() ? "Principal: \"" + p.asText() + "\"" : "Principal: " + p;
    }

    boolean restricted() {
      return restricted(RESTRICTING_KEYS);
    }

    /** Whether the condition narrows the statement through one of {@code keys} with fixed values. */
    boolean restricted(Set<String> keys) {
      Map.Entry<String, JsonNode> condition = TemplateValues.field(node, "Condition");
      if (condition == null || !condition.getValue().isObject()) {
        return false;
      }
      for (Iterator<Map.Entry<String, JsonNode>> ops = condition.getValue().fields(); ops.hasNext(); ) {
        Map.Entry<String, JsonNode> op = ops.next();
        String operator = op.getKey().toLowerCase(Locale.ROOT).replaceFirst("^foranyvalue:", "");
        boolean positive =
            List.of("stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress")
                .contains(operator);
        if (!positive || !op.getValue().isObject()) {
          continue; // negated, …IfExists, ForAllValues, Null and Bool operators narrow nothing here
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = op.getValue().fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> entry = it.next();
          String key = entry.getKey().toLowerCase(Locale.ROOT);
          List<String> candidates = values.strings(entry.getValue());
          if (keys.contains(key) && !candidates.isEmpty()
              && candidates.stream().allMatch(v -> fixed(key, v.strip()))) {
            return true;
          }
        }
      }
      return false;
    }

    /** Whether a condition value names something: no wildcard where it matters, not every address. */
    private static boolean fixed(String key, String value) {
      if (value.isEmpty()) {
        return false;
      }
      if (key.equals("aws:sourceip") || key.equals("aws:vpcsourceip")) {
        IpRanges.Range range = IpRanges.parse(value);
        return range != null && !IpRanges.internetWide(List.of(range));
      }
      if (key.endsWith(":sub") && value.startsWith("repo:")) {
        return value.matches("repo:[^*?/:]+/[^*?:]+.*"); // a named owner and repository; refs may vary
      }
      String[] arn = value.split(":", 6);
      if (arn.length == 6 && arn[0].equalsIgnoreCase("arn")) {
        String account = arn[4];
        String name = arn[5];
        return account.isEmpty()
            ? !name.isEmpty() && !name.startsWith("*") && !name.startsWith("?")
            : !account.contains("*") && !account.contains("?");
      }
      return !value.contains("*") && !value.contains("?");
    }

    /** Whether role and user changes are held within a permissions boundary by a condition. */
    boolean boundedByPermissionsBoundary() {
      return restricted(Set.of("iam:permissionsboundary"));
    }
  }

  private static String shortList(List<String> items) {
    List<String> distinct = List.copyOf(new LinkedHashSet<>(items));
    if (distinct.isEmpty()) {
      return "(nothing)";
    }
    return distinct.size() <= 4 ? String.join(", ", distinct)
        : String.join(", ", distinct.subList(0, 4)) + " and " + (distinct.size() - 4) + " more";
  }
}
