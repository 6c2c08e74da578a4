package dev.gantry.deploy.rules;

import static dev.gantry.deploy.rules.TemplateValues.append;

import dev.gantry.deploy.spec.DidYouMean;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.deploy.Finding;
import dev.gantry.deploy.Finding.Severity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parameters: each has a CloudFormation parameter type, and its {@code Default} meets its own
 * constraints ({@code AllowedValues}, {@code AllowedPattern}, lengths, bounds), which CloudFormation
 * checks when a stack is created with the default. Source: AWS CloudFormation User Guide,
 * "Parameters syntax" and "Supported AWS-specific parameter types".
 */
final class ParameterChecks {
  /** The AWS-specific parameter types, each also valid as {@code List<...>} but the SSM parameter name. */
  static final Set<String> AWS_TYPES =
      Set.of(
          "AWS::EC2::AvailabilityZone::Name", "AWS::EC2::Image::Id", "AWS::EC2::Instance::Id",
          "AWS::EC2::KeyPair::KeyName", "AWS::EC2::SecurityGroup::GroupName", "AWS::EC2::SecurityGroup::Id",
          "AWS::EC2::Subnet::Id", "AWS::EC2::VPC::Id", "AWS::EC2::Volume::Id",
          "AWS::Route53::HostedZone::Id", "AWS::SSM::Parameter::Name");

  private static final String LIST = "List<";
  private static final String SSM_VALUE = "AWS::SSM::Parameter::Value<";

  private ParameterChecks() {}

  /** Whether {@code type} is a parameter type CloudFormation accepts. */
  static boolean validType(String type) {
    if (type.equals("String") || type.equals("Number") || type.equals("CommaDelimitedList")
        || AWS_TYPES.contains(type)) {
      return true;
    }
    if (type.startsWith(SSM_VALUE) && type.endsWith(">")) {
      String inner = type.substring(SSM_VALUE.length(), type.length() - 1);
      return !inner.equals("AWS::SSM::Parameter::Name") && !inner.startsWith(SSM_VALUE) && validType(inner);
    }
    if (type.startsWith(LIST) && type.endsWith(">")) {
      String inner = type.substring(LIST.length(), type.length() - 1);
      return inner.equals("String") || inner.equals("Number")
          || (AWS_TYPES.contains(inner) && !inner.equals("AWS::SSM::Parameter::Name"));
    }
    return false;
  }

  /** Some valid types, for did-you-mean. */
  static List<String> typeNames() {
    List<String> names = new ArrayList<>(List.of("String", "Number", "CommaDelimitedList", "List<Number>", "List<String>"));
    AWS_TYPES.stream().sorted().forEach(t -> {
      names.add(t);
      names.add(LIST + t + ">");
    });
    return names;
  }

  /** The findings for the parameter {@code name}. */
  static void check(String name, JsonNode parameter, List<Finding> findings) {
    List<String> path = List.of("Parameters", name);
    String location = "Parameters." + name;
    JsonNode type = parameter.path("Type");
    if (!parameter.isObject()) {
      findings.add(new Finding(Severity.ERROR, "InvalidParameterType", location,
          "parameter '" + name + "' is not a mapping with a Type", "declare it as Type: String (or another type)").at(path));
      return;
    }
    if (!type.isTextual()) {
      findings.add(new Finding(Severity.ERROR, "InvalidParameterType", location,
          "parameter '" + name + "' has no Type", "add Type: String, Number, CommaDelimitedList or an AWS-specific type")
          .at(path));
      return;
    }
    if (!validType(type.asText())) {
      Optional<String> close = DidYouMean.closest(type.asText(), typeNames());
      findings.add(new Finding(Severity.ERROR, "InvalidParameterType", location,
          "parameter '" + name + "' has Type '" + type.asText() + "', which is not a CloudFormation parameter type"
              + close.map(c -> " (did you mean '" + c + "'?)").orElse(""),
          close.map(c -> "use Type: " + c).orElse("use String, Number, List<Number>, CommaDelimitedList,"
              + " an AWS-specific type such as AWS::EC2::VPC::Id, List<...> of one, or AWS::SSM::Parameter::Value<...>"))
          .at(append(path, "Type")));
      return;
    }
    JsonNode defaultValue = parameter.get("Default");
    if (defaultValue == null) {
      return;
    }
    List<String> at = append(path, "Default");
    if (!defaultValue.isValueNode() || defaultValue.isNull()) {
      findings.add(new Finding(Severity.ERROR, "InvalidParameterDefault", location,
          "the Default of '" + name + "' is not a single value",
          "write the Default as a string; a list parameter takes \"a,b,c\"").at(at));
      return;
    }
    String typeName = type.asText();
    boolean list = typeName.equals("CommaDelimitedList") || typeName.startsWith(LIST);
    boolean number = typeName.equals("Number") || typeName.equals("List<Number>");
    if (typeName.startsWith(SSM_VALUE) || !(list || number || typeName.equals("String"))) {
      return; // an SSM parameter name, or an AWS-specific value CloudFormation looks up
    }
    List<String> values = new ArrayList<>();
    if (list) {
      for (String value : defaultValue.asText().split(",", -1)) {
        values.add(value.strip());
      }
    } else {
      values.add(defaultValue.asText());
    }
    for (String value : values) {
      Optional<String> problem = problem(value, parameter, number, typeName.equals("String"));
      if (problem.isPresent()) {
        findings.add(new Finding(Severity.ERROR, "InvalidParameterDefault", location,
            "the Default of '" + name + "' is '" + defaultValue.asText() + "', but " + problem.get(),
            "change the Default or the constraint so that they agree").at(at));
        return;
      }
    }
  }

  private static Optional<String> problem(String value, JsonNode parameter, boolean number, boolean string) {
    BigDecimal numeric = null;
    if (number) {
      try {
        numeric = new BigDecimal(value);
      } catch (NumberFormatException e) {
        return Optional.of("'" + value + "' is not a number");
      }
    }
    JsonNode allowed = parameter.path("AllowedValues");
    if (allowed.isArray() && !allowed.isEmpty()) {
      boolean found = false;
      for (JsonNode option : allowed) {
        found |= option.asText().equals(value) || (numeric != null && sameNumber(option.asText(), numeric));
      }
      if (!found) {
        return Optional.of("'" + value + "' is not one of its AllowedValues " + texts(allowed));
      }
    }
    JsonNode pattern = parameter.path("AllowedPattern");
    if (string && pattern.isTextual()) {
      try {
        if (!Pattern.compile(pattern.asText()).matcher(value).matches()) {
          return Optional.of("'" + value + "' does not match its AllowedPattern " + pattern.asText());
        }
      } catch (PatternSyntaxException e) {
        // a pattern Java cannot read is left to CloudFormation
      }
    }
    if (string) {
      if (parameter.path("MinLength").canConvertToInt() && value.length() < parameter.get("MinLength").asInt()) {
        return Optional.of("it is shorter than its MinLength " + parameter.get("MinLength").asInt());
      }
      if (parameter.path("MaxLength").canConvertToInt() && value.length() > parameter.get("MaxLength").asInt()) {
        return Optional.of("it is longer than its MaxLength " + parameter.get("MaxLength").asInt());
      }
    } else if (number) {
      Optional<BigDecimal> min = decimal(parameter.path("MinValue"));
      Optional<BigDecimal> max = decimal(parameter.path("MaxValue"));
      if (min.isPresent() && numeric.compareTo(min.get()) < 0) {
        return Optional.of(value + " is below its MinValue " + min.get().toPlainString());
      }
      if (max.isPresent() && numeric.compareTo(max.get()) > 0) {
        return Optional.of(value + " is above its MaxValue " + max.get().toPlainString());
      }
    }
    return Optional.empty();
  }

  private static boolean sameNumber(String option, BigDecimal value) {
    try {
      return new BigDecimal(option).compareTo(value) == 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static Optional<BigDecimal> decimal(JsonNode node) {
    if (!node.isValueNode() || node.isNull()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new BigDecimal(node.asText()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String texts(JsonNode list) {
    List<String> texts = new ArrayList<>();
    list.forEach(item -> texts.add(item.asText()));
    return texts.toString();
  }

}
