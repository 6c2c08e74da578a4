package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.config.EnvironmentVariables;
import dev.gantry.testing.CloudFormationStub;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gantry command with {@code --deploy cloudformation} against {@link CloudFormationStub}, run
 * in-process as a user would run it. Apart from {@link CloudFormationSessionIT} because the command
 * starts its own engines and really sleeps the 5 s a change set look waits.
 */
class CloudFormationCommandIT {
  static final Path REPOSITORY = TestPipelines.REPOSITORY;
  static final String ROLE = CloudFormationSessionIT.ROLE;
  static final String GOAL = CloudFormationSessionIT.GOAL;

  @TempDir Path home;
  CloudFormationStub stub;

  @BeforeEach
  void startStub() {
    stub = CloudFormationStub.start();
  }

  @AfterEach
  void stopStub() {
    stub.close();
  }

  @Test
  void run_with_deploy_cloudformation_and_approve_prints_the_change_set_it_approves_executes_it_and_succeeds() {
    // GIVEN the gantry command pointed at the stub (the stub answering at once: the command really sleeps between looks)
    stub.changeSetPolls(0);
    stub.stackPolls(0);
    Map<String, String> environment = new HashMap<>(Map.of(
        "GANTRY_HOME", home.toString(),
        EnvironmentVariables.AWS_REGION, "us-east-1",
        EnvironmentVariables.CLOUDFORMATION_ENDPOINT, stub.endpoint().toString(),
        EnvironmentVariables.DEPLOY_ROLE_ARN, ROLE));
    Map<String, String> previous = new HashMap<>();
    Map<String, String> properties = Map.of("aws.accessKeyId", "akid", "aws.secretAccessKey", "secret",
        "gantry.agents", REPOSITORY.resolve("agents").toString());
    properties.keySet().forEach(key -> previous.put(key, System.getProperty(key)));
    properties.forEach(System::setProperty);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try {
      // WHEN a user runs a session with --deploy cloudformation --approve
      code = GantryCommand.execute(new String[] {"run", "--repo", REPOSITORY.toString(), "--goal", GOAL, "--stack", "gantry-cli",
          "--deploy", "cloudformation", "--approve"}, environment,
          new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    } finally {
      previous.forEach((key, value) -> {
        if (value == null) {
          System.clearProperty(key);
        } else {
          System.setProperty(key, value);
        }
      });
    }

    // THEN it printed the change set it approved, executed it once and ended SUCCEEDED
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(err.toString(StandardCharsets.UTF_8) + printed).isZero();
    assertThat(stub.calls("ExecuteChangeSet")).hasSize(1);
    String arn = stub.calls("ExecuteChangeSet").get(0).param("ChangeSetName");
    assertThat(printed).containsSubsequence("changeset  SUCCEEDED", "change set gantry-", "(CREATE): 9 to add",
        "approval   APPROVED by cli:", " (--approve) for digest ", "change set " + arn + "\n", "changeset.json sha256 ",
        "9 to add, 0 to modify, 0 to replace, 0 to remove",
        "risk IAM_CHANGE: ApiInvokePermission (AWS::Lambda::Permission): permissions added",
        "risk IAM_CHANGE: FunctionRole (AWS::IAM::Role): permissions added",
        "risk CAPABILITIES: the template needs CAPABILITY_IAM",
        "deploy     SUCCEEDED", "executing change set gantry-", "verify     SUCCEEDED", "stack gantry-cli CREATE_COMPLETE",
        "report     SUCCEEDED", ": SUCCEEDED", "deployment.md");
    assertThat(stub.stackStatus("gantry-cli")).contains("CREATE_COMPLETE");
    assertThat(stub.calls("CreateChangeSet")).singleElement().satisfies(create -> {
      assertThat(create.param("RoleARN")).isEqualTo(ROLE);
      assertThat(create.param("ChangeSetType")).isEqualTo("CREATE");
    });
    assertThat(stub.calls("ExecuteChangeSet").get(0).param("ClientRequestToken")).startsWith("gantry-execute-");
  }
}
