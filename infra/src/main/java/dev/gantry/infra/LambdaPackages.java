package dev.gantry.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import software.amazon.awscdk.services.lambda.Code;

/**
 * The deployment package of each {@link LambdaRole}: one {@link Code} per role, shared by the
 * functions of that role (one asset per jar).
 *
 * @param code a package for every role
 */
public record LambdaPackages(Map<LambdaRole, Code> code) {
  public LambdaPackages {
    code = Map.copyOf(code);
    for (LambdaRole role : LambdaRole.values()) {
      if (!code.containsKey(role)) {
        throw new IllegalArgumentException("no deployment package for the " + role + " role");
      }
    }
  }

  /**
   * The jars {@code mvn package} leaves in the lambdas module's {@code target}, as file assets.
   *
   * @param directory where the {@code gantry-lambda-<role>.jar} files are
   * @throws IllegalArgumentException naming the first jar that does not exist
   */
  public static LambdaPackages built(Path directory) {
    Map<LambdaRole, Code> code = new EnumMap<>(LambdaRole.class);
    for (LambdaRole role : LambdaRole.values()) {
      Path jar = role.jar(directory);
      if (!Files.isRegularFile(jar)) {
        throw new IllegalArgumentException("the " + role + " functions' package " + jar
            + " does not exist: run `mvn -B -DskipTests package` first (cdk synth does it through cdk.json)");
      }
      code.put(role, Code.fromAsset(jar.toString()));
    }
    return new LambdaPackages(code);
  }

  /** The package the functions of {@code role} run. */
  public Code of(LambdaRole role) {
    return code.get(role);
  }
}
