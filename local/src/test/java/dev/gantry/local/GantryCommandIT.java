package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.StageDefinition;
import dev.gantry.testing.GitFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The gantry command, run in-process as a user would run it; each call starts and stops the engines. */
class GantryCommandIT {
  static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
  /** Claude Code agent files written for the tests, with the format's quirks (see AgentLoaderTest). */
  static final Path FIXTURES = REPOSITORY.resolve("lambdas/src/test/resources/agents/claude-code");
  static final List<String> VERBS =
      List.of("run", "sessions", "show", "approve", "reject", "cancel", "agents", "pipelines", "serve", "validate", "replay");
  static final Set<String> AGENT_VERBS = Set.of("run", "approve", "serve");
  /** The verbs that load an agents folder: those that run agents on a model, and replay, which runs them on recorded answers. */
  static final Set<String> AGENT_FOLDER_VERBS = Set.of("run", "approve", "serve", "replay");

  @TempDir Path home;

  record Result(int exitCode, String out, String err) {}

  Result gantry(String... args) {
    return gantry(home, args);
  }

  /** Runs the gantry command in-process with {@code GANTRY_HOME} {@code home} and this repository's agents. */
  static Result gantry(Path home, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String previous = System.getProperty("gantry.agents");
    System.setProperty("gantry.agents", REPOSITORY.resolve("agents").toString());
    try {
      int code = GantryCommand.execute(args, Map.of("GANTRY_HOME", home.toString()),
          new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      if (previous == null) {
        System.clearProperty("gantry.agents");
      } else {
        System.setProperty("gantry.agents", previous);
      }
    }
  }

  @Test
  void run_waits_for_approval_and_a_later_command_approves_shows_and_lists_the_session() {
    Result run = gantry("run", "--repo", REPOSITORY.toString(), "--goal", "Serve Gantry's session API on AWS");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("checkout   SUCCEEDED", "architect  SUCCEEDED", "plan       SUCCEEDED", "validate   SUCCEEDED",
        "changeset  SUCCEEDED", "approval   WAITING", "change set dry-run:gantry-", "changeset.json sha256 ",
        "to add, 0 to modify, 0 to replace, 0 to remove", "risk CAPABILITIES: the template needs CAPABILITY_IAM");
    Matcher m = Pattern.compile("session ([0-9a-f-]{36}): AWAITING_APPROVAL").matcher(run.out());
    assertThat(m.find()).isTrue();
    String id = m.group(1);

    Result wrongDigest = gantry("approve", id, "--digest", "f".repeat(64));
    assertThat(wrongDigest.exitCode()).isEqualTo(1);
    assertThat(wrongDigest.err()).startsWith("gantry: refused: digest ffff").doesNotContain("Exception");

    Result approve = gantry("approve", id);
    assertThat(approve.exitCode()).as(approve.err()).isZero();
    assertThat(approve.out()).contains("deploy     SUCCEEDED", "verify     SUCCEEDED", "report     SUCCEEDED", "session " + id + ": SUCCEEDED");

    Result show = gantry("show", id);
    assertThat(show.exitCode()).as(show.err()).isZero();
    assertThat(show.out()).contains("status      SUCCEEDED", "stages (9)", "chain verified, MACs verified (key local:", "anchored through entry");
    assertThat(show.out().lines().filter(l -> l.contains(" verified  s3://"))).hasSizeGreaterThanOrEqualTo(5);

    Result list = gantry("sessions");
    assertThat(list.exitCode()).isZero();
    assertThat(list.out()).contains(id + "  SUCCEEDED");

    Result again = gantry("reject", id, "--reason", "too late");
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("is SUCCEEDED, not awaiting approval");

    // --json: one JSON document on standard output, in the HTTP API's shapes
    Result listJson = gantry("sessions", "--json");
    assertThat(listJson.exitCode()).isZero();
    com.fasterxml.jackson.databind.JsonNode listed = dev.gantry.json.Json.tree(listJson.out());
    assertThat(listed.path("sessions").findValuesAsText("sessionId")).contains(id);
    assertThat(listed.path("sessions").get(0).path("status").asText()).isNotEmpty();
    Result showJson = gantry("show", id, "--json");
    assertThat(showJson.exitCode()).as(showJson.err()).isZero();
    com.fasterxml.jackson.databind.JsonNode shown = dev.gantry.json.Json.tree(showJson.out());
    assertThat(shown.path("session").path("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(shown.path("session").path("stages").size()).isEqualTo(9);
    assertThat(shown.path("chain").path("verified").asBoolean()).isTrue();
    assertThat(shown.path("documentChecks").path("template.yaml").asText()).isEqualTo("verified");
    assertThat(shown.path("audit").findValuesAsText("action")).contains("SessionCreated", "ApprovalGranted");
  }

  @Test
  void serve_refuses_a_principals_file_others_may_read_before_starting_anything(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("principals.yaml");
    Files.writeString(file, "ana: {token: " + "a".repeat(40) + ", scopes: [gantry/sessions.read]}\n");
    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code = GantryCommand.execute(new String[] {"serve", "--port", "0"},
        Map.of("GANTRY_HOME", dir.resolve("home").toString(), "GANTRY_SERVE_PRINCIPALS", file.toString()),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("others may read it: run chmod 600 " + file);
    assertThat(dir.resolve("home")).as("nothing started").doesNotExist();
  }

  @Test
  void read_verbs_start_only_the_engines_they_need_and_answer_on_a_fresh_home() {
    Result agents = gantry("agents");
    assertThat(agents.exitCode()).as(agents.err()).isZero();
    Result pipelines = gantry("pipelines");
    assertThat(pipelines.exitCode()).as(pipelines.err()).isZero();
    assertThat(home.resolve("dynamodb")).as("agents and pipelines start no engine").doesNotExist();

    Result sessions = gantry("sessions");
    assertThat(sessions.exitCode()).as(sessions.err()).isZero();
    assertThat(sessions.out()).contains("(no sessions yet");
    assertThat(gantry("sessions", "--json").out()).contains("\"sessions\" : [ ]");
    assertThat(home.resolve("dynamodb")).isDirectory();
    assertThat(home.resolve("s3")).as("sessions does not start the S3 server").doesNotExist();

    Result show = gantry("show", "00000000-0000-4000-8000-000000000000");
    assertThat(show.exitCode()).isEqualTo(2);
    assertThat(show.err()).contains("no session with id");
    assertThat(home.resolve("s3")).as("show checks documents and audit anchors: it starts the S3 server").isDirectory();
  }

  @Test
  void agents_pipelines_print_json_and_completion_prints_a_script_for_bash_and_zsh() {
    Result agents = gantry("agents", "--json");
    assertThat(agents.exitCode()).as(agents.err()).isZero();
    assertThat(dev.gantry.json.Json.tree(agents.out()).path("agents").findValuesAsText("name")).contains("architect");
    Result pipelines = gantry("pipelines", "--json");
    assertThat(pipelines.exitCode()).isZero();
    com.fasterxml.jackson.databind.JsonNode listed = dev.gantry.json.Json.tree(pipelines.out());
    assertThat(listed.findValuesAsText("name")).contains("deliver", "design", "review", "implement");
    assertThat(listed.get(0).path("isDefault").asBoolean()).isTrue();

    Result bash = gantry("completion", "bash");
    assertThat(bash.exitCode()).isZero();
    assertThat(bash.out()).contains("complete -F", "gantry", "sessions", "--pipeline", "deliver");
    assertThat(gantry("completion", "zsh").out()).contains("bashcompinit");
    Result fish = gantry("completion", "fish");
    assertThat(fish.exitCode()).isEqualTo(2);
    assertThat(fish.err()).contains("use bash or zsh");
  }

  @Test
  void pipelines_lists_each_pipeline_with_its_stages_and_run_pipeline_runs_the_chosen_one_to_its_end() {
    Result pipelines = gantry("pipelines");
    assertThat(pipelines.exitCode()).as(pipelines.err()).isZero();
    assertThat(pipelines.out()).contains("deliver (default): ", "design: ", "review: ",
        "stages: checkout -> architect [architect agent] -> report", "approval [a person approves]");

    Result design = gantry("run", "--pipeline", "design", "--repo", REPOSITORY.toString(), "--goal", "Serve Gantry's API on AWS");
    assertThat(design.exitCode()).as(design.err()).isZero();
    assertThat(design.out()).contains("pipeline design", "architect  SUCCEEDED", "report     SUCCEEDED")
        .doesNotContain("validate", "approval").containsPattern("session [0-9a-f-]{36}: SUCCEEDED");

    Result unknown = gantry("run", "--pipeline", "ship", "--repo", REPOSITORY.toString(), "--goal", "x");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("no pipeline 'ship': choose one of deliver, design, review, implement");
  }

  @Test
  void cancel_ends_a_waiting_session_cancelled_with_an_audit_entry_and_refuses_an_ended_one() {
    Result run = gantry("run", "--repo", REPOSITORY.toString(), "--goal", "Serve Gantry's session API on AWS");
    Matcher m = Pattern.compile("session ([0-9a-f-]{36}): AWAITING_APPROVAL").matcher(run.out());
    assertThat(m.find()).as(run.out()).isTrue();
    String id = m.group(1);

    Result cancel = gantry("cancel", id, "--reason", "wrong stack");
    assertThat(cancel.exitCode()).as(cancel.err()).isZero();
    assertThat(cancel.out()).contains("session " + id + ": CANCELLED", "wrong stack");
    assertThat(gantry("show", id).out()).contains("status      CANCELLED", "SessionCancelled");

    Result again = gantry("cancel", id);
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("is CANCELLED: it has ended, nothing to cancel");
    assertThat(gantry("cancel", "00000000-0000-4000-8000-000000000000").exitCode()).isEqualTo(2);
  }

  @Test
  void run_checks_out_a_clone_url_and_show_prints_the_pinned_commit_and_snapshot(@TempDir Path work) throws Exception {
    String commit;
    try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
      Files.writeString(work.resolve("package.json"), "{\"name\": \"tiny\"}\n");
      commit = GitFixtures.commitAll(git, "tiny").name();
    }
    String url = work.toUri().toString();

    Result run = gantry("run", "--repo", url, "--ref", "main", "--goal", "Serve a tiny API");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("checkout   SUCCEEDED", "commit " + commit.substring(0, 12) + " of " + url + " (refs/heads/main): 1 files");
    Matcher m = Pattern.compile("session ([0-9a-f-]{36}): AWAITING_APPROVAL").matcher(run.out());
    assertThat(m.find()).isTrue();
    Result show = gantry("show", m.group(1));
    assertThat(show.out()).contains("commit      " + commit + " (refs/heads/main)").containsPattern("snapshot    sha256 [0-9a-f]{64}, 1 files");

    Result refOnAFolder = gantry("run", "--repo", work.toString(), "--ref", "main", "--goal", "x");
    assertThat(refOnAFolder.exitCode()).isEqualTo(2);
    assertThat(refOnAFolder.err()).startsWith("gantry: --ref and --commit need a clone URL");
    Result ssh = gantry("run", "--repo", "ssh://git@github.com/octo/app.git", "--goal", "x");
    assertThat(ssh.exitCode()).isEqualTo(2);
    assertThat(ssh.err()).startsWith("gantry: SSH clone URLs are not supported");
  }

  @Test
  void bad_arguments_get_one_line_a_non_zero_exit_and_change_nothing() {
    Result missingRepo = gantry("run", "--repo", home.resolve("nope").toString(), "--goal", "x");
    assertThat(missingRepo.exitCode()).isEqualTo(2);
    assertThat(missingRepo.err().lines()).containsExactly("gantry: --repo " + home.resolve("nope") + " is not a directory (or a clone URL)");

    Result inHome = gantry("run", "--repo", home.toString(), "--goal", "read other sessions' documents");
    assertThat(inHome.exitCode()).isEqualTo(2);
    assertThat(inHome.err().lines()).singleElement().asString()
        .startsWith("gantry: " + home + " lies inside Gantry's own data (GANTRY_HOME)");

    Result emptyGoal = gantry("run", "--repo", REPOSITORY.toString(), "--goal", "  ");
    assertThat(emptyGoal.exitCode()).isEqualTo(2);
    assertThat(emptyGoal.err().lines()).singleElement().asString().startsWith("gantry: --goal is empty");

    Result badStack = gantry("run", "--repo", REPOSITORY.toString(), "--goal", "x", "--stack", "9-lives");
    assertThat(badStack.exitCode()).isEqualTo(2);
    assertThat(badStack.err().lines()).singleElement().asString().startsWith("gantry: invalid stack name '9-lives'");

    Result unknown = gantry("show", "00000000-0000-0000-0000-000000000000");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err().lines()).containsExactly("gantry: no session with id 00000000-0000-0000-0000-000000000000");

    Result list = gantry("sessions");
    assertThat(list.out()).contains("(no sessions yet");
  }

  @Test
  void agents_lists_a_folder_with_its_subfolders_and_names_each_file_that_fails(@TempDir Path agents) throws IOException {
    Files.createDirectories(agents.resolve("team/deploy"));
    Files.copy(FIXTURES.resolve("api-contract-designer.md"), agents.resolve("one.md"));
    Files.copy(FIXTURES.resolve("archive/api-contract-designer.md"), agents.resolve("two.md"));
    Files.copy(FIXTURES.resolve("serverless-cost-architect.md"), agents.resolve("team/aws.md"));
    Files.copy(FIXTURES.resolve("dotnet-framework-4.8-expert.md"), agents.resolve("team/deploy/legacy.md"));
    Files.writeString(agents.resolve("broken.md"), "---\nname: broken\n---\nno description\n");

    Result result = gantry("agents", "--dir", agents.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains("serverless-cost-architect", "api-contract-designer", "dotnet-framework-4.8-expert")
        .contains("(not offered: Bash)")
        .contains("error: " + agents.resolve("broken.md") + ":1: missing required field 'description'")
        .contains("error: " + agents.resolve("two.md") + ":2: duplicate name 'api-contract-designer': also defined in "
            + agents.resolve("one.md"))
        .contains("3 loaded, 2 failed");
  }

  @Test
  void agents_says_what_gantry_makes_of_each_frontmatter_and_why_an_agent_does_not_load(@TempDir Path agents) throws IOException {
    Path fixtures = REPOSITORY.resolve("lambdas/src/test/resources/agents/frontmatter");
    for (String file : List.of("read-only-reviewer.md", "mistyped-model.md", "bypass-deployer.md", "kickoff-architect.md",
        "misspelt-keys.md", "turn-capped-architect.md")) {
      Files.copy(fixtures.resolve(file), agents.resolve(file));
    }

    Result result = gantry("agents", "--dir", agents.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains("  withheld: write_document: denied by the agent's disallowedTools ('Write')")
        .contains("  warning: model: 'sonet' is not a model alias Gantry knows (sonnet, opus, haiku, inherit; did you mean 'sonnet'?)")
        .contains("  warning: tool: not a Claude Code field: did you mean 'tools'? It is ignored as written")
        .contains("  warning: disallowed-tools: not a Claude Code field: did you mean 'disallowedTools'?")
        .contains("  ignored: color: display only")
        .contains("  ignored: hooks: not supported server-side")
        .contains("  accepted: permissionMode: acceptEdits: accepted; changes nothing")
        .contains("  maxTurns: at most 2 model calls (never more than GANTRY_MAX_TURNS)")
        .contains("  initialPrompt: sent first: Before anything else, read CONVENTIONS.md and follow it.")
        .contains("error: " + agents.resolve("bypass-deployer.md") + ":6: 'permissionMode' bypassPermissions is refused: "
            + "Gantry never widens what an agent may do")
        .contains("5 loaded, 1 failed");
  }

  /** Runs a deliver session on this repository to its approval gate and returns its id. */
  String runWaitingForApproval() {
    Result run = gantry("run", "--repo", REPOSITORY.toString(), "--goal", "Serve Gantry's session API on AWS");
    Matcher m = Pattern.compile("session ([0-9a-f-]{36}): AWAITING_APPROVAL").matcher(run.out());
    assertThat(m.find()).as(run.out() + run.err()).isTrue();
    return m.group(1);
  }

  @Test
  void show_prints_a_stage_transcript_after_checking_its_sha256_and_refuses_a_changed_one() throws IOException {
    String id = runWaitingForApproval();

    Result shown = gantry("show", id, "--transcript", "architect");

    assertThat(shown.exitCode()).as(shown.err()).isZero();
    assertThat(shown.out().lines().findFirst()).get().asString()
        .matches("transcript-architect\\.jsonl  \\d+ bytes  sha256 [0-9a-f]{64}  verified  .*");
    assertThat(shown.out()).contains("TURN  KIND        MODEL/TOOL")
        .containsPattern("\\n +1  model_call  us\\.anthropic\\.claude-sonnet-4-\\S* +\\d+ in / \\d+ out tokens, tool_use +\\d+ ms\\n")
        .containsPattern("\\n +1  tool_call   list_files +\\d+ bytes, sha256 [0-9a-f]{12} +\\d+ ms\\n")
        .contains("write_document");

    Result unknown = gantry("show", id, "--transcript", "deploy");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("has no transcript for stage 'deploy'; stages with one: architect, changeset, plan");

    Path stored;
    try (var files = Files.walk(home)) {
      stored = files.filter(f -> f.endsWith(Path.of(id, "transcript-architect.jsonl"))).findFirst().orElseThrow();
    }
    Files.writeString(stored, "{\"kind\":\"model_call\"}\n", java.nio.file.StandardOpenOption.APPEND);

    Result changed = gantry("show", id, "--transcript", "architect");
    assertThat(changed.exitCode()).isEqualTo(1);
    assertThat(changed.out()).contains("MISMATCH (stored ").doesNotContain("model_call");
    assertThat(changed.err()).contains("transcript-architect.jsonl is not the document the session recorded; not printed");
  }

  @Test
  void replay_reruns_a_session_on_its_recorded_answers_says_identical_and_refuses_a_changed_transcript() throws IOException {
    String id = runWaitingForApproval();

    Result replay = gantry("replay", id);

    assertThat(replay.exitCode()).as(replay.out() + replay.err()).isZero();
    assertThat(replay.out()).contains("replaying session " + id + " with its recorded model answers; no model is called",
        "checkout   SUCCEEDED", "copied from session " + id, "architect  SUCCEEDED", "plan       SUCCEEDED",
        "validate   SUCCEEDED", "not replayed:\n  changeset  calls CloudFormation (MAKE_CHANGE_SETS)\n",
        "  approval   waits for a person's decision", "compared architect, plan, validate: ", "\nidentical\n")
        .doesNotContain("changeset  started");
    Matcher replayed = Pattern.compile("session ([0-9a-f-]{36}): SUCCEEDED, a replay of " + id).matcher(replay.out());
    assertThat(replayed.find()).isTrue();

    Result show = gantry("show", replayed.group(1));
    assertThat(show.exitCode()).as(show.out()).isZero();
    assertThat(show.out()).contains("replay of   " + id, "replay.json", "ReplayCompared", "verdict=identical");

    Result unknown = gantry("replay", "no-such-session");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err().lines()).containsExactly("gantry: no session with id no-such-session");

    Path stored;
    try (var files = Files.walk(home)) {
      stored = files.filter(f -> f.endsWith(Path.of(id, "transcript-plan.jsonl"))).findFirst().orElseThrow();
    }
    Files.writeString(stored, "{\"kind\":\"model_call\"}\n", java.nio.file.StandardOpenOption.APPEND);
    Result changed = gantry("replay", id);
    assertThat(changed.exitCode()).isEqualTo(1);
    assertThat(changed.err()).startsWith("gantry: refused: transcript-plan.jsonl of session " + id + " has sha256 ")
        .contains("it was changed after it was written; nothing was replayed");
  }

  @ParameterizedTest
  @MethodSource("verbs")
  void every_verb_prints_its_usage_with_only_its_own_options_and_exits_0(String verb) {
    for (List<String> args : List.of(List.of(verb, "--help"), List.of(verb, "-h"), List.of("help", verb))) {
      Result help = gantry(args.toArray(String[]::new));

      assertThat(help.exitCode()).as(args + ": " + help.err()).isZero();
      assertThat(help.err()).as(args.toString()).isEmpty();
      assertThat(help.out()).as(args.toString()).startsWith("Usage: gantry " + verb).contains("-h, --help");
      boolean runsAgents = AGENT_VERBS.contains(verb);
      for (String option : List.of("--model=", "--endpoint=", "--model-id=")) {
        assertThat(help.out().contains(option)).as(args + " shows " + option).isEqualTo(runsAgents);
      }
      assertThat(help.out().contains("--agents=")).as(args + " shows --agents").isEqualTo(AGENT_FOLDER_VERBS.contains(verb));
    }
    assertThat(home).isEmptyDirectory(); // help starts no engine and writes nothing
  }

  static List<String> verbs() {
    return VERBS;
  }

  @Test
  void the_command_lists_every_verb_and_the_pipeline_stages_and_help_exits_0() {
    for (String[] args : List.of(new String[] {"--help"}, new String[] {"help"})) {
      Result help = gantry(args);

      assertThat(help.exitCode()).isZero();
      String stages = PipelineDefinition.standard().stages().stream().map(StageDefinition::name)
          .collect(java.util.stream.Collectors.joining(" -> "));
      assertThat(help.out()).startsWith("Usage: gantry").contains("Exit codes:");
      assertThat(help.out().replaceAll("\\s+", " ")).contains(stages);
      for (String verb : VERBS) {
        assertThat(help.out()).containsPattern("(?m)^  " + verb + "\\s");
      }
    }
    Result none = gantry();
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("Missing required subcommand").contains("Usage: gantry");
  }

  @Test
  void the_agents_verb_names_its_folder_one_way() {
    Result help = gantry("agents", "--help");
    assertThat(help.out()).contains("--dir=DIR").doesNotContain("--agents");

    Result old = gantry("agents", "--agents", FIXTURES.toString());
    assertThat(old.exitCode()).isEqualTo(2);
    assertThat(old.err()).startsWith("Unknown options: '--agents'");
  }
}
