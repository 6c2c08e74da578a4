package dev.gantry.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Template;

/** The app synthesized once per context, shared by the tests (a synth takes seconds). */
final class Synthesized {
  static final Path LAMBDA_JARS = Path.of(System.getProperty("gantry.lambdaJars", "../lambdas/target"));
  private static final Map<Map<String, Object>, Synthesized> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

  final GantryStack stack;
  final Template template;
  final Annotations annotations;
  final Path outdir;

  private Synthesized(Map<String, Object> context) {
    try {
      this.outdir = Files.createTempDirectory("gantry-cdk-out");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    App app = GantryApp.build(AppProps.builder().outdir(outdir.toString()).context(context).build(), LAMBDA_JARS);
    app.synth();
    this.stack = (GantryStack) app.getNode().findChild("Gantry");
    this.template = Template.fromStack(stack);
    this.annotations = Annotations.fromStack(stack);
  }

  /** The app with {@code context}. */
  static Synthesized with(Map<String, Object> context) {
    return CACHE.computeIfAbsent(Map.copyOf(context), Synthesized::new);
  }

  /** The app with default context. */
  static Synthesized defaults() {
    return with(Map.of());
  }
}
