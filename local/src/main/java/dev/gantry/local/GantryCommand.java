package dev.gantry.local;

import dev.gantry.agent.AgentCatalog;
import dev.gantry.agent.AgentDefinition;
import dev.gantry.agent.AgentDefinitionException;
import dev.gantry.agent.ToolMapping;
import dev.gantry.config.EnvironmentVariables;
import dev.gantry.config.Settings;
import dev.gantry.deploy.Finding;
import dev.gantry.deploy.PendingChangeSet;
import dev.gantry.deploy.TemplateValidator;
import dev.gantry.deploy.ValidationReport;
import dev.gantry.document.DocumentRef;
import dev.gantry.hash.Sha256;
import dev.gantry.json.Json;
import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.SessionRecovery;
import dev.gantry.pipeline.StageDefinition;
import dev.gantry.pipeline.StageListener;
import dev.gantry.pipeline.replay.ReplayRefusedException;
import dev.gantry.pipeline.replay.ReplayReport;
import dev.gantry.push.PushRules;
import dev.gantry.push.WebhookSecrets;
import dev.gantry.session.AuditEntry;
import dev.gantry.session.DecisionRefusedException;
import dev.gantry.session.InvalidRequestException;
import dev.gantry.session.Session;
import dev.gantry.session.SessionNotFoundException;
import dev.gantry.session.SessionRequest;
import dev.gantry.session.SessionService;
import dev.gantry.session.SessionStatus;
import dev.gantry.session.StageRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code gantry} command: runs sessions on one machine with embedded DynamoDB Local and an
 * S3-compatible server under {@code GANTRY_HOME} (default {@code ~/.gantry}).
 *
 * <p>Every verb answers {@code --help} (and {@code gantry help VERB}) with its usage and exit code
 * 0, and shows only the options it uses: the model and agent options belong to the verbs that run
 * agents ({@code run}, {@code approve}, {@code serve}).
 *
 * <p>Exit codes (listed once, in {@code exitCodeList} below, which {@code --help} prints): {@link
 * CommandLine.ExitCode#OK}, {@link #FAILED}, {@link #BAD_ARGUMENTS}.
 */
@Command(
    name = "gantry",
    scope = CommandLine.ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    version = "gantry 0.1.0",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      CommandLine.ExitCode.OK + ":success, a session waiting for approval, an identical replay, or help",
      GantryCommand.FAILED + ":a session failed or was rejected, show found a broken audit chain or a changed "
          + "document, a replay diverged or its recording was changed, agent files failed to load, or a template has "
          + "blocking findings",
      GantryCommand.BAD_ARGUMENTS + ":bad arguments (or a template that cannot be read); nothing changed"
    },
    subcommands = {
      GantryCommand.Run.class, GantryCommand.Sessions.class, GantryCommand.Show.class,
      GantryCommand.Approve.class, GantryCommand.Reject.class, GantryCommand.Cancel.class, GantryCommand.Agents.class, GantryCommand.Pipelines.class,
      GantryCommand.Serve.class,
      GantryCommand.Validate.class, GantryCommand.Replay.class, GantryCommand.Completion.class, CommandLine.HelpCommand.class
    })
public final class GantryCommand {
  static final int FAILED = 1;
  static final int BAD_ARGUMENTS = 2;

  private GantryCommand() {}

  /**
   * Runs the command line and exits the JVM (DynamoDB Local leaves a non-daemon thread behind).
   *
   * @param args command-line arguments
   */
  public static void main(String[] args) {
    System.exit(execute(args, System.getenv(), System.out, System.err));
  }

  /** Runs the command line with the given environment and streams; returns the exit code. */
  static int execute(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
    CommandLine cli = new CommandLine(new GantryCommand(), new Factory(environment, out, err));
    cli.getCommandSpec().usageMessage().description(description(dev.gantry.pipeline.Pipelines.standard()));
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(err, true));
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof InvalidRequestException
              || e instanceof SessionNotFoundException
              || e instanceof IllegalArgumentException) {
            err.println("gantry: " + e.getMessage());
            return BAD_ARGUMENTS;
          }
          if (e instanceof dev.gantry.session.AuditKeyUnavailableException) { // names the key file and the fix
            err.println("gantry: " + e.getMessage());
            return FAILED;
          }
          if (e instanceof DecisionRefusedException || e instanceof ReplayRefusedException) {
            err.println("gantry: refused: " + e.getMessage());
            return FAILED;
          }
          throw e;
        });
    return cli.execute(args);
  }

  /** The command's one-line description, naming the pipelines it runs and the default's stages. */
  static String description(dev.gantry.pipeline.Pipelines pipelines) {
    PipelineDefinition standard = pipelines.defaultPipeline();
    return "Run LLM agent pipelines (" + String.join(", ", pipelines.names()) + ") on one machine with embedded DynamoDB"
        + " Local and an S3-compatible server. The default, " + standard.name() + ": " + stageList(standard) + ".";
  }

  /** {@code checkout -> architect -> …}: a pipeline's stages in order. */
  static String stageList(PipelineDefinition pipeline) {
    return pipeline.stages().stream().map(StageDefinition::name).collect(Collectors.joining(" -> "));
  }

  /** The pipeline names, for {@code --pipeline}'s help and completion. */
  static final class PipelineNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return dev.gantry.pipeline.Pipelines.standard().names().iterator();
    }
  }

  /** Gives subcommands the environment and output streams. */
  private record Factory(Map<String, String> environment, PrintStream out, PrintStream err) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      if (Base.class.isAssignableFrom(type)) {
        K command = CommandLine.defaultFactory().create(type);
        ((Base) command).environment = environment;
        ((Base) command).out = out;
        ((Base) command).err = err;
        return command;
      }
      return CommandLine.defaultFactory().create(type);
    }
  }

  /**
   * The embedded engines a verb starts, declared once on the verb's class: a verb that reads only
   * sessions starts DynamoDB Local alone; one that reads or writes documents or the audit log's
   * anchors (every write appends an audit entry, anchored in S3) starts the S3 server too; a verb
   * that reads no session ({@code agents}, {@code pipelines}, {@code validate}, {@code completion})
   * starts none. A verb that opens the stores without declaring it fails at once.
   */
  @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
  @java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE)
  @interface Starts {
    /** The engines, none for a verb that opens no store. */
    EmbeddedEngines.Engine[] value();
  }

  /**
   * The engines {@code verb} declares with {@link Starts}.
   *
   * @throws IllegalStateException when it declares none
   */
  static java.util.Set<EmbeddedEngines.Engine> engines(Class<?> verb) {
    Starts starts = verb.getAnnotation(Starts.class);
    if (starts == null) {
      throw new IllegalStateException(verb.getName() + " does not declare the engines it starts (@GantryCommand.Starts)");
    }
    java.util.Set<EmbeddedEngines.Engine> engines = java.util.EnumSet.noneOf(EmbeddedEngines.Engine.class);
    engines.addAll(List.of(starts.value()));
    return engines;
  }

  /** Shared plumbing of the subcommands. */
  abstract static class Base implements Callable<Integer> {
    Map<String, String> environment = System.getenv();
    PrintStream out = System.out;
    PrintStream err = System.err;

    /** Settings from the environment. */
    Settings settings() {
      return Settings.fromEnvironment(localEnvironment());
    }

    /**
     * The environment with this machine's defaults: checkouts and extracted snapshots under {@code
     * GANTRY_HOME/scratch}, a folder of the user's, not a shared temporary one; {@code GANTRY_HOME}
     * set, so no session's repository lies in it.
     */
    Map<String, String> localEnvironment() {
      Map<String, String> local = new java.util.HashMap<>(environment);
      local.putIfAbsent(EnvironmentVariables.SCRATCH_DIR, dataDirectory().resolve("scratch").toString());
      local.putIfAbsent(EnvironmentVariables.GANTRY_HOME, dataDirectory().toString()); // never a repository's folder
      return local;
    }

    /** The agents folder: Gantry's own {@code agents/}. */
    Path agents() {
      return Path.of(System.getProperty("gantry.agents", "agents"));
    }

    Path dataDirectory() {
      String home = environment.get(EnvironmentVariables.GANTRY_HOME);
      return home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".gantry");
    }

    String actor() {
      return "cli:" + System.getProperty("user.name", "local");
    }

    /** The digest of the change set {@code session} awaits approval of, or null when it has none. */
    static String changeSetDigest(Session session) {
      return session.pendingChangeSet() == null ? null : session.pendingChangeSet().sha256();
    }

    /** Starts the engines this verb declares ({@link Starts}) and wires the runtime, with the settings' model. */
    LocalGantry open(StageListener listener) {
      Settings settings = settings();
      return open(listener, dev.gantry.config.ModelClients.fromSettings(settings));
    }

    /** As above, with the agents' model given. */
    LocalGantry open(StageListener listener, dev.gantry.model.ModelClient model) {
      return new LocalGantry(settings(), dataDirectory(), engines(getClass()), () -> AgentCatalog.load(agents()), listener, model);
    }

    /**
     * Runs the session's remaining stages; if the process is stopped meanwhile (Ctrl-C, SIGTERM),
     * a shutdown hook records the session FAILED with an audit entry instead of leaving it RUNNING.
     */
    Session advance(LocalGantry gantry, Session session) {
      Thread hook = new Thread(() -> {
        if (gantry.runtime().executor().abandon(session.sessionId(), "interrupted: the gantry process was stopped", "interrupted")) {
          System.err.println("gantry: stopped; session " + session.sessionId() + " recorded as FAILED");
        }
      }, "gantry-interrupted");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        return gantry.runtime().executor().advance(session);
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running: it records the outcome
        }
      }
    }

    /**
     * Recovers, before this command's own session, the sessions a stopped gantry process left
     * RUNNING ({@link SessionRecovery}): each is resumed here and now, synchronously, from its last
     * completed stage (its stages print as they run), or ended FAILED "interrupted" when it stopped
     * in a stage that is not safe to run again. A session that fails to resume is reported and
     * does not stop the command.
     */
    void recoverOrphans(LocalGantry gantry) {
      gantry.recovery().recoverAll(recovered -> {
        String id = recovered.session().sessionId();
        if (!recovered.resumed()) {
          out.println("recovered session " + id + ": FAILED (" + recovered.session().failure() + "; the "
              + recovered.stage() + " stage is not safe to run again)");
          return;
        }
        out.println("recovered session " + id + ": its process stopped; resuming at " + recovered.stage());
        try {
          Session resumed = advance(gantry, recovered.session());
          out.println("session " + id + ": " + resumed.status() + (resumed.failure() == null ? "" : " (" + resumed.failure() + ")"));
        } catch (RuntimeException e) {
          err.println("gantry: session " + id + " could not be resumed: " + e.getMessage());
        }
      });
    }

    int finish(Session session, LocalGantry gantry) {
      out.println();
      out.println("session " + session.sessionId() + ": " + session.status()
          + (session.failure() == null ? "" : " (" + session.failure() + ")"));
      if (session.status() == SessionStatus.AWAITING_APPROVAL) {
        out.println("  awaiting approval of " + session.pendingDocument() + " digest " + session.pendingDigest());
        printChangeSet(session, "  ", out);
        printAcknowledged(session, gantry, "  ", out);
        out.println("  approve: ./gantry approve " + session.sessionId());
        out.println("  reject:  ./gantry reject " + session.sessionId() + " --reason \"...\"");
      }
      out.println("documents:");
      session.documents().values().stream()
          .sorted(java.util.Comparator.comparing(DocumentRef::name))
          .forEach(d -> out.printf("  %-16s %7d bytes  %s%n", d.name(), d.sizeBytes(), gantry.documents().locationOf(d.key())));
      out.println("  files under " + dataDirectory().resolve("s3").resolve(settings().documentsBucket()));
      return session.status() == SessionStatus.FAILED || session.status() == SessionStatus.REJECTED ? FAILED : 0;
    }
  }

  /**
   * Prints the findings the template acknowledges (they do not block; a reviewer should see why),
   * read from the session's {@code validation.json}.
   */
  static void printAcknowledged(Session session, LocalGantry gantry, String indent, PrintStream out) {
    DocumentRef validation = session.documents().get("validation.json");
    if (validation == null) {
      return;
    }
    gantry.documents().get(validation.key())
        .map(bytes -> dev.gantry.json.Json.read(new String(bytes, java.nio.charset.StandardCharsets.UTF_8),
            dev.gantry.deploy.ValidationReport.class))
        .ifPresent(report -> report.findings().stream().filter(f -> f.acknowledgement() != null).forEach(f ->
            out.println(indent + "acknowledged " + f.severity() + " " + f.rule() + " at " + f.location()
                + (f.line() == null ? "" : " (line " + f.line() + ")") + ": " + f.acknowledgement())));
  }

  /** Prints the change set awaiting approval: its id, digest, summary and every risk flag. */
  static void printChangeSet(Session session, String indent, PrintStream out) {
    PendingChangeSet changeSet = session.pendingChangeSet();
    if (changeSet == null) {
      return;
    }
    out.println(indent + "change set " + changeSet.changeSetId() + (changeSet.mode().equals(Settings.DEPLOY_DRY_RUN) ? " (dry run)" : ""));
    out.println(indent + "  changeset.json sha256 " + changeSet.sha256());
    out.println(indent + "  " + changeSet.summary());
    changeSet.risks().forEach(risk -> out.println(indent + "  risk " + risk.kind() + ": " + risk.message()));
  }

  /** The model options of the verbs that run agents. */
  static final class ModelOptions {
    @Option(names = "--model", paramLabel = "PROVIDER",
        description = "Model provider: offline (default), bedrock (region and credentials from the AWS environment) "
            + "or openai-compatible (with --endpoint). Overrides GANTRY_MODEL_PROVIDER.")
    String provider;

    @Option(names = "--endpoint", paramLabel = "URL",
        description = "Model endpoint: an OpenAI-compatible base URL (e.g. http://localhost:11434/v1), or a Bedrock "
            + "Runtime endpoint override.")
    String endpoint;

    @Option(names = "--model-id", paramLabel = "ID",
        description = "Default model id for agents whose model is 'inherit' (Bedrock: a model or inference profile id).")
    String modelId;

    /** The environment with these options laid over it. */
    Map<String, String> over(Map<String, String> environment) {
      Map<String, String> configured = new java.util.HashMap<>(environment);
      if (provider != null) {
        configured.put(EnvironmentVariables.MODEL_PROVIDER, provider);
      }
      if (modelId != null) {
        configured.put(EnvironmentVariables.MODEL_ID, modelId);
      }
      if (endpoint != null) {
        boolean bedrock = Settings.BEDROCK.equals(configured.get(EnvironmentVariables.MODEL_PROVIDER));
        configured.put(bedrock ? EnvironmentVariables.BEDROCK_ENDPOINT : EnvironmentVariables.MODEL_ENDPOINT, endpoint);
      }
      return configured;
    }
  }

  /** A verb that runs agents: it takes the model options and the agents folder. */
  abstract static class AgentVerb extends Base {
    @Mixin ModelOptions model;

    @Option(names = "--agents", paramLabel = "DIR",
        description = "Folder of agent definitions (*.md, subfolders included; default: Gantry's agents/).")
    Path agentsDirectory;

    @Option(names = "--deploy", paramLabel = "MODE",
        description = "How change sets reach stacks: dry-run (default: previews, nothing executed) or cloudformation "
            + "(real change sets with AWS_REGION, the default credentials, GANTRY_DEPLOY_ROLE_ARN and "
            + "AWS_ENDPOINT_URL_CLOUDFORMATION). Overrides GANTRY_DEPLOY_MODE.")
    String deployMode;

    @Override
    Settings settings() {
      Map<String, String> configured = model.over(localEnvironment());
      if (deployMode != null) {
        configured.put(EnvironmentVariables.DEPLOY_MODE, deployMode);
      }
      return Settings.fromEnvironment(configured);
    }

    @Override
    Path agents() {
      return agentsDirectory != null ? agentsDirectory : super.agents();
    }
  }

  @Starts({EmbeddedEngines.Engine.DYNAMODB, EmbeddedEngines.Engine.S3})
  @Command(name = "run", description = "Start a session on a repository and run it to the approval gate (or to the end with --approve).")
  static final class Run extends AgentVerb {
    @Option(names = "--repo", required = true, paramLabel = "PATH|URL",
        description = "A repository folder (read as it is on disk), or a clone URL (https://, http:// or file://) whose "
            + "commit the checkout stage pins.")
    String repository;

    @Option(names = "--ref", paramLabel = "REF", description = "With a URL: the branch or tag to check out (default: the remote's HEAD).")
    String ref;

    @Option(names = "--commit", paramLabel = "SHA", description = "With a URL: the commit to check out (40 hex digits).")
    String commit;

    @Option(names = "--goal", required = true, paramLabel = "TEXT", description = "What to build.")
    String goal;

    @Option(names = "--stack", paramLabel = "NAME", description = "CloudFormation stack name (default gantry-<directory>).")
    String stack;

    @Option(names = "--pipeline", paramLabel = "NAME", completionCandidates = PipelineNames.class,
        description = "The pipeline to run: ${COMPLETION-CANDIDATES} (default: the first; gantry pipelines describes them).")
    String pipeline;

    @Option(names = "--approve", description = "Approve what awaits approval (the template and change set, or the patch) as soon as it is ready, without waiting.")
    boolean approve;

    @Override
    public Integer call() {
      if (goal == null || goal.isBlank()) {
        throw new InvalidRequestException("goal", "--goal is empty: say what to build, e.g. --goal \"a REST API for orders\"");
      }
      boolean url = repository.contains("://");
      if (!url && !Files.isDirectory(Path.of(repository))) {
        throw new InvalidRequestException("repo", "--repo " + repository + " is not a directory (or a clone URL)");
      }
      if (!url && (ref != null || commit != null)) {
        throw new InvalidRequestException("repo", "--ref and --commit need a clone URL; a folder is read as it is on disk "
            + "(use --repo file://" + Path.of(repository).toAbsolutePath().normalize() + " to check out a ref of it)");
      }
      try (LocalGantry gantry = open(new ConsoleOutput(out))) {
        recoverOrphans(gantry);
        // the folder the user named is the one root a run reads (GANTRY_REPOSITORY_ROOTS is gantry serve's)
        SessionService sessions = url ? gantry.runtime().sessions() : gantry.runtime().sessions().readingOnlyUnder(Path.of(repository));
        SessionRequest request = url
            ? new SessionRequest(goal, null, repository, ref, commit, stack, pipeline, Map.of(), "cli", null, null)
            : SessionRequest.local(goal, repository, stack, pipeline);
        Session session = sessions.start(request, actor()).session();
        out.println("session " + session.sessionId() + " on " + session.repository() + " (stack " + session.stackName()
            + ", pipeline " + gantry.runtime().executor().definition(session).name() + ")");
        session = advance(gantry, session);
        if (approve && session.status() == SessionStatus.AWAITING_APPROVAL) {
          Session waiting = session;
          session = sessions.decide(session.sessionId(), true, session.pendingDigest(), changeSetDigest(session),
              actor() + " (--approve)", "approved with --approve");
          // nobody reviewed it: print what was approved, as finish() does for a session left waiting
          out.println("  approval   APPROVED by " + session.decision().actor() + " for digest " + waiting.pendingDigest());
          printChangeSet(waiting, "             ", out);
          session = advance(gantry, session);
        }
        return finish(session, gantry);
      }
    }
  }

  /** {@code --json}: one JSON document on standard output, nothing else there (messages go to standard error). */
  static final class JsonOutput {
    @Option(names = "--json", description = "Print one JSON document on standard output instead of text (the HTTP API's shapes).")
    boolean json;
  }

  @Starts({})
  @Command(name = "completion", description = {"Print a shell completion script for the gantry command (verbs, options, pipeline names).",
      "bash: source <(./gantry completion bash); zsh: autoload -U +X compinit bashcompinit && compinit && bashcompinit, "
          + "then source <(./gantry completion zsh)."})
  static final class Completion implements java.util.concurrent.Callable<Integer> {
    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    String shell;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      if (!shell.equals("bash") && !shell.equals("zsh")) {
        throw new InvalidRequestException("shell", "no completion for '" + shell + "': use bash or zsh");
      }
      // picocli's script is for bash, and runs in zsh through bashcompinit (it checks $ZSH_VERSION itself)
      spec.commandLine().getOut().print(picocli.AutoComplete.bash("gantry", spec.root().commandLine()));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Starts(EmbeddedEngines.Engine.DYNAMODB)
  @Command(name = "sessions", description = "List sessions, newest first.")
  static final class Sessions extends Base {
    @Option(names = "--limit", defaultValue = "50", paramLabel = "N", description = "How many (default 50).")
    int limit;

    @picocli.CommandLine.Mixin
    JsonOutput output;

    @Override
    public Integer call() {
      try (LocalGantry gantry = open(StageListener.NONE)) {
        var sessions = gantry.runtime().sessions().list(limit);
        if (output.json) {
          dev.gantry.api.SessionViews views = new dev.gantry.api.SessionViews(gantry.documents(), session -> java.util.Optional.empty());
          out.println(Json.pretty(new dev.gantry.api.SessionViews.Listing(sessions.stream().map(views::summary).toList(), null)));
          return 0;
        }
        out.printf("%-36s  %-17s  %-9s  %-20s  %s%n", "SESSION", "STATUS", "STAGE", "CREATED", "GOAL");
        for (Session s : sessions) {
          out.printf("%-36s  %-17s  %-9s  %-20s  %s%n", s.sessionId(), s.status(), s.currentStage() == null ? "-" : s.currentStage(),
              s.createdAt().toString().substring(0, 19) + "Z", abbreviate(s.goal(), 60));
        }
        if (sessions.isEmpty()) {
          out.println("(no sessions yet: start one with ./gantry run --repo PATH --goal TEXT)");
        }
        // reported, not recovered: listing never waits on a recovery
        for (SessionRecovery.Orphan orphan : gantry.recovery().orphans()) {
          out.println("orphaned: " + orphan.session().sessionId() + " is RUNNING but no process runs it (" + orphan.why()
              + "); the next ./gantry run or ./gantry serve recovers it");
        }
        return 0;
      }
    }
  }

  @Starts({EmbeddedEngines.Engine.DYNAMODB, EmbeddedEngines.Engine.S3})
  @Command(name = "show", description = "Show a session: stages, documents (SHA-256 checked), audit log (chain, MACs and anchors checked), usage; "
      + "or, with --transcript, one agent stage's model and tool calls.")
  static final class Show extends Base {
    @Parameters(paramLabel = "ID", description = "Session id.")
    String sessionId;

    @Option(names = "--transcript", paramLabel = "STAGE",
        description = "Print the stage's transcript (transcript-STAGE.jsonl) instead, one line per model or tool call, "
            + "after checking its SHA-256 against the session.")
    String transcriptStage;

    @picocli.CommandLine.Mixin
    JsonOutput output;

    /** {@code gantry show --json}: the API's session view, each document's SHA-256 check, and the audit log with its check. */
    record ShowView(dev.gantry.api.SessionViews.Detail session, Map<String, String> documentChecks,
        dev.gantry.api.SessionViews.ChainCheck chain, List<dev.gantry.api.SessionViews.AuditView> audit) {}

    @Override
    public Integer call() {
      try (LocalGantry gantry = open(StageListener.NONE)) {
        SessionService sessions = gantry.runtime().sessions();
        Session s = sessions.get(sessionId);
        if (transcriptStage != null) {
          return transcript(s, gantry);
        }
        if (output.json) {
          Map<String, String> checks = new java.util.TreeMap<>();
          for (DocumentRef d : s.documents().values()) {
            String actual = gantry.documents().get(d.key()).map(Sha256::hex).orElse(null);
            checks.put(d.name(), d.sha256().equals(actual) ? "verified" : actual == null ? "missing" : "mismatch");
          }
          SessionService.AuditLog audit = sessions.audit(sessionId);
          out.println(Json.pretty(new ShowView(new dev.gantry.api.SessionViews(gantry.documents(), x -> java.util.Optional.empty())
              .detail(s), checks, dev.gantry.api.SessionViews.ChainCheck.of(audit.verification()),
              audit.entries().stream().map(dev.gantry.api.SessionViews::audit).toList())));
          return audit.verification().valid() && checks.values().stream().allMatch("verified"::equals) ? 0 : FAILED;
        }
        out.println("session     " + s.sessionId());
        out.println("status      " + s.status() + (s.failure() == null ? "" : " (" + s.failure() + ")"));
        if (s.origin() != null && s.origin().replayOf() != null) {
          out.println("replay of   " + s.origin().replayOf() + " (its recorded model answers; see "
              + dev.gantry.pipeline.replay.SessionReplay.DOCUMENT + ")");
        }
        out.println("goal        " + s.goal());
        out.println("repository  " + s.repository());
        if (s.checkout() != null) {
          out.println("commit      " + (s.checkout().commit() == null ? "working tree (not a Git commit)" : s.checkout().commit())
              + (s.checkout().ref() == null ? "" : " (" + s.checkout().ref() + ")"));
          DocumentRef snapshot = s.documents().get(dev.gantry.repo.SnapshotArchive.DOCUMENT_NAME);
          if (snapshot != null) {
            out.println("snapshot    sha256 " + snapshot.sha256() + ", " + s.checkout().fileCount() + " files, "
                + s.checkout().byteCount() + " bytes");
          }
        }
        out.println("stack       " + s.stackName());
        out.println("created     " + s.createdAt() + ", updated " + s.updatedAt());
        out.println("usage       " + ConsoleOutput.usage(s.usage()));
        if (s.status() == SessionStatus.AWAITING_APPROVAL) {
          out.println("awaiting    approval of " + s.pendingDocument() + " digest " + s.pendingDigest());
          printChangeSet(s, "            ", out);
          printAcknowledged(s, gantry, "            ", out);
        } else if (s.decision() != null) {
          out.println("decision    " + s.decision().decision() + " by " + s.decision().actor() + " for digest " + s.decision().digest()
              + (s.decision().changeSetId() == null ? "" : " and change set " + s.decision().changeSetId()
                  + " (changeset.json sha256 " + s.decision().changeSetDigest() + ")"));
        }
        out.println();
        out.println("stages (" + s.stages().size() + ")");
        for (StageRecord r : s.stages()) {
          out.printf("  %-10s %-9s %8s  attempts %d  %s  %s%n", r.name(), r.status(),
              r.endedAt() == null ? "-" : ConsoleOutput.seconds(r.durationMillis()), r.attempts(),
              ConsoleOutput.usage(r.usage()), r.summary() == null ? "" : r.summary());
          if (r.droppedTools() != null && !r.droppedTools().isEmpty()) {
            out.println("             tools not offered: " + String.join("; ", r.droppedTools()));
          }
        }
        out.println();
        out.println("documents (" + s.documents().size() + ")");
        int mismatches = 0;
        for (DocumentRef d : s.documents().values().stream().sorted(java.util.Comparator.comparing(DocumentRef::name)).toList()) {
          String actual = gantry.documents().get(d.key()).map(Sha256::hex).orElse(null);
          boolean ok = d.sha256().equals(actual);
          mismatches += ok ? 0 : 1;
          out.printf("  %-26s %7d bytes  sha256 %s  %s  %s%n", d.name(), d.sizeBytes(), d.sha256(),
              ok ? "verified" : actual == null ? "MISSING" : "MISMATCH", gantry.documents().locationOf(d.key()));
        }
        SessionService.AuditLog audit = sessions.audit(sessionId);
        out.println();
        out.println("audit log (" + audit.entries().size() + " entries, " + audit.verification().summary() + ")");
        for (AuditEntry e : audit.entries()) {
          String details = new java.util.TreeMap<>(e.details()).entrySet().stream()
              .filter(d -> !d.getValue().isEmpty())
              .map(d -> d.getKey() + "=" + abbreviate(d.getValue(), 70))
              .collect(Collectors.joining(", "));
          out.printf("  %3d  %s  %-22s %-18s %s%n", e.seq(), e.at(), abbreviate(e.actor(), 22), e.action(), details);
        }
        return audit.verification().valid() && mismatches == 0 ? 0 : FAILED;
      }
    }

    /** Prints a stage's transcript once its SHA-256 matches the session's record; a changed or missing one prints nothing else. */
    private int transcript(Session s, LocalGantry gantry) {
      String name = dev.gantry.agent.Transcript.documentName(transcriptStage);
      DocumentRef ref = s.documents().get(name);
      if (ref == null) {
        List<String> stages = s.documents().keySet().stream().filter(n -> n.startsWith("transcript-") && n.endsWith(".jsonl"))
            .map(n -> n.substring("transcript-".length(), n.length() - ".jsonl".length())).sorted().toList();
        throw new InvalidRequestException("transcript", "session " + s.sessionId() + " has no transcript for stage '"
            + transcriptStage + "'; stages with one: " + (stages.isEmpty() ? "none" : String.join(", ", stages)));
      }
      byte[] bytes = gantry.documents().get(ref.key()).orElse(null);
      String actual = bytes == null ? null : Sha256.hex(bytes);
      boolean ok = ref.sha256().equals(actual);
      out.printf("%s  %d bytes  sha256 %s  %s  %s%n", name, ref.sizeBytes(), ref.sha256(),
          ok ? "verified" : actual == null ? "MISSING" : "MISMATCH (stored " + actual + ")", gantry.documents().locationOf(ref.key()));
      if (!ok) {
        err.println("gantry: " + name + " is not the document the session recorded; not printed");
        return FAILED;
      }
      TranscriptLines.of(dev.gantry.agent.Transcript.parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)))
          .forEach(out::println);
      return 0;
    }
  }

  @Starts({EmbeddedEngines.Engine.DYNAMODB, EmbeddedEngines.Engine.S3})
  @Command(name = "approve", description = "Approve what awaits approval (the template and change set, or the patch), then run the stages after it.")
  static final class Approve extends AgentVerb {
    @Parameters(paramLabel = "ID", description = "Session id.")
    String sessionId;

    @Option(names = "--digest", paramLabel = "SHA256", description = "The digest you approve, of the template or the patch (default: the one 'show' displays).")
    String digest;

    @Option(names = "--change-set-digest", paramLabel = "SHA256",
        description = "The changeset.json digest you approve (default: the one 'show' displays).")
    String changeSetDigest;

    @Override
    public Integer call() {
      LocalGantry gantry = open(new ConsoleOutput(out));
      try {
        Session waiting = gantry.runtime().sessions().get(sessionId);
        String madeWith = waiting.pendingChangeSet() == null ? null : waiting.pendingChangeSet().mode();
        if (madeWith != null && !madeWith.equals(settings().deploy().mode())) {
          if (deployMode != null) {
            throw new InvalidRequestException("deploy", "session " + sessionId + "'s change set was made with --deploy "
                + madeWith + ": approve it with the same mode (or leave --deploy out)");
          }
          // deploy the way the change set was made: a dry-run preview cannot be executed in CloudFormation, nor the reverse
          deployMode = madeWith;
          LocalGantry first = gantry;
          gantry = null;
          first.close();
          gantry = open(new ConsoleOutput(out));
        }
        return approve(gantry, waiting);
      } finally {
        if (gantry != null) {
          gantry.close();
        }
      }
    }

    private int approve(LocalGantry gantry, Session waiting) {
      SessionService sessions = gantry.runtime().sessions();
      String approved = digest != null ? digest : waiting.pendingDigest();
      Session session = sessions.decide(sessionId, true, approved,
          changeSetDigest != null ? changeSetDigest : changeSetDigest(waiting), actor(), null);
      out.println("  approval   APPROVED by " + actor() + " for digest " + approved
          + (session.decision().changeSetId() == null ? "" : " and change set " + session.decision().changeSetId()));
      session = advance(gantry, session);
      return finish(session, gantry);
    }
  }

  @Starts({EmbeddedEngines.Engine.DYNAMODB, EmbeddedEngines.Engine.S3})
  @Command(name = "reject", description = "Reject the template and change set awaiting approval; the session ends REJECTED.")
  static final class Reject extends Base {
    @Parameters(paramLabel = "ID", description = "Session id.")
    String sessionId;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why.")
    String reason;

    @Option(names = "--digest", paramLabel = "SHA256", description = "The digest you reject, of the template or the patch (default: the one awaiting approval).")
    String digest;

    @Option(names = "--change-set-digest", paramLabel = "SHA256",
        description = "The changeset.json digest you reject (default: the one awaiting approval).")
    String changeSetDigest;

    @Override
    public Integer call() {
      try (LocalGantry gantry = open(StageListener.NONE)) {
        SessionService sessions = gantry.runtime().sessions();
        Session waiting = sessions.get(sessionId);
        String rejected = digest != null ? digest : waiting.pendingDigest();
        Session session = sessions.decide(sessionId, false, rejected,
            changeSetDigest != null ? changeSetDigest : changeSetDigest(waiting), actor(), reason);
        out.println("session " + session.sessionId() + ": " + session.status() + " by " + actor() + ": " + reason);
        return 0;
      }
    }
  }

  @Starts({EmbeddedEngines.Engine.DYNAMODB, EmbeddedEngines.Engine.S3})
  @Command(name = "cancel", description = "Cancel a running or waiting session (one a stopped gantry left RUNNING included); "
      + "it ends CANCELLED with an audit entry.")
  static final class Cancel extends Base {
    @Parameters(paramLabel = "ID", description = "Session id.")
    String sessionId;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why (recorded in the audit log).")
    String reason;

    @Override
    public Integer call() {
      try (LocalGantry gantry = open(StageListener.NONE)) {
        SessionService sessions = gantry.runtime().sessions();
        Session current = sessions.get(sessionId);
        if (current.status().terminal()) {
          err.println("gantry: session " + sessionId + " is " + current.status() + ": it has ended, nothing to cancel");
          return FAILED;
        }
        Session session = sessions.cancel(sessionId, actor(), reason);
        out.println("session " + session.sessionId() + ": " + session.status() + " by " + actor()
            + (reason == null ? "" : ": " + reason));
        return 0;
      }
    }
  }

  @Starts({})
  @Command(name = "agents", description = "List the agents of a folder (subfolders included) with the tools they are offered and "
      + "what Gantry makes of their frontmatter (fields ignored and why, likely misspellings), and report each file that fails to load.")
  static final class Agents extends Base {
    @Option(names = "--dir", paramLabel = "DIR",
        description = "Folder of *.md agent files, subfolders included, e.g. ~/.claude/agents (default: Gantry's agents/).")
    Path directory;

    @picocli.CommandLine.Mixin
    JsonOutput output;

    @Override
    public Integer call() {
      Path dir = directory != null ? directory : agents();
      if (!Files.isDirectory(dir)) {
        throw new InvalidRequestException("dir", "agent directory not found: " + dir);
      }
      AgentCatalog catalog = AgentCatalog.load(dir);
      if (output.json) {
        out.println(Json.pretty(dev.gantry.api.AgentRoutes.listing(catalog)));
        return catalog.problems().isEmpty() ? 0 : FAILED;
      }
      out.printf("%-28s %-8s %-62s %s%n", "NAME", "MODEL", "TOOLS", "FILE");
      for (AgentDefinition a : catalog.agents()) {
        ToolMapping.Selection tools = ToolMapping.select(a);
        String offered = tools.offered().stream().map(t -> t.toolName()).collect(Collectors.joining(","));
        String dropped = tools.dropped().isEmpty() ? "" : " (not offered: "
            + tools.dropped().stream().map(ToolMapping.DroppedTool::name).collect(Collectors.joining(",")) + ")";
        out.printf("%-28s %-8s %-62s %s%n", a.name(), abbreviate(a.model(), 8), offered + dropped, catalog.displayName(a.source()));
        a.maxTurns().ifPresent(turns -> out.println("  maxTurns: at most " + turns + " model calls (never more than GANTRY_MAX_TURNS)"));
        a.initialPrompt().ifPresent(prompt -> out.println("  initialPrompt: sent first: " + abbreviate(prompt, 80)));
        tools.withheld().forEach((tool, reason) -> out.println("  withheld: " + tool.toolName() + ": " + reason));
        a.notes().forEach(note -> out.println("  " + note));
      }
      for (AgentDefinitionException p : catalog.problems()) {
        out.println("error: " + p.getMessage());
      }
      out.printf(Locale.ROOT, "%d loaded, %d failed%n", catalog.agents().size(), catalog.problems().size());
      return catalog.problems().isEmpty() ? 0 : FAILED;
    }
  }

  @Starts({})
  @Command(name = "pipelines", description = "List the pipelines a session can run, with their stages and agent roles.")
  static final class Pipelines extends Base {
    @picocli.CommandLine.Mixin
    JsonOutput output;

    /** A pipeline in {@code gantry pipelines --json}. */
    record PipelineView(String name, boolean isDefault, String description, List<StageView> stages) {}

    /** A stage in {@code gantry pipelines --json}: its agent role, if any, and whether a person approves there. */
    record StageView(String name, String agentRole, boolean approvalGate) {}

    @Override
    public Integer call() {
      dev.gantry.pipeline.Pipelines pipelines = dev.gantry.pipeline.Pipelines.standard();
      if (output.json) {
        out.println(Json.pretty(pipelines.pipelines().stream().map(p -> new PipelineView(p.name(), p == pipelines.defaultPipeline(),
            p.description(), p.stages().stream().map(st -> new StageView(st.name(), st.agent().orElse(null), st.approvalGate())).toList()))
            .toList()));
        return 0;
      }
      for (PipelineDefinition pipeline : pipelines.pipelines()) {
        out.println(pipeline.name() + (pipeline == pipelines.defaultPipeline() ? " (default)" : "") + ": " + pipeline.description());
        out.println("  stages: " + pipeline.stages().stream()
            .map(s -> s.name() + s.agent().map(role -> " [" + role + " agent]").orElse("") + (s.approvalGate() ? " [a person approves]" : ""))
            .collect(Collectors.joining(" -> ")));
      }
      out.println("Choose one with gantry run --pipeline NAME, \"pipeline\" in POST /sessions, or pipeline: in a push rule.");
      return 0;
    }
  }

  @Starts({EmbeddedEngines.Engine.DYNAMODB, EmbeddedEngines.Engine.S3})
  @Command(name = "serve", description = "Serve the HTTP API on 127.0.0.1 with the embedded stores until stopped (Ctrl-C).")
  static final class Serve extends AgentVerb {
    @Option(names = "--port", defaultValue = "8080", paramLabel = "N", description = "Port on 127.0.0.1 (default 8080; 0 for any free port).")
    int port;

    @Option(names = "--push-rules", paramLabel = "FILE", description = "Push rules (YAML or JSON): which repositories and branches start sessions.")
    Path pushRules;

    @Override
    public Integer call() throws Exception {
      if (port < 0 || port > 65535) {
        throw new InvalidRequestException("port", "--port " + port + " is not a port: use 0..65535");
      }
      PushRules rules = PushRules.none();
      if (pushRules != null) {
        if (!Files.isRegularFile(pushRules)) {
          throw new InvalidRequestException("push-rules", "--push-rules " + pushRules + " is not a file");
        }
        rules = PushRules.parse(Files.readString(pushRules), pushRules.toString());
      } else if (environment.get(EnvironmentVariables.PUSH_RULES) != null) {
        rules = PushRules.parse(environment.get(EnvironmentVariables.PUSH_RULES), EnvironmentVariables.PUSH_RULES);
      }
      String principalsFile = environment.get(EnvironmentVariables.SERVE_PRINCIPALS);
      String configured = environment.get(EnvironmentVariables.API_TOKEN);
      boolean generated = (configured == null || configured.isBlank()) && principalsFile == null;
      String token = generated ? newToken() : configured;
      ServePrincipals principals;
      if (principalsFile != null) {
        Path file = Path.of(principalsFile);
        if (!Files.isRegularFile(file)) {
          throw new InvalidRequestException("principals", EnvironmentVariables.SERVE_PRINCIPALS + "=" + file + " is not a file");
        }
        java.nio.file.attribute.PosixFileAttributeView view =
            Files.getFileAttributeView(file, java.nio.file.attribute.PosixFileAttributeView.class);
        if (view != null && view.readAttributes().permissions().stream().anyMatch(p -> !p.name().startsWith("OWNER_"))) {
          throw new InvalidRequestException("principals", EnvironmentVariables.SERVE_PRINCIPALS + "=" + file
              + " holds bearer tokens but others may read it: run chmod 600 " + file + " (and replace the tokens if anyone did)");
        }
        principals = ServePrincipals.parse(Files.readString(file), file.toString());
      } else {
        principals = ServePrincipals.single(token, "local:" + System.getProperty("user.name", "user"));
      }
      WebhookSecrets secrets = WebhookSecrets.of(
          environment.get(EnvironmentVariables.GITHUB_WEBHOOK_SECRET), environment.get(EnvironmentVariables.GITLAB_WEBHOOK_TOKEN));
      LocalApiServer.RateLimit limit = LocalApiServer.RateLimit.fromEnvironment(environment);
      LocalGantry gantry = open(StageListener.NONE);
      LocalApiServer server;
      try {
        server = LocalApiServer.start(gantry.api(rules, secrets).router(), port, principals, limit);
      } catch (RuntimeException e) {
        gantry.close();
        throw e;
      }
      Thread stop = new Thread(() -> {
        server.close();
        gantry.close();
      }, "gantry-serve-stop");
      Runtime.getRuntime().addShutdownHook(stop);
      gantry.workflow().recoverInBackground(); // sessions a stopped gantry left RUNNING: resumed here, or FAILED
      out.println("gantry serve: API on " + server.uri() + " (data under " + dataDirectory() + ")");
      out.println(principalsFile != null ? "  tokens: " + principals.size() + " principals from " + principalsFile
          : generated ? "  token: " + token + "   (generated; set GANTRY_API_TOKEN to choose one)" : "  token: from GANTRY_API_TOKEN");
      out.println("  try:   curl -H \"Authorization: Bearer $TOKEN\" " + server.uri() + "/sessions");
      out.println("  web:   " + server.uri() + "/   (the sessions in a browser: paste the token once)");
      out.println("  push rules: " + rules.rules().size() + "; GitHub webhooks " + (secrets.gitHubSecret().isPresent() ? "on" : "off")
          + ", GitLab webhooks " + (secrets.gitLabToken().isPresent() ? "on" : "off"));
      out.println("  rate limit: " + java.math.BigDecimal.valueOf(limit.perSecond()).stripTrailingZeros().toPlainString()
          + " requests/s, bursts of " + limit.burst() + " (GANTRY_SERVE_RATE, GANTRY_SERVE_BURST)");
      out.println("  stop with Ctrl-C");
      server.join();
      return 0;
    }

    private static String newToken() {
      byte[] bytes = new byte[32];
      new java.security.SecureRandom().nextBytes(bytes);
      return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
  }

  @Starts({})
  @Command(name = "validate",
      description = {"Check CloudFormation templates with the validate stage's rules; starts nothing.",
          "Prints one line per finding (file:line: SEVERITY rule: where: what (fix: how)), then a summary per file. "
              + "Exits 1 when a finding blocks (ERROR or HIGH, not acknowledged), 2 when a file cannot be read."})
  static final class Validate extends Base {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Templates to check.")
    List<Path> files;

    @Option(names = "--json", description = "Print the validation reports (as validation.json holds them) as one JSON array instead.")
    boolean json;

    @Override
    public Integer call() {
      Map<Path, String> texts = new LinkedHashMap<>();
      List<String> unreadable = new ArrayList<>();
      for (Path file : files) {
        try {
          texts.put(file, Files.readString(file));
        } catch (NoSuchFileException e) {
          unreadable.add(file + ": no such file");
        } catch (AccessDeniedException e) {
          unreadable.add(file + ": permission denied");
        } catch (CharacterCodingException e) {
          unreadable.add(file + ": not UTF-8 text");
        } catch (IOException e) {
          unreadable.add(file + (Files.isDirectory(file) ? ": is a directory" : ": cannot be read (" + e.getClass().getSimpleName() + ")"));
        }
      }
      if (!unreadable.isEmpty()) {
        throw new IllegalArgumentException("cannot read " + String.join("; ", unreadable));
      }
      TemplateValidator validator = new TemplateValidator();
      List<ValidationReport> reports = new ArrayList<>();
      for (Map.Entry<Path, String> template : texts.entrySet()) {
        ValidationReport report = validator.validate(template.getKey().toString(), template.getValue());
        reports.add(report);
        if (!json) {
          print(report);
        }
      }
      long failed = reports.stream().filter(r -> !r.passed()).count();
      if (json) {
        out.println(Json.pretty(reports));
      } else if (texts.size() > 1) {
        out.printf(Locale.ROOT, "%d templates: %d passed, %d with blocking findings%n", texts.size(), texts.size() - failed,
            failed);
      }
      return failed == 0 ? 0 : FAILED;
    }

    private void print(ValidationReport report) {
      for (Finding f : report.findings()) {
        out.println(line(report.template(), f));
      }
      long blocking = report.findings().stream().filter(Finding::blocks).count();
      long acknowledged = report.findings().stream().filter(f -> f.acknowledgement() != null).count();
      String bySeverity = report.findings().stream()
          .collect(Collectors.groupingBy(Finding::severity, java.util.TreeMap::new, Collectors.counting()))
          .entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
      out.println(report.template() + ": " + (report.passed() ? "passed" : "FAILED")
          + (report.format() == null ? " (does not parse)" : " (" + report.format() + ", " + report.resourceCount() + (report.resourceCount() == 1 ? " resource)" : " resources)"))
          + ": " + report.findings().size() + (report.findings().size() == 1 ? " finding" : " findings")
          + (bySeverity.isEmpty() ? "" : " (" + bySeverity + ")")
          + ", " + blocking + " blocking" + (acknowledged == 0 ? "" : ", " + acknowledged + " acknowledged"));
    }

    /** One finding as {@code file:line: SEVERITY rule: where: what (fix: how)}, compilers' way, for editors to jump to. */
    static String line(String template, Finding f) {
      return template + ":" + (f.line() == null ? "" : f.line() + ":") + " " + f.severity() + " " + f.rule() + ": "
          + f.location() + ": " + f.message() + " (fix: " + f.fix() + ")"
          + (f.acknowledgement() == null ? "" : " acknowledged: " + f.acknowledgement());
    }
  }

  @Starts({EmbeddedEngines.Engine.DYNAMODB, EmbeddedEngines.Engine.S3})
  @Command(name = "replay",
      description = {"Re-run a finished session's stages on its snapshot with the model's recorded answers (its transcripts), "
          + "calling no model, in a new session marked as its replay, and compare each tool result's and document's SHA-256 "
          + "with the recording.",
          "Prints the first divergence or 'identical', and the stages not replayed (the approval gate, CloudFormation and "
              + "everything after them) with why. Exits 0 when identical, 1 on a divergence or a changed recording (nothing "
              + "is replayed then), 2 for an unknown or running session."})
  static final class Replay extends Base {
    @Parameters(paramLabel = "ID", description = "The session to replay.")
    String sessionId;

    @Option(names = "--agents", paramLabel = "DIR",
        description = "Folder of agent definitions to replay with (default: Gantry's agents/): the one the session ran with, "
            + "or a changed one to see what it changes.")
    Path agentsDirectory;

    @Override
    Path agents() {
      return agentsDirectory != null ? agentsDirectory : super.agents();
    }

    @Override
    public Integer call() {
      try (LocalGantry gantry = open(new ConsoleOutput(out), new dev.gantry.model.replay.NoModel("gantry replay calls no model"))) {
        out.println("replaying session " + sessionId + " with its recorded model answers; no model is called");
        ReplayReport report = gantry.runtime().replays().replay(sessionId, actor());
        if (!report.notReplayed().isEmpty()) {
          out.println("not replayed:");
          report.notReplayed().forEach(stage -> out.printf("  %-10s %s%n", stage.name(), stage.reason()));
        }
        report.notCompared().forEach(doc -> out.println("not compared: " + doc.name() + ": " + doc.reason()));
        out.println("compared " + String.join(", ", report.replayed()) + ": " + report.toolResultsCompared() + " tool results, "
            + report.documentsCompared() + " documents");
        if (report.identical()) {
          out.println("identical");
        } else {
          out.println("first divergence: " + report.divergences().get(0).describe());
          if (report.divergences().size() > 1) {
            out.println("  and " + (report.divergences().size() - 1) + " more (see "
                + dev.gantry.pipeline.replay.SessionReplay.DOCUMENT + ")");
          }
        }
        out.println("session " + report.sessionId() + ": " + report.status() + ", a replay of " + report.replayOf()
            + " (./gantry show " + report.sessionId() + ")");
        return report.identical() ? 0 : FAILED;
      }
    }
  }

  static String abbreviate(String text, int max) {
    String flat = text == null ? "" : text.replace('\n', ' ');
    return flat.length() <= max ? flat : flat.substring(0, max - 3) + "...";
  }
}
