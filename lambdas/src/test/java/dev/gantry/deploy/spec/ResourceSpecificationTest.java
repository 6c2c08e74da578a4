package dev.gantry.deploy.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResourceSpecificationTest {
  private final ResourceSpecification spec = ResourceSpecification.get();

  @Test
  void names_the_pinned_database_and_its_publish_date() {
    ResourceSpecification.Source source = spec.source();

    assertThat(source.packageName()).isEqualTo("@aws-cdk/aws-service-spec");
    assertThat(source.version()).isEqualTo("0.1.216");
    assertThat(source.published()).isEqualTo("2026-09-29T16:23:57.575Z");
    assertThat(source.tarballSha256()).hasSize(64);
    assertThat(source.describe()).isEqualTo("@aws-cdk/aws-service-spec 0.1.216 (2026-09-29)");
  }

  @Test
  void knows_every_resource_type_of_the_database_including_sam() {
    assertThat(spec.resourceTypeNames()).hasSize(1828);
    assertThat(spec.hasResourceType("AWS::S3::Bucket")).isTrue();
    assertThat(spec.hasResourceType("Alexa::ASK::Skill")).isTrue();
    assertThat(spec.hasResourceType("AWS::S3::Buckett")).isFalse();
    assertThat(spec.resourceTypeNames()).filteredOn(t -> t.startsWith("AWS::Serverless::"))
        .containsExactlyInAnyOrder(
            "AWS::Serverless::Function", "AWS::Serverless::Api", "AWS::Serverless::HttpApi",
            "AWS::Serverless::Application", "AWS::Serverless::SimpleTable",
            "AWS::Serverless::LayerVersion", "AWS::Serverless::StateMachine");
    assertThat(spec.resourceType("AWS::Serverless::Function").orElseThrow().transform())
        .isEqualTo("AWS::Serverless-2016-10-31");
  }

  @Test
  void gives_properties_with_their_shapes_and_required_flags() {
    ResourceType function = spec.resourceType("AWS::Lambda::Function").orElseThrow();

    assertThat(function.properties().required()).containsExactlyInAnyOrder("Code", "Role");
    assertThat(function.properties().property("MemorySize").shape()).isEqualTo(Shape.Primitive.INTEGER);
    assertThat(function.properties().property("Architectures").shape())
        .isEqualTo(new Shape.ListOf(Shape.Primitive.STRING));
    assertThat(function.properties().property("Tags").shape()).isEqualTo(new Shape.ListOf(Shape.Primitive.TAG));
    assertThat(function.properties().property("Environment").shape())
        .isInstanceOfSatisfying(Shape.Ref.class, ref -> {
          assertThat(ref.type().qualifiedName("AWS::Lambda::Function")).isEqualTo("AWS::Lambda::Function.Environment");
          assertThat(ref.type().property("Variables").shape()).isEqualTo(new Shape.MapOf(Shape.Primitive.STRING));
        });
    assertThat(spec.resourceType("AWS::IAM::Role").orElseThrow().properties().property("AssumeRolePolicyDocument").shape())
        .isEqualTo(new Shape.Union(List.of(Shape.Primitive.JSON, Shape.Primitive.STRING)));
  }

  @Test
  void nested_property_types_go_as_deep_as_the_specification() {
    PropertyType encryption =
        ((Shape.Ref) spec.resourceType("AWS::S3::Bucket").orElseThrow().properties()
            .property("BucketEncryption").shape()).type();
    Shape rules = encryption.property("ServerSideEncryptionConfiguration").shape();
    PropertyType rule = ((Shape.Ref) ((Shape.ListOf) rules).element()).type();
    PropertyType byDefault = ((Shape.Ref) rule.property("ServerSideEncryptionByDefault").shape()).type();

    assertThat(encryption.required()).containsExactly("ServerSideEncryptionConfiguration");
    assertThat(byDefault.qualifiedName("AWS::S3::Bucket")).isEqualTo("AWS::S3::Bucket.ServerSideEncryptionByDefault");
    assertThat(byDefault.required()).containsExactly("SSEAlgorithm");
  }

  @Test
  void gives_attributes_including_dotted_ones_and_nested_stack_outputs() {
    assertThat(spec.resourceType("AWS::DynamoDB::Table").orElseThrow().attributes()).containsExactly("Arn", "StreamArn");
    ResourceType db = spec.resourceType("AWS::RDS::DBInstance").orElseThrow();
    assertThat(db.hasAttribute("Endpoint.Address")).isTrue();
    assertThat(db.hasAttribute("Endpoint.Adress")).isFalse();
    ResourceType stack = spec.resourceType("AWS::CloudFormation::Stack").orElseThrow();
    assertThat(stack.hasAttribute("Outputs.BucketName")).isTrue();
    assertThat(stack.hasAttribute("Outputs")).isTrue();
    assertThat(stack.hasAttribute("Output.BucketName")).isFalse();
  }

  @Test
  void suggests_the_type_a_misspelling_meant() {
    assertThat(spec.closestResourceType("AWS::S3::Buckett")).contains("AWS::S3::Bucket");
    assertThat(spec.closestResourceType("AWS::Dynamodb::Table")).contains("AWS::DynamoDB::Table");
    assertThat(spec.closestResourceType("AWS::Nothing::LikeThisAtAll")).isEmpty();
  }

  @Test
  void reads_a_compact_specification_and_refuses_a_malformed_one() throws IOException {
    String compact =
        String.join(
            "\n",
            "gantry-resource-specification 2",
            "source\tp\t1\t2026-01-02T00:00:00Z\tx\tr",
            "R\tX::Y::Z\tA=!#0 B=(s|[#1) C={n D=[s%1 E=i%0\tArn,Out\tOut\t",
            "T\tFirst\tNext=#1",
            "T\tSecond\tBack=!#0",
            "V\t1\t2",
            "V\tOne value\tTwo");

    ResourceSpecification small = ResourceSpecification.load(stream(compact));

    ResourceType xyz = small.resourceType("X::Y::Z").orElseThrow();
    assertThat(small.source().describe()).isEqualTo("p 1 (2026-01-02)");
    assertThat(xyz.properties().required()).containsExactly("A");
    PropertyType first = ((Shape.Ref) xyz.properties().property("A").shape()).type();
    PropertyType second = ((Shape.Ref) first.property("Next").shape()).type();
    assertThat(((Shape.Ref) second.property("Back").shape()).type()).isSameAs(first);
    assertThat(second.required()).containsExactly("Back");
    assertThat(xyz.properties().property("B").shape())
        .isEqualTo(new Shape.Union(List.of(Shape.Primitive.STRING, new Shape.ListOf(new Shape.Ref(second)))));
    assertThat(xyz.properties().property("C").shape()).isEqualTo(new Shape.MapOf(Shape.Primitive.NUMBER));
    assertThat(xyz.properties().property("D").shape())
        .isEqualTo(new Shape.ListOf(new Shape.Allowed(Shape.Primitive.STRING, List.of("One value", "Two"))));
    assertThat(xyz.properties().property("E").shape())
        .isEqualTo(new Shape.Allowed(Shape.Primitive.INTEGER, List.of("1", "2")));
    assertThat(xyz.hasAttribute("Out.Anything")).isTrue();
    assertThat(xyz.transform()).isNull();
    ResourceSpecification missingType = ResourceSpecification.load(stream(compact.replace("Next=#1", "Next=#9")));
    assertThatThrownBy(() -> ((Shape.Ref) missingType.resourceType("X::Y::Z").orElseThrow().properties()
            .property("A").shape()).type().properties())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("missing property type");
    ResourceSpecification unclosed = ResourceSpecification.load(stream(compact.replace("(s|[#1)", "(s|[#1")));
    assertThatThrownBy(() -> unclosed.resourceType("X::Y::Z").orElseThrow().properties().properties())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("malformed shape");
    assertThatThrownBy(() -> ResourceSpecification.load(stream("{\"resources\":{}}")))
        .isInstanceOf(IOException.class);
  }

  @Test
  void every_line_of_the_shipped_specification_decodes() {
    long started = System.nanoTime();
    Set<PropertyType> seen = new HashSet<>();
    Deque<PropertyType> next = new ArrayDeque<>();
    int properties = 0;
    for (String name : spec.resourceTypeNames()) {
      next.add(spec.resourceType(name).orElseThrow().properties());
    }
    while (!next.isEmpty()) {
      PropertyType type = next.pop();
      if (seen.add(type)) {
        for (Property property : type.properties().values()) {
          properties++;
          reached(property.shape(), next);
        }
      }
    }
    System.out.printf(
        "resource specification: decoded %d resource and property types, %d properties, in %.1f ms%n",
        seen.size(), properties, (System.nanoTime() - started) / 1e6);
    assertThat(seen).hasSizeGreaterThan(9000);
  }

  private static void reached(Shape shape, Deque<PropertyType> next) {
    if (shape instanceof Shape.Ref ref) {
      next.add(ref.type());
    } else if (shape instanceof Shape.ListOf list) {
      reached(list.element(), next);
    } else if (shape instanceof Shape.MapOf map) {
      reached(map.element(), next);
    } else if (shape instanceof Shape.Union union) {
      union.members().forEach(m -> reached(m, next));
    }
  }

  @Test
  void logs_the_load_time() throws IOException {
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long started = System.nanoTime();
    long cpu = threads.getCurrentThreadCpuTime();
    ResourceSpecification again;
    try (InputStream in = ResourceSpecification.class.getResourceAsStream(ResourceSpecification.RESOURCE)) {
      again = ResourceSpecification.load(in);
    }
    long wall = System.nanoTime() - started;
    long cpuTime = threads.getCurrentThreadCpuTime() - cpu;

    System.out.printf(
        "resource specification %s: first load in this JVM %.1f ms; another %.1f ms wall, %.1f ms CPU; %d resource types%n",
        spec.source().describe(), spec.loadNanos() / 1e6, wall / 1e6, cpuTime / 1e6,
        again.resourceTypeNames().size());
    assertThat(again.resourceTypeNames()).isEqualTo(spec.resourceTypeNames());
  }

  private static InputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }
}
