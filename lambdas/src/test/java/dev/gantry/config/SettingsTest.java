package dev.gantry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingsTest {

  @Test
  void by_default_deployments_are_dry_runs_of_gantry_prefixed_stacks_without_a_role_or_endpoint() {
    Settings.Deploy deploy = Settings.fromEnvironment(Map.of()).deploy();

    assertThat(deploy).isEqualTo(new Settings.Deploy("dry-run", Optional.empty(), Optional.empty(), "gantry-", Optional.empty()));
  }

  @Test
  void cloudformation_mode_takes_the_role_the_prefix_and_the_service_endpoint_before_the_global_one() {
    Settings.Deploy deploy = Settings.fromEnvironment(Map.of(
        EnvironmentVariables.DEPLOY_MODE, "cloudformation",
        EnvironmentVariables.DEPLOY_ROLE_ARN, "arn:aws:iam::123456789012:role/gantry-deploy",
        EnvironmentVariables.DEPLOY_BOUNDARY_ARN, "arn:aws:iam::123456789012:policy/gantry-boundary",
        EnvironmentVariables.STACK_PREFIX, "team-",
        EnvironmentVariables.AWS_ENDPOINT, "http://127.0.0.1:4566",
        EnvironmentVariables.CLOUDFORMATION_ENDPOINT, "http://127.0.0.1:9000")).deploy();

    assertThat(deploy).isEqualTo(new Settings.Deploy("cloudformation", Optional.of("arn:aws:iam::123456789012:role/gantry-deploy"),
        Optional.of("arn:aws:iam::123456789012:policy/gantry-boundary"), "team-", Optional.of(URI.create("http://127.0.0.1:9000"))));
    assertThat(Settings.fromEnvironment(Map.of(EnvironmentVariables.AWS_ENDPOINT, "http://127.0.0.1:4566")).deploy().endpoint())
        .contains(URI.create("http://127.0.0.1:4566"));
  }

  @Test
  void a_malformed_deploy_setting_is_refused_naming_the_variable() {
    assertThatThrownBy(() -> Settings.fromEnvironment(Map.of(EnvironmentVariables.DEPLOY_MODE, "yolo")))
        .hasMessage("GANTRY_DEPLOY_MODE=yolo is not a deploy mode: use dry-run or cloudformation");
    assertThatThrownBy(() -> Settings.fromEnvironment(Map.of(EnvironmentVariables.DEPLOY_ROLE_ARN, "gantry-deploy")))
        .hasMessageStartingWith("GANTRY_DEPLOY_ROLE_ARN=gantry-deploy is not an IAM role ARN");
    assertThatThrownBy(() -> Settings.fromEnvironment(Map.of(EnvironmentVariables.STACK_PREFIX, "9lives")))
        .hasMessageStartingWith("GANTRY_STACK_PREFIX=9lives cannot start a stack name");
    assertThatThrownBy(() -> Settings.fromEnvironment(Map.of(EnvironmentVariables.CLOUDFORMATION_ENDPOINT, "localhost")))
        .hasMessage("AWS_ENDPOINT_URL_CLOUDFORMATION=localhost is not a URL, e.g. http://127.0.0.1:4566");
  }

  @Test
  void repository_roots_are_split_at_the_path_separator_and_commas_and_reserve_gantry_home_and_the_scratch_folder() {
    String sep = java.io.File.pathSeparator;
    Settings settings = Settings.fromEnvironment(Map.of(
        EnvironmentVariables.REPOSITORY_ROOTS, "/srv/repos" + sep + " /home/me/code , /opt/work,",
        EnvironmentVariables.GANTRY_HOME, "/home/me/.gantry",
        EnvironmentVariables.SCRATCH_DIR, "/home/me/.gantry/scratch"));

    assertThat(settings.repositoryRoots().roots()).containsExactly(
        java.nio.file.Path.of("/srv/repos").toAbsolutePath(), java.nio.file.Path.of("/home/me/code").toAbsolutePath(),
        java.nio.file.Path.of("/opt/work").toAbsolutePath());
    assertThat(settings.repositoryRoots().reserved()).containsOnly(
        Map.entry("GANTRY_HOME", java.nio.file.Path.of("/home/me/.gantry")),
        Map.entry("GANTRY_SCRATCH_DIR", java.nio.file.Path.of("/home/me/.gantry/scratch")));
    assertThat(Settings.fromEnvironment(Map.of()).repositoryRoots().roots()).isEmpty();
  }
}
