package dev.gantry.deploy.rules;

import static dev.gantry.deploy.rules.TemplateValues.append;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.deploy.Finding;
import dev.gantry.deploy.Finding.Severity;
import dev.gantry.deploy.TemplateModel;
import dev.gantry.deploy.TemplateRule;
import dev.gantry.deploy.spec.DidYouMean;
import dev.gantry.deploy.spec.PropertyType;
import dev.gantry.deploy.spec.ResourceSpecification;
import dev.gantry.deploy.spec.ResourceType;
import dev.gantry.deploy.spec.ServerlessSupplement;
import dev.gantry.deploy.spec.Shape;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks resources against the CloudFormation resource specification ({@link
 * ResourceSpecification}): the resource type exists; every property exists, at any depth the
 * specification describes (did-you-mean for misspellings); required properties are present; each
 * value has the right shape (a string, number, integer, boolean, list, mapping or object of a
 * property type); every {@code Fn::GetAtt} (and {@code ${Resource.Attribute}} in {@code Fn::Sub})
 * names an attribute of its target's type. These findings are {@link Severity#ERROR}: CloudFormation
 * refuses such a template. A literal string or number that is not among the values the database
 * allows for its property ({@value #VALUE_NOT_ALLOWED}) is {@link Severity#MEDIUM}: the database's
 * lists are partial and may lag behind a service, so a team may acknowledge the finding.
 *
 * <p>What is not checked, and why:
 *
 * <ul>
 *   <li>Patterns, lengths and minimum/maximum: the CloudFormation registry schemas have them, this
 *       database does not. It has allowed values for some strings and integers only (S3 {@code
 *       AccessControl} has them, Lambda {@code Runtime} not): those are checked, case-sensitively as
 *       CloudFormation compares them; a number is compared by value ({@code 1.0} matches {@code 1}).
 *   <li>Intrinsic functions ({@code Ref}, {@code Fn::*}, {@code Condition}) stand for any value; of
 *       {@code Fn::If} each branch is checked, and {@code Ref: AWS::NoValue} removes the property. A
 *       required property one branch of an {@code Fn::If} removes is not reported.
 *   <li>{@code Custom::*} and {@code AWS::CloudFormation::CustomResource} take any properties and
 *       attributes, and so does {@code AWS::CDK::Metadata}; types from other registries ({@code
 *       MongoDB::Atlas::Cluster}) and modules ({@code ::MODULE}) are not known here.
 *   <li>A template naming a macro other than AWS SAM and {@code AWS::LanguageExtensions} is not
 *       checked: the macro may declare its own types and rewrite any property (one {@link
 *       Severity#INFO} finding, {@value #NOT_CHECKED}, says so). An object holding {@code
 *       Fn::Transform} ({@code AWS::Include}) or {@code Fn::ForEach::*} may gain any property.
 *   <li>AWS SAM: {@code AWS::Serverless::*} properties are checked by name, required flag (a
 *       property set in {@code Globals} counts) and outer shape; their nested types are not, the
 *       database's SAM types being older than SAM ({@link ServerlessSupplement}). {@code Fn::GetAtt}
 *       on a SAM resource is checked against the resource SAM generates; names SAM generates
 *       ({@code HelloWorldFunctionRole}, {@code ServerlessRestApi}) are not declared resources and
 *       are left to the structure rules, like every undeclared target.
 *   <li>Resource types newer than the database's publish date are reported as unknown; the report
 *       names the database version and date ({@code ValidationReport.specification}).
 * </ul>
 *
 * <p>Sources: AWS CloudFormation User Guide, "Resource and property reference" (resource types,
 * property types, {@code Fn::GetAtt} return values), "Intrinsic function reference" ({@code Fn::If},
 * {@code AWS::NoValue}), "AWS::LanguageExtensions transform" ({@code Fn::ForEach}); AWS SAM
 * Developer Guide, "AWS SAM resources and properties" and "Globals section"; the database:
 * https://github.com/cdklabs/awscdk-service-spec, npm {@code @aws-cdk/aws-service-spec}.
 */
public final class SchemaRules implements TemplateRule {
  /** A resource type the specification does not have. */
  public static final String UNKNOWN_RESOURCE_TYPE = "SchemaUnknownResourceType";
  /** A property its resource type or property type does not have. */
  public static final String UNKNOWN_PROPERTY = "SchemaUnknownProperty";
  /** A required property left out. */
  public static final String MISSING_PROPERTY = "SchemaMissingProperty";
  /** A value of the wrong shape: a string where a list is required, a word where a number is. */
  public static final String PROPERTY_TYPE = "SchemaPropertyType";
  /** An {@code Fn::GetAtt} attribute the target's type does not have. */
  public static final String UNKNOWN_ATTRIBUTE = "SchemaUnknownAttribute";
  /** MEDIUM: a literal value not among the values the specification allows for its property. */
  public static final String VALUE_NOT_ALLOWED = "SchemaValueNotAllowed";
  /** INFO: the template names a macro, so its resources were not checked. */
  public static final String NOT_CHECKED = "SchemaNotChecked";

  private static final String LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions";
  private static final String CUSTOM_RESOURCE = "AWS::CloudFormation::CustomResource";
  /** Written by the CDK into every stack it synthesizes; CloudFormation accepts it, the specification lacks it. */
  private static final String CDK_METADATA = "AWS::CDK::Metadata";
  /**
   * Properties {@code aws cloudformation package} (and {@code sam package}) fill from a local path
   * (AWS CLI Command Reference, "cloudformation package"): a path there is a template not yet packaged.
   */
  private static final Set<String> PACKAGEABLE =
      Set.of(
          "AWS::Lambda::Function.Code", "AWS::Lambda::LayerVersion.Content",
          "AWS::ApiGateway::RestApi.BodyS3Location", "AWS::StepFunctions::StateMachine.DefinitionS3Location",
          "AWS::AppSync::GraphQLSchema.DefinitionS3Location",
          "AWS::AppSync::Resolver.RequestMappingTemplateS3Location",
          "AWS::AppSync::Resolver.ResponseMappingTemplateS3Location",
          "AWS::AppSync::FunctionConfiguration.RequestMappingTemplateS3Location",
          "AWS::AppSync::FunctionConfiguration.ResponseMappingTemplateS3Location",
          "AWS::ElasticBeanstalk::ApplicationVersion.SourceBundle", "AWS::Glue::Job.Command.ScriptLocation",
          "AWS::CodeCommit::Repository.Code.S3");
  private static final String FOR_EACH = "Fn::ForEach::";
  private static final Pattern CHECKED_TYPE = Pattern.compile("(AWS|Alexa)::[A-Za-z0-9]+::[A-Za-z0-9]+");
  private static final int LISTED_NAMES = 15;
  /** How many allowed values a {@value #VALUE_NOT_ALLOWED} message lists. */
  private static final int LISTED_VALUES = 8;

  private final Supplier<ResourceSpecification> specification;

  /** The rule with the specification on the classpath, loaded when the first template is checked. */
  public SchemaRules() {
    this(ResourceSpecification::get);
  }

  /** The rule with a given specification. */
  public SchemaRules(ResourceSpecification specification) {
    this(() -> specification);
  }

  private SchemaRules(Supplier<ResourceSpecification> specification) {
    this.specification = specification;
  }

  @Override
  public void check(TemplateModel template, List<Finding> findings) {
    new Run(specification.get(), template, findings).check();
  }

  /** One template's check. */
  private static final class Run {
    private final ResourceSpecification spec;
    private final TemplateModel template;
    private final List<Finding> findings;
    private final boolean sam;
    private final List<String> otherMacros;

    Run(ResourceSpecification spec, TemplateModel template, List<Finding> findings) {
      this.spec = spec;
      this.template = template;
      this.findings = findings;
      Set<String> transforms = template.transforms();
      this.sam = transforms.contains(ServerlessSupplement.TRANSFORM);
      this.otherMacros =
          transforms.stream()
              .filter(t -> !t.equals(ServerlessSupplement.TRANSFORM) && !t.equals(LANGUAGE_EXTENSIONS))
              .toList();
    }

    void check() {
      if (!otherMacros.isEmpty()) {
        findings.add(
            new Finding(
                Severity.INFO, NOT_CHECKED, "Transform",
                "the template names the macro " + String.join(", ", otherMacros) + ", which may rewrite any"
                    + " resource: its resources were not checked against the CloudFormation resource specification",
                "nothing to do; CloudFormation checks the template the macro returns")
                .at(List.of("Transform")));
        return;
      }
      JsonNode resources = template.resources();
      for (Map.Entry<String, JsonNode> entry : resources.properties()) {
        checkEntry(entry.getKey(), entry.getValue(), List.of("Resources", entry.getKey()));
      }
      for (Map.Entry<String, JsonNode> entry : resources.properties()) {
        JsonNode resource = entry.getValue();
        if (resource.isObject()) {
          for (Map.Entry<String, JsonNode> field : resource.properties()) {
            if (!field.getKey().equals("Metadata")) {
              walkAttributes(field.getValue(), List.of("Resources", entry.getKey(), field.getKey()));
            }
          }
        }
      }
      for (Map.Entry<String, JsonNode> output : template.root().path("Outputs").properties()) {
        walkAttributes(output.getValue(), List.of("Outputs", output.getKey()));
      }
    }

    /** A Resources entry: a resource, or (language extensions) an Fn::ForEach of resource fragments. */
    private void checkEntry(String key, JsonNode node, List<String> path) {
      if (key.startsWith(FOR_EACH)) {
        JsonNode fragments = node.path(2);
        for (Map.Entry<String, JsonNode> fragment : fragments.properties()) {
          checkEntry(fragment.getKey(), fragment.getValue(), append(path, "2", fragment.getKey()));
        }
      } else if (!key.startsWith("Fn::")) {
        checkResource(key, node, path);
      }
    }

    private void checkResource(String id, JsonNode resource, List<String> path) {
      JsonNode typeNode = resource.path("Type");
      if (!typeNode.isTextual()) {
        return; // the structure rules report a missing or malformed type
      }
      String type = typeNode.asText();
      if (type.startsWith("Custom::") || type.equals(CUSTOM_RESOURCE) || type.equals(CDK_METADATA)
          || !CHECKED_TYPE.matcher(type).matches()) {
        return;
      }
      boolean serverless = ServerlessSupplement.isServerless(type);
      Set<String> extra = ServerlessSupplement.extraProperties(type);
      Optional<ResourceType> known = spec.resourceType(type);
      JsonNode properties = resource.get("Properties");
      boolean hasProperties = properties != null && !properties.isNull();
      if (known.isEmpty()) {
        if (ServerlessSupplement.isMissingFromSpecification(type)) {
          if (hasProperties) {
            PropertyType names = PropertyType.namesOnly(type, extra);
            new ResourceCheck(id, type, false, Set.of(), Set.of(), spec.source().describe())
                .value(properties, new Shape.Ref(names), append(path, "Properties"), 0, findings);
          }
        } else {
          Optional<String> suggestion = spec.closestResourceType(type);
          findings.add(
              new Finding(
                  Severity.ERROR, UNKNOWN_RESOURCE_TYPE, location(append(path, "Type")),
                  "resource " + id + ": type '" + type + "' is not in the CloudFormation resource specification ("
                      + spec.source().describe() + ")",
                  suggestion.map(s -> "did you mean '" + s + "'?")
                      .orElse("use a type from the CloudFormation User Guide's resource and property reference"
                          + " (a type published after the specification's date is reported too)"))
                  .at(append(path, "Type")));
        }
        return;
      }
      ResourceType resourceType = known.get();
      Set<String> inGlobals = new HashSet<>();
      if (serverless && sam) {
        template.root().path("Globals").path(ServerlessSupplement.kind(type)).fieldNames()
            .forEachRemaining(inGlobals::add);
      }
      ResourceCheck check = new ResourceCheck(id, type, !serverless, extra, inGlobals, spec.source().describe());
      if (hasProperties) {
        check.value(properties, new Shape.Ref(resourceType.properties()), append(path, "Properties"), 0, findings);
      } else {
        check.missingProperties(resourceType.properties(), path, findings);
      }
    }

    // ---- Fn::GetAtt ---------------------------------------------------------------------------

    private void walkAttributes(JsonNode node, List<String> path) {
      if (node.isArray()) {
        for (int i = 0; i < node.size(); i++) {
          walkAttributes(node.get(i), append(path, Integer.toString(i)));
        }
        return;
      }
      if (!node.isObject()) {
        return;
      }
      if (node.size() == 1) {
        JsonNode getAtt = node.get("Fn::GetAtt");
        if (getAtt != null) {
          checkGetAtt(getAtt, append(path, "Fn::GetAtt"));
        }
        JsonNode sub = node.get("Fn::Sub");
        if (sub != null) {
          checkSub(sub, append(path, "Fn::Sub"));
        }
      }
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        walkAttributes(field.getValue(), append(path, field.getKey()));
      }
    }

    private void checkGetAtt(JsonNode argument, List<String> path) {
      if (argument.isArray() && argument.size() == 2 && argument.get(0).isTextual() && argument.get(1).isTextual()) {
        checkAttribute("Fn::GetAtt", argument.get(0).asText(), argument.get(1).asText(), path);
      } else if (argument.isTextual() && argument.asText().indexOf('.') > 0) {
        String text = argument.asText();
        int dot = text.indexOf('.');
        checkAttribute("Fn::GetAtt", text.substring(0, dot), text.substring(dot + 1), path);
      }
    }

    private void checkSub(JsonNode sub, List<String> path) {
      String text;
      Set<String> variables = new HashSet<>();
      if (sub.isTextual()) {
        text = sub.asText();
      } else if (sub.isArray() && sub.size() == 2 && sub.get(0).isTextual()) {
        text = sub.get(0).asText();
        sub.get(1).fieldNames().forEachRemaining(variables::add);
      } else {
        return;
      }
      Matcher m = StructureRules.SUB_VARIABLE.matcher(text);
      while (m.find()) {
        String variable = m.group(1).strip();
        int dot = variable.indexOf('.');
        if (dot > 0 && !variables.contains(variable) && !variables.contains(variable.substring(0, dot))) {
          checkAttribute("Fn::Sub", variable.substring(0, dot), variable.substring(dot + 1), path);
        }
      }
    }

    private void checkAttribute(String function, String target, String attribute, List<String> path) {
      JsonNode typeNode = template.resources().path(target).path("Type");
      if (!typeNode.isTextual()) {
        return; // not a declared resource: the structure rules report it
      }
      String type = typeNode.asText();
      if (type.startsWith("Custom::") || type.equals(CUSTOM_RESOURCE)) {
        return;
      }
      String lookup = type;
      if (ServerlessSupplement.isServerless(type)) {
        Optional<String> generated = ServerlessSupplement.generatedType(type);
        if (generated.isEmpty() || ServerlessSupplement.isReferable(type, attribute)) {
          return;
        }
        lookup = generated.get();
      }
      Optional<ResourceType> known = spec.resourceType(lookup);
      if (known.isEmpty() || known.get().hasAttribute(attribute)) {
        return;
      }
      ResourceType resourceType = known.get();
      String named = lookup.equals(type) ? type : type + " (through the " + lookup + " SAM generates)";
      String attributes = list(resourceType.attributes());
      Optional<String> suggestion = DidYouMean.closest(attribute, resourceType.attributes());
      String fix =
          resourceType.attributes().isEmpty()
              ? lookup + " has no attributes for Fn::GetAtt; use Ref " + target
              : suggestion.map(s -> "did you mean '" + s + "'? ").orElse("")
                  + lookup + "'s attributes: " + attributes;
      findings.add(
          new Finding(
              Severity.ERROR, UNKNOWN_ATTRIBUTE, location(path),
              function + " " + target + "." + attribute + ": " + named + " has no attribute '" + attribute + "'",
              fix)
              .at(path));
    }
  }

  /** The properties of one resource, checked against its type. */
  private static final class ResourceCheck {
    private final String id;
    private final String type;
    private final boolean deep;
    private final Set<String> extra;
    private final Set<String> inGlobals;
    private final String source;

    /**
     * @param deep whether nested property types are checked (not for SAM: their spec is stale)
     * @param extra names accepted on the resource's Properties beside the specification's
     * @param inGlobals required properties the SAM Globals section provides
     * @param source the specification's version and date, for messages
     */
    ResourceCheck(String id, String type, boolean deep, Set<String> extra, Set<String> inGlobals, String source) {
      this.id = id;
      this.type = type;
      this.deep = deep;
      this.extra = extra;
      this.inGlobals = inGlobals;
      this.source = source;
    }

    /**
     * Checks {@code value} against {@code shape}; {@code level} 0 is the resource's Properties.
     */
    void value(JsonNode value, Shape shape, List<String> path, int level, List<Finding> out) {
      if (TemplateValues.isIntrinsic(value)) {
        String function = value.fieldNames().next();
        JsonNode arguments = value.get(function);
        if (function.equals("Fn::If") && arguments.isArray() && arguments.size() == 3) {
          for (int branch = 1; branch <= 2; branch++) {
            if (!isNoValue(arguments.get(branch))) {
              value(arguments.get(branch), shape, append(path, "Fn::If", Integer.toString(branch)), level, out);
            }
          }
        }
        return; // any other intrinsic may stand for any value
      }
      if (!deep && level >= 2) {
        return;
      }
      boolean shallow = !deep && level >= 1; // a SAM property's value: its outer shape only
      if (shape instanceof Shape.Primitive primitive) {
        primitive(value, primitive, path, out);
      } else if (shape instanceof Shape.Allowed allowed) {
        if (primitive(value, allowed.primitive(), path, out)) {
          allowedValue(value, allowed, path, out);
        }
      } else if (shape instanceof Shape.ListOf list) {
        if (!value.isArray()) {
          out.add(wrongShape(value, shape, path));
        } else if (!shallow) {
          for (int i = 0; i < value.size(); i++) {
            value(value.get(i), list.element(), append(path, Integer.toString(i)), level + 1, out);
          }
        }
      } else if (shape instanceof Shape.MapOf map) {
        if (!value.isObject()) {
          out.add(wrongShape(value, shape, path));
        } else if (!shallow) {
          for (Map.Entry<String, JsonNode> entry : value.properties()) {
            if (!entry.getKey().startsWith("Fn::")) {
              value(entry.getValue(), map.element(), append(path, entry.getKey()), level + 1, out);
            }
          }
        }
      } else if (shape instanceof Shape.Ref ref) {
        if (!value.isObject()) {
          out.add(wrongShape(value, shape, path));
        } else if (!shallow) {
          object(value, ref.type(), path, level, out);
        }
      } else if (shape instanceof Shape.Union union) {
        union(value, union, path, level, out);
      }
    }

    private void union(JsonNode value, Shape.Union union, List<String> path, int level, List<Finding> out) {
      List<Finding> fewest = null;
      for (Shape member : union.members()) {
        if (!sameKind(value, member)) {
          continue;
        }
        List<Finding> tried = new ArrayList<>();
        value(value, member, path, level, tried);
        if (tried.isEmpty()) {
          return;
        }
        if (fewest == null || tried.size() < fewest.size()) {
          fewest = tried;
        }
      }
      if (fewest == null) {
        out.add(wrongShape(value, union, path));
      } else {
        out.addAll(fewest);
      }
    }

    private void object(JsonNode value, PropertyType propertyType, List<String> path, int level, List<Finding> out) {
      boolean open = false; // Fn::Transform (AWS::Include) or Fn::ForEach may add any property
      for (Map.Entry<String, JsonNode> field : value.properties()) {
        open |= field.getKey().equals("Fn::Transform") || field.getKey().startsWith(FOR_EACH);
      }
      boolean top = level == 0;
      for (Map.Entry<String, JsonNode> field : value.properties()) {
        String name = field.getKey();
        if (name.startsWith("Fn::")) {
          continue;
        }
        var property = propertyType.property(name);
        if (property == null) {
          if (!open && !(top && extra.contains(name))) {
            out.add(unknownProperty(name, propertyType, path, top));
          }
        } else if (!isNoValue(field.getValue())) {
          value(field.getValue(), property.shape(), append(path, name), level + 1, out);
        }
      }
      if (!open) {
        missing(propertyType, value, path, level, out);
      }
    }

    private void missing(PropertyType propertyType, JsonNode value, List<String> path, int level, List<Finding> out) {
      for (String required : propertyType.required()) {
        JsonNode given = value.get(required);
        if ((given == null || isNoValue(given)) && !(level == 0 && inGlobals.contains(required))) {
          out.add(missingProperty(required, propertyType, path, level == 0));
        }
      }
    }

    /** The required properties of a resource without a Properties section. */
    void missingProperties(PropertyType properties, List<String> resourcePath, List<Finding> out) {
      for (String required : properties.required()) {
        if (!inGlobals.contains(required)) {
          out.add(missingProperty(required, properties, resourcePath, true));
        }
      }
    }

    /** A literal string or number must be one of {@code allowed}'s values (a boolean is not checked). */
    private void allowedValue(JsonNode value, Shape.Allowed allowed, List<String> path, List<Finding> out) {
      if (!value.isTextual() && !value.isNumber()) {
        return;
      }
      String text = value.asText();
      BigDecimal number = value.isNumber() ? value.decimalValue() : numeric(text);
      for (String candidate : allowed.values()) {
        if (candidate.equals(text)) {
          return;
        }
        if (number != null) {
          BigDecimal allowedNumber = numeric(candidate);
          if (allowedNumber != null && allowedNumber.compareTo(number) == 0) {
            return;
          }
        }
      }
      List<String> values = allowed.values();
      String listed =
          values.size() <= LISTED_VALUES
              ? String.join(", ", values)
              : String.join(", ", values.subList(0, LISTED_VALUES)) + " … (" + values.size() + " in all)";
      String fix =
          DidYouMean.closest(text, values).map(s -> "did you mean '" + s + "'? ").orElse("")
              + "use one of: " + listed + " (values as the resource specification, " + source
              + ", lists them; acknowledge the finding if the service accepts the value and the list is out of date)";
      out.add(
          new Finding(
              Severity.MEDIUM, VALUE_NOT_ALLOWED, location(path),
              "resource " + id + " (" + type + "): '" + relative(path) + "' is '" + text
                  + "', which is not one of its allowed values: " + listed,
              fix)
              .at(path));
    }

    /** Whether {@code value} has {@code primitive}'s shape; reports it if not. */
    private boolean primitive(JsonNode value, Shape.Primitive primitive, List<String> path, List<Finding> out) {
      boolean fits =
          switch (primitive) {
            case STRING, DATE_TIME -> value.isValueNode() && !value.isNull();
            case NUMBER, INTEGER -> value.isNumber() || (value.isTextual() && isNumeric(value.asText()));
            case BOOLEAN ->
                value.isBoolean()
                    || (value.isTextual()
                        && (value.asText().equalsIgnoreCase("true") || value.asText().equalsIgnoreCase("false")));
            case JSON, NULL -> true;
            case TAG -> value.isObject();
          };
      if (!fits) {
        out.add(wrongShape(value, primitive, path));
        return false;
      }
      if (primitive == Shape.Primitive.TAG) {
        for (Map.Entry<String, JsonNode> field : value.properties()) {
          if (!field.getKey().equals("Key") && !field.getKey().equals("Value") && !field.getKey().startsWith("Fn::")) {
            out.add(
                finding(
                    UNKNOWN_PROPERTY, append(path, field.getKey()),
                    "'" + field.getKey() + "' is not a property of a tag (at " + relative(path) + ")",
                    DidYouMean.closest(field.getKey(), List.of("Key", "Value"))
                        .map(s -> "did you mean '" + s + "'?")
                        .orElse("a tag has Key and Value only")));
          }
        }
        if (value.get("Key") == null) {
          out.add(
              finding(
                  MISSING_PROPERTY, path, "a tag lacks its Key (at " + relative(path) + ")", "add Key"));
        }
      }
      return true;
    }

    private Finding unknownProperty(String name, PropertyType owner, List<String> path, boolean top) {
      String qualified = owner.qualifiedName(type);
      Collection<String> known = new LinkedHashSet<>(owner.properties().keySet());
      if (top) {
        known.addAll(extra);
      }
      Optional<String> suggestion = DidYouMean.closest(name, known);
      String where = top ? "" : " (at " + relative(path) + ")";
      String fix =
          suggestion.map(s -> "did you mean '" + s + "'?")
              .orElse(known.isEmpty()
                  ? qualified + " takes no properties: remove it"
                  : "remove it or use one of " + qualified + "'s properties: " + list(known));
      return finding(
          UNKNOWN_PROPERTY, append(path, name), "'" + name + "' is not a property of " + qualified + where, fix);
    }

    private Finding missingProperty(String name, PropertyType owner, List<String> path, boolean top) {
      String qualified = owner.qualifiedName(type);
      String where = top ? "" : " (at " + relative(path) + ")";
      Shape shape = owner.property(name).shape();
      return finding(
          MISSING_PROPERTY, path,
          "required property '" + name + "' of " + qualified + " is missing" + where,
          "add '" + name + "': " + shape.describe(type));
    }

    private Finding wrongShape(JsonNode value, Shape shape, List<String> path) {
      String expected = shape.describe(type);
      String hint;
      if (shape instanceof Shape.ListOf && !value.isArray() && !value.isObject()) {
        hint = "write it as a list, e.g. [" + value.asText() + "]";
      } else if (value.isTextual() && PACKAGEABLE.contains(type + "." + relative(path))
          && !value.asText().startsWith("s3://") && !value.asText().startsWith("https://")) {
        hint = "give " + expected + "; a local path such as '" + value.asText() + "' works only once"
            + " 'aws cloudformation package' or 'sam package' has uploaded it and rewritten the template";
      } else {
        hint = "give " + expected;
      }
      return finding(
          PROPERTY_TYPE, path,
          "'" + relative(path) + "' must be " + expected + ", not " + describe(value),
          hint);
    }

    private Finding finding(String rule, List<String> path, String what, String fix) {
      return new Finding(Severity.ERROR, rule, location(path), "resource " + id + " (" + type + "): " + what, fix)
          .at(path);
    }

    /** The path below the resource's Properties, for messages: {@code VersioningConfiguration.Status}. */
    private static String relative(List<String> path) {
      int properties = path.indexOf("Properties");
      List<String> below = properties < 0 ? path : path.subList(properties + 1, path.size());
      return below.isEmpty() ? "Properties" : String.join(".", below);
    }

    private static boolean sameKind(JsonNode value, Shape shape) {
      if (shape instanceof Shape.Allowed) {
        return value.isValueNode();
      } else if (shape instanceof Shape.Primitive p) {
        return p == Shape.Primitive.JSON || p == Shape.Primitive.NULL
            || (p == Shape.Primitive.TAG ? value.isObject() : value.isValueNode());
      } else if (shape instanceof Shape.ListOf) {
        return value.isArray();
      } else if (shape instanceof Shape.Union u) {
        return u.members().stream().anyMatch(m -> sameKind(value, m));
      }
      return value.isObject(); // a map or a property type
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** {@code Ref}, {@code Condition} or an {@code Fn::} function: a value CloudFormation computes. */
  private static boolean isNoValue(JsonNode value) {
    return value.isObject() && value.size() == 1 && "AWS::NoValue".equals(value.path("Ref").asText(null));
  }

  private static boolean isNumeric(String text) {
    return numeric(text) != null;
  }

  /** {@code text} as a number, or null. */
  private static BigDecimal numeric(String text) {
    try {
      return new BigDecimal(text.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String describe(JsonNode value) {
    if (value.isTextual()) {
      return "a string";
    } else if (value.isNumber()) {
      return "a number";
    } else if (value.isBoolean()) {
      return "a boolean";
    } else if (value.isArray()) {
      return "a list";
    } else if (value.isObject()) {
      return "a mapping";
    } else if (value.isNull()) {
      return "empty (null)";
    }
    return "a " + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String list(Collection<String> names) {
    List<String> sorted = names.stream().sorted().toList();
    return sorted.size() <= LISTED_NAMES
        ? String.join(", ", sorted)
        : String.join(", ", sorted.subList(0, LISTED_NAMES)) + " … (" + sorted.size() + " in all)";
  }

  /** For a person: the path without its leading {@code Resources}, e.g. {@code Bucket.Properties.BucketNam}. */
  private static String location(List<String> path) {
    List<String> shown = !path.isEmpty() && path.get(0).equals("Resources") ? path.subList(1, path.size()) : path;
    return String.join(".", shown);
  }

}
