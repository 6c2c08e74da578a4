package dev.gantry.config;

/** Names of the environment variables Gantry reads, in one place. Read only by {@link Settings}. */
public final class EnvironmentVariables {
  /** AWS region; set by Lambda. Locally defaults to us-east-1. */
  public static final String AWS_REGION = "AWS_REGION";
  /** Sessions table name. */
  public static final String SESSIONS_TABLE = "GANTRY_SESSIONS_TABLE";
  /** Audit table name. */
  public static final String AUDIT_TABLE = "GANTRY_AUDIT_TABLE";
  /** Documents bucket name. */
  public static final String DOCUMENTS_BUCKET = "GANTRY_DOCUMENTS_BUCKET";
  /** Model provider: {@code offline} (default), {@code bedrock} or {@code openai-compatible}. */
  public static final String MODEL_PROVIDER = "GANTRY_MODEL_PROVIDER";
  /** Prefix of the alias overrides: {@code GANTRY_MODEL_SONNET}, {@code GANTRY_MODEL_OPUS}, {@code GANTRY_MODEL_HAIKU}. */
  public static final String MODEL_ALIAS_PREFIX = "GANTRY_MODEL_";
  /** Bedrock Runtime endpoint override, the AWS SDKs' service-specific endpoint variable. */
  public static final String BEDROCK_ENDPOINT = "AWS_ENDPOINT_URL_BEDROCK_RUNTIME";
  /** Base URL of an OpenAI-compatible server, e.g. {@code http://localhost:11434/v1}. */
  public static final String MODEL_ENDPOINT = "GANTRY_MODEL_ENDPOINT";
  /** Bearer token for an OpenAI-compatible server, if it needs one. */
  public static final String MODEL_API_KEY = "GANTRY_MODEL_API_KEY";
  /** Default model or inference profile id, used for agents whose model is {@code inherit}. */
  public static final String MODEL_ID = "GANTRY_MODEL_ID";
  /** Most model calls per agent run. */
  public static final String MAX_TURNS = "GANTRY_MAX_TURNS";
  /** Most input + output tokens per agent run. */
  public static final String TOKEN_BUDGET = "GANTRY_TOKEN_BUDGET";
  /** Most output tokens per agent run. */
  public static final String OUTPUT_TOKEN_BUDGET = "GANTRY_OUTPUT_TOKEN_BUDGET";
  /** Most model cost per stage, in US dollars (default 5). */
  public static final String STAGE_BUDGET_USD = "GANTRY_STAGE_BUDGET_USD";
  /** Most model cost per session, in US dollars (default 20). */
  public static final String SESSION_BUDGET_USD = "GANTRY_SESSION_BUDGET_USD";
  /** Most bytes one read_file returns. */
  public static final String READ_LIMIT_BYTES = "GANTRY_READ_LIMIT_BYTES";
  /**
   * The state machine of each pipeline (AWS): a JSON object of pipeline name to state machine ARN,
   * {@code {"deliver": "arn:aws:states:…:stateMachine:…", "design": …}}.
   */
  public static final String STATE_MACHINE_ARNS = "GANTRY_STATE_MACHINE_ARNS";
  /** Name of the custom event bus repository pushes are put on (AWS). */
  public static final String EVENT_BUS_NAME = "GANTRY_EVENT_BUS_NAME";
  /** ARN of the Secrets Manager secret holding the webhook secrets as JSON (AWS). */
  public static final String WEBHOOK_SECRET_ARN = "GANTRY_WEBHOOK_SECRET_ARN";
  /** Push rules, YAML or JSON (see {@code PushRules}). */
  public static final String PUSH_RULES = "GANTRY_PUSH_RULES";
  /** Days a finished session item is kept before its TTL expires it (AWS); unset keeps it. */
  public static final String SESSION_RETENTION_DAYS = "GANTRY_SESSION_RETENTION_DAYS";
  /** The KMS HMAC key ({@code HMAC_256}) audit entries are authenticated with: key id, ARN or alias (AWS). */
  public static final String AUDIT_KEY_ID = "GANTRY_AUDIT_KEY_ID";
  /** The bucket audit anchors are written to, which writers can add to but never overwrite or delete (AWS). */
  public static final String AUDIT_ANCHORS_BUCKET = "GANTRY_AUDIT_ANCHORS_BUCKET";
  /** Directory of agent definitions. */
  public static final String AGENTS_DIR = "GANTRY_AGENTS_DIR";
  /** Bearer token {@code gantry serve} requires; generated and printed when unset. */
  public static final String API_TOKEN = "GANTRY_API_TOKEN";
  /** GitHub webhook secret for {@code gantry serve}. */
  public static final String GITHUB_WEBHOOK_SECRET = "GANTRY_GITHUB_WEBHOOK_SECRET";
  /** GitLab webhook secret token for {@code gantry serve}. */
  public static final String GITLAB_WEBHOOK_TOKEN = "GANTRY_GITLAB_WEBHOOK_TOKEN";
  /** Requests per second {@code gantry serve} answers before 429 (a token bucket's refill rate; default 50). */
  public static final String SERVE_RATE = "GANTRY_SERVE_RATE";
  /** Requests {@code gantry serve} answers at once above its rate (the token bucket's size; default 100). */
  public static final String SERVE_BURST = "GANTRY_SERVE_BURST";
  /** Local data directory of the gantry command (DynamoDB Local and S3 files). */
  public static final String GANTRY_HOME = "GANTRY_HOME";
  /**
   * The folders a session's {@code repository.path} may lie under, separated by the path separator
   * ({@code :}, {@code ;} on Windows) or commas; unset, {@code gantry serve} reads no local folder
   * ({@code gantry run} always reads the folder its user names). Never inside {@link #GANTRY_HOME}.
   */
  public static final String REPOSITORY_ROOTS = "GANTRY_REPOSITORY_ROOTS";
  /** A Git token for every host (HTTPS only). */
  public static final String GIT_TOKEN = "GANTRY_GIT_TOKEN";
  /** Git tokens by host, a JSON object such as {@code {"github.com": "..."}}. */
  public static final String GIT_TOKENS = "GANTRY_GIT_TOKENS";
  /** The most bytes of file content a repository snapshot may hold. */
  public static final String SNAPSHOT_MAX_BYTES = "GANTRY_SNAPSHOT_MAX_BYTES";
  /** The most files a repository snapshot may hold. */
  public static final String SNAPSHOT_MAX_FILES = "GANTRY_SNAPSHOT_MAX_FILES";
  /** The most bytes one file of a repository snapshot may hold. */
  public static final String SNAPSHOT_MAX_FILE_BYTES = "GANTRY_SNAPSHOT_MAX_FILE_BYTES";
  /** The Secrets Manager secret of Git tokens (AWS; set on the checkout function alone). */
  public static final String GIT_SECRET_ARN = "GANTRY_GIT_SECRET_ARN";
  /** How many extracted snapshots to keep on disk (1 in Lambda, where /tmp is small; 4 by default). */
  public static final String SNAPSHOTS_KEPT = "GANTRY_SNAPSHOTS_KEPT";
  /** Where checkouts work and extracted snapshots are kept by digest ({@code /tmp/gantry} in Lambda). */
  public static final String SCRATCH_DIR = "GANTRY_SCRATCH_DIR";
  /**
   * The stage a stage function runs (AWS; set by the stack on each stage function), so it prepares
   * at initialization only what that stage uses: the validate function loads the template rules.
   */
  public static final String STAGE = "GANTRY_STAGE";
  /**
   * Whether the principal that started a session may decide its approval ({@code true}/{@code
   * false}): off in AWS unless the stack's context {@code allowSelfApproval} is true, on locally.
   */
  public static final String ALLOW_SELF_APPROVAL = "GANTRY_ALLOW_SELF_APPROVAL";
  /**
   * With IAM authorization, the principals that see every principal's sessions (the reader role):
   * comma-separated ARN patterns with {@code *} and {@code ?} ({@code dev.gantry.api.IamReaders});
   * the stack's context {@code sessionReaders}. Unset: each principal sees the sessions it started.
   */
  public static final String SESSION_READERS = "GANTRY_SESSION_READERS";
  /**
   * {@code gantry serve}: a YAML file naming its principals, each with a bearer token and scopes
   * ({@code gantry/sessions.read}, {@code gantry/sessions.write}, {@code gantry/sessions.read-all},
   * {@code gantry/approvals}); replaces {@link #API_TOKEN}'s one all-powerful token.
   */
  public static final String SERVE_PRINCIPALS = "GANTRY_SERVE_PRINCIPALS";
  /**
   * Where a person reads a session: a URL with {@code {sessionId}} in it, linked from review commit
   * statuses (set by the stack to the HTTP API's session route).
   */
  public static final String SESSION_LINK = "GANTRY_SESSION_LINK";
  /**
   * The Gantry functions' log group names, comma-separated (set by the stack on the API function):
   * the sources of a session's CloudWatch Logs Insights link.
   */
  public static final String LOG_GROUPS = "GANTRY_LOG_GROUPS";

  /**
   * Seconds a local run's lease on its session lasts unless renewed (default 60; the executor renews
   * it every third): a session whose {@code gantry} process stopped is recovered once it lapses, or at
   * once when its owner was a process on this machine that no longer exists. Not used in AWS.
   */
  public static final String LEASE_SECONDS = "GANTRY_LEASE_SECONDS";

  private EnvironmentVariables() {}
  /** How the deploy stages reach stacks: {@code dry-run} (default: preview only) or {@code cloudformation}. */
  public static final String DEPLOY_MODE = "GANTRY_DEPLOY_MODE";
  /** The CloudFormation service role passed with {@code RoleARN} on every change set and stack deletion; optional locally. */
  public static final String DEPLOY_ROLE_ARN = "GANTRY_DEPLOY_ROLE_ARN";
  /** The permissions boundary passed as the {@code PermissionsBoundaryArn} parameter of templates that declare it. */
  public static final String DEPLOY_BOUNDARY_ARN = "GANTRY_DEPLOY_BOUNDARY_ARN";
  /** The prefix every deployed stack's name must have (default {@code gantry-}). */
  public static final String STACK_PREFIX = "GANTRY_STACK_PREFIX";
  /** CloudFormation endpoint override, the AWS SDKs' service-specific endpoint variable. */
  public static final String CLOUDFORMATION_ENDPOINT = "AWS_ENDPOINT_URL_CLOUDFORMATION";
  /** Endpoint override for every AWS service, the AWS SDKs' global endpoint variable. */
  public static final String AWS_ENDPOINT = "AWS_ENDPOINT_URL";
}
