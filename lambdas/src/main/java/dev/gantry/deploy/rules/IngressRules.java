package dev.gantry.deploy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.deploy.Finding;
import dev.gantry.deploy.Finding.Severity;
import dev.gantry.deploy.TemplateModel;
import dev.gantry.deploy.TemplateRule;
import dev.gantry.deploy.rules.IpRanges.Family;
import dev.gantry.deploy.rules.IpRanges.Range;
import dev.gantry.deploy.rules.TemplateValues.Located;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code OpenIngress}: security group ingress from the internet, in {@code SecurityGroupIngress} of
 * an {@code AWS::EC2::SecurityGroup} and in {@code AWS::EC2::SecurityGroupIngress}, however the
 * source is written: {@code 0.0.0.0/0}, {@code ::/0}, {@code ::0/0}, blocks such as {@code
 * 0.0.0.0/1} and {@code 128.0.0.0/1} that together cover the internet within one group, a
 * parameter's default, every item an {@code Fn::Select} may choose, either {@code Fn::If} branch. A
 * source is the internet when it covers at least 1/256 of the public addresses ({@link IpRanges}).
 *
 * <p>HIGH for all protocols ({@code -1}, {@code all}) or all ports, and for remote administration
 * and database ports: 22 SSH, 3389 RDP, 3306 MySQL, 5432 PostgreSQL, 1433 SQL Server, 1521 Oracle,
 * 27017 MongoDB, 6379 Redis, 9200 OpenSearch, 5439 Redshift, 11211 Memcached, alone or inside a
 * port range. MEDIUM for any other port, 80 and 443 included: a public web entry point is a design
 * decision a person should see, and may acknowledge. ICMP is not reported.
 *
 * <p>Sources: Security Hub EC2.13, EC2.14 (22 and 3389 from 0.0.0.0/0 or ::/0), EC2.18 (only
 * authorized ports unrestricted), EC2.19 (unrestricted access to high-risk ports); CIS AWS
 * Foundations Benchmark, "Ensure no security groups allow ingress from 0.0.0.0/0 (and ::/0) to
 * remote server administration ports" (TCP, UDP or all protocols).
 */
public final class IngressRules implements TemplateRule {
  static final Set<String> RULE_IDS = Set.of("OpenIngress");

  /** Ports never to open to the internet, and what listens on them. */
  static final Map<Integer, String> SENSITIVE_PORTS =
      Map.ofEntries(
          Map.entry(22, "SSH"), Map.entry(3389, "RDP"), Map.entry(3306, "MySQL"),
          Map.entry(5432, "PostgreSQL"), Map.entry(1433, "SQL Server"), Map.entry(1521, "Oracle"),
          Map.entry(27017, "MongoDB"), Map.entry(6379, "Redis"), Map.entry(9200, "OpenSearch"),
          Map.entry(5439, "Redshift"), Map.entry(11211, "Memcached"));

  private static final Set<String> ICMP = Set.of("icmp", "icmpv6", "1", "58");

  /** One ingress rule, read. */
  private record Entry(String resource, List<int[]> ports, boolean allProtocols, List<Located> sources, List<Range> ranges) {
    boolean covers(int port) {
      return ports.stream().anyMatch(r -> r[0] <= port && port <= r[1]);
    }

    boolean allPorts() {
      return allProtocols || ports.stream().anyMatch(r -> r[0] <= 1 && r[1] >= 65535);
    }
  }

  @Override
  public void check(TemplateModel template, List<Finding> findings) {
    TemplateValues values = new TemplateValues(template.root());
    Map<String, List<Entry>> groups = new LinkedHashMap<>();
    JsonNode resources = template.resources();
    for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> resource = it.next();
      String id = resource.getKey();
      String type = resource.getValue().path("Type").asText();
      JsonNode properties = resource.getValue().path("Properties");
      List<String> at = List.of("Resources", id, "Properties");
      if (type.equals("AWS::EC2::SecurityGroup")) {
        List<Entry> entries = groups.computeIfAbsent(id, k -> new ArrayList<>());
        items(properties.get("SecurityGroupIngress"), TemplateValues.append(at, "SecurityGroupIngress"),
            (rule, path) -> entries.add(entry(id, rule, path, values)));
      } else if (type.equals("AWS::EC2::SecurityGroupIngress")) {
        groups.computeIfAbsent(group(id, properties, resources), k -> new ArrayList<>())
            .add(entry(id, properties, at, values));
      }
    }
    for (List<Entry> entries : groups.values()) {
      for (Entry entry : entries) {
        for (Family family : Family.values()) {
          check(entry, family, entries, findings);
        }
      }
    }
  }

  private static void check(Entry entry, Family family, List<Entry> group, List<Finding> findings) {
    List<Range> own = entry.ranges().stream().filter(r -> r.family() == family).toList();
    if (own.isEmpty() || IpRanges.publicAddresses(own).signum() == 0) {
      return;
    }
    TreeSet<Integer> probes = new TreeSet<>();
    for (int port : SENSITIVE_PORTS.keySet()) {
      if (entry.covers(port)) {
        probes.add(port);
      }
    }
    entry.ports().forEach(r -> probes.add(Math.max(r[0], 0)));
    List<Integer> exposed = new ArrayList<>();
    List<Range> widest = own;
    for (int port : probes) {
      List<Range> sources = new ArrayList<>();
      for (Entry other : group) {
        if (other.covers(port)) {
          other.ranges().stream().filter(r -> r.family() == family).forEach(sources::add);
        }
      }
      if (IpRanges.internetWide(sources)) {
        exposed.add(port);
        if (sources.size() > widest.size()) {
          widest = sources;
        }
      }
    }
    if (exposed.isEmpty()) {
      return;
    }
    List<Integer> sensitive = exposed.stream().filter(SENSITIVE_PORTS::containsKey).toList();
    boolean high = entry.allPorts() || !sensitive.isEmpty();
    String ports =
        entry.allPorts() ? (entry.allProtocols() ? "all protocols and ports" : "all ports")
            : !sensitive.isEmpty() ? portList(entry, sensitive)
            : entry.ports().stream().map(r -> r[0] == r[1] ? "port " + r[0] : "ports " + r[0] + "-" + r[1]).distinct()
                .reduce((a, b) -> a + ", " + b).orElse("");
    Located where = entry.sources().stream()
        .filter(l -> {
          Range r = IpRanges.parse(l.value());
          return r != null && r.family() == family && IpRanges.publicAddresses(List.of(r)).signum() > 0;
        })
        .max(java.util.Comparator.comparing(l -> IpRanges.parse(l.value()).size()))
        .orElse(entry.sources().get(0));
    findings.add(
        new Finding(
            high ? Severity.HIGH : Severity.MEDIUM, "OpenIngress", entry.resource(),
            entry.resource() + " allows " + ports + " from " + describe(widest, family),
            high
                ? "never open remote administration, database or all ports to the internet: use Session Manager, a VPN or a named CIDR, and reach databases from inside the VPC"
                : "restrict the source, e.g. to a load balancer's security group or a prefix list, or acknowledge a public entry point with a reason")
            .at(where.path()));
  }

  private static String portList(Entry entry, List<Integer> sensitive) {
    boolean single = entry.ports().size() == 1 && entry.ports().get(0)[0] == entry.ports().get(0)[1];
    if (single) {
      return "port " + sensitive.get(0) + " (" + SENSITIVE_PORTS.get(sensitive.get(0)) + ")";
    }
    List<String> named = sensitive.stream().map(p -> p + " " + SENSITIVE_PORTS.get(p)).toList();
    String ranges = entry.ports().stream().map(r -> r[0] + "-" + r[1]).distinct().reduce((a, b) -> a + ", " + b).orElse("");
    return "ports " + ranges + " (including " + String.join(", ", named) + ")";
  }

  private static String describe(List<Range> all, Family family) {
    List<Range> sources = all.stream().filter(r -> IpRanges.publicAddresses(List.of(r)).signum() > 0).toList();
    Range whole = sources.stream().filter(r -> IpRanges.everything(List.of(r))).findFirst().orElse(null);
    if (whole != null) {
      return "the internet (" + whole.text() + ")";
    }
    List<String> texts = sources.stream().map(Range::text).distinct().toList();
    if (IpRanges.everything(sources)) {
      return texts.size() == 1 ? "the internet (" + texts.get(0) + ")"
          : String.join(" + ", texts) + ", which together cover every " + family.label + " address";
    }
    return String.join(" + ", texts) + " (" + IpRanges.publicPercent(sources) + "% of public " + family.label + " addresses)";
  }

  private static Entry entry(String resource, JsonNode rule, List<String> at, TemplateValues values) {
    List<String> protocols = values.lowerStrings(rule.get("IpProtocol")).stream().map(String::strip).toList();
    boolean allProtocols = protocols.isEmpty() || protocols.contains("-1") || protocols.contains("all");
    List<int[]> ports = new ArrayList<>();
    if (allProtocols) {
      ports.add(new int[] {0, 65535});
    } else if (!ICMP.containsAll(protocols)) {
      List<Integer> from = numbers(values.strings(rule.get("FromPort")));
      List<Integer> to = numbers(values.strings(rule.get("ToPort")));
      if (from.isEmpty()) {
        ports.add(new int[] {0, 65535}); // not known before deployment: any port
      }
      for (int f : from) {
        for (int t : to.isEmpty() ? List.of(f) : to) {
          ports.add(f < 0 || t < 0 ? new int[] {0, 65535} : new int[] {f, t});
        }
      }
    }
    List<Located> sources = new ArrayList<>();
    for (String key : List.of("CidrIp", "CidrIpv6")) {
      JsonNode source = TemplateValues.field(rule, key) == null ? null : TemplateValues.field(rule, key).getValue();
      sources.addAll(values.located(source, TemplateValues.append(at, key)));
    }
    List<Range> ranges = new ArrayList<>();
    for (Located source : sources) {
      Range range = IpRanges.parse(source.value());
      if (range != null) {
        ranges.add(range);
      }
    }
    return new Entry(resource, ports, allProtocols, sources, ports.isEmpty() ? List.of() : ranges);
  }

  private static List<Integer> numbers(List<String> texts) {
    List<Integer> out = new ArrayList<>();
    for (String text : texts) {
      try {
        out.add(Integer.parseInt(text.strip()));
      } catch (NumberFormatException e) {
        // a placeholder: not known before deployment
      }
    }
    return out;
  }

  /** The security group a standalone ingress rule belongs to: the resource its GroupId or GroupName names. */
  private static String group(String id, JsonNode properties, JsonNode resources) {
    for (String key : List.of("GroupId", "GroupName")) {
      JsonNode value = properties.path(key);
      String target =
          value.has("Ref") ? value.get("Ref").asText()
              : value.has("Fn::GetAtt") && value.get("Fn::GetAtt").isArray() ? value.get("Fn::GetAtt").path(0).asText()
              : value.has("Fn::GetAtt") ? value.get("Fn::GetAtt").asText().split("\\.")[0]
              : null;
      if (target != null && resources.has(target)) {
        return target;
      }
    }
    return id;
  }

  /** Calls {@code each} with every ingress rule mapping of a list, through {@code Fn::If} branches. */
  private static void items(JsonNode node, List<String> path, java.util.function.BiConsumer<JsonNode, List<String>> each) {
    if (node == null || node.isNull()) {
      return;
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        items(node.get(i), TemplateValues.append(path, String.valueOf(i)), each);
      }
    } else if (TemplateValues.isIntrinsic(node)) {
      JsonNode args = node.get("Fn::If");
      if (args != null && args.isArray() && args.size() == 3) {
        items(args.get(1), TemplateValues.append(path, "Fn::If", "1"), each);
        items(args.get(2), TemplateValues.append(path, "Fn::If", "2"), each);
      }
    } else if (node.isObject()) {
      each.accept(node, path);
    }
  }
}
