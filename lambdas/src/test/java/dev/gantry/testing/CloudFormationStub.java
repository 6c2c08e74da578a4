package dev.gantry.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gantry.deploy.TemplateParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;

/**
 * A loopback CloudFormation for pointing the real {@link CloudFormationClient} at. It speaks the
 * Query protocol (a form-encoded POST of {@code Action=...&Version=2010-05-15&...}, list members as
 * {@code Capabilities.member.1=...}) and answers with CloudFormation's XML: {@code <XResponse
 * xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><XResult>...</XResult>
 * <ResponseMetadata>...}, and errors as {@code <ErrorResponse><Error><Type>Sender</Type><Code>...}.
 *
 * <p>It models a stack's life through change sets: CreateChangeSet, DescribeChangeSet,
 * DescribeChangeSetHooks, ExecuteChangeSet, DescribeStacks, DescribeStackEvents,
 * ListStackResources, DeleteStack and DeleteChangeSet, with the statuses, status reasons, error
 * codes and messages of the AWS CloudFormation API Reference (those operations, "Common errors")
 * and the User Guide ("Stack status codes", "Update behaviors of stack resources", "Acknowledging
 * IAM resources"). Element names are the service model's (botocore {@code
 * cloudformation/2010-05-15/service-2.json}).
 *
 * <p>Nothing happens by itself: a change set advances only on DescribeChangeSet calls and a stack
 * only on DescribeStacks calls, each in-progress status lasting a set number of them, and every
 * timestamp comes from a fake clock that starts at 2026-01-01T00:00:00Z and moves one second per
 * use. Transforms need no CAPABILITY_AUTO_EXPAND: the API Reference says that capability does not
 * apply to change sets. Not modelled: template parameters, nested stacks, imports, stack policies,
 * TemplateURL.
 */
public final class CloudFormationStub implements AutoCloseable {
  /** The XML namespace of every answer. */
  public static final String NAMESPACE = "http://cloudformation.amazonaws.com/doc/2010-05-15/";
  /** The region in every ARN. */
  public static final String REGION = "us-east-1";
  /** The account in every ARN. */
  public static final String ACCOUNT = "123456789012";
  /** The first instant of the fake clock. */
  public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  /** The StatusReason of a change set that would change nothing. */
  public static final String NO_CHANGES =
      "The submitted information didn't contain changes. Submit different information to create a change set.";

  private static final String STACK_TYPE = "AWS::CloudFormation::Stack";
  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern NAME = Pattern.compile("[a-zA-Z][-a-zA-Z0-9]*");
  private static final Pattern STACK_NAME_OR_ID =
      Pattern.compile("([a-zA-Z][-a-zA-Z0-9]*)|(arn:\\b(aws|aws-us-gov|aws-cn)\\b:[-a-zA-Z0-9:/._+]*)");
  private static final Pattern CHANGE_SET_NAME_OR_ID = Pattern.compile("[a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/]*");
  private static final Pattern TOKEN = Pattern.compile("[a-zA-Z0-9][-a-zA-Z0-9]*");
  /** Top-level attributes of a resource besides Type and Properties that a change set reports. */
  private static final List<String> ATTRIBUTES =
      List.of("Metadata", "CreationPolicy", "UpdatePolicy", "DeletionPolicy", "UpdateReplacePolicy");
  /** Stack statuses from which an UPDATE change set may be created. */
  private static final Set<String> UPDATABLE =
      Set.of("CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE", "IMPORT_ROLLBACK_COMPLETE");
  /** Properties that give IAM resources a custom name (these need CAPABILITY_NAMED_IAM). */
  private static final Set<String> IAM_NAMES =
      Set.of("RoleName", "UserName", "GroupName", "ManagedPolicyName", "InstanceProfileName");

  /** A request as received: its Action and every form parameter, in order. */
  public record Call(String action, Map<String, List<String>> params) {
    /** The first value of parameter {@code name}, or null. */
    public String param(String name) {
      List<String> values = params.get(name);
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The values of list {@code listName} ({@code listName.member.N}), in member order. */
    public List<String> members(String listName) {
      String prefix = listName + ".member.";
      TreeMap<Integer, String> byIndex = new TreeMap<>();
      params.forEach((key, values) -> {
        if (key.startsWith(prefix) && key.substring(prefix.length()).matches("[0-9]+") && !values.isEmpty()) {
          byIndex.put(Integer.parseInt(key.substring(prefix.length())), values.get(0));
        }
      });
      return List.copyOf(byIndex.values());
    }
  }

  /**
   * A hook DescribeChangeSetHooks reports (InvocationPoint PRE_PROVISION, TargetType RESOURCE).
   *
   * @param typeName e.g. {@code Private::Guard::Hook}
   * @param failureMode FAIL or WARN
   * @param logicalResourceId the target resource
   * @param resourceType the target's type, e.g. {@code AWS::S3::Bucket}
   * @param resourceAction Add, Modify or Remove
   */
  public record Hook(String typeName, String failureMode, String logicalResourceId, String resourceType, String resourceAction) {}

  /** An error answer: HTTP status, error code and message. */
  private static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String code;

    Failure(int status, String code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }

    static Failure validation(String message) {
      return new Failure(400, "ValidationError", message);
    }
  }

  /** A stack resource: its ids, type and last status. */
  private static final class Resource {
    final String logicalId;
    String physicalId;
    String type;
    String status;
    String reason;
    Instant updated;

    Resource(String logicalId, String type) {
      this.logicalId = logicalId;
      this.type = type;
    }
  }

  /** One stack event as DescribeStackEvents reports it. */
  private record Event(String eventId, String logicalId, String physicalId, String type, Instant timestamp, String status,
      String reason, String token) {}

  /** One stack output. */
  private record Output(String key, String value, String description, String exportName) {}

  /** A change's detail: what attribute (and property) changes and whether that recreates the resource. */
  private record Detail(String attribute, String name, String requiresRecreation) {}

  /** A resource change of a change set. */
  private record Change(String action, String logicalId, String physicalId, String type, String replacement, String policyAction,
      List<String> scope, List<Detail> details) {}

  /** A stack: identity, status, current template, resources, outputs, event history and pending steps. */
  private static final class Stack {
    final String name;
    final String id;
    final Instant created;
    String status;
    String reason;
    JsonNode template;
    String description;
    String roleArn;
    List<String> capabilities = List.of();
    String changeSetId;
    Instant lastUpdated;
    Instant deleted;
    List<Output> outputs = List.of();
    final Map<String, Resource> resources = new LinkedHashMap<>();
    final List<Event> events = new ArrayList<>();
    /** What happens next, one step per completed in-progress status. */
    final Deque<Runnable> steps = new ArrayDeque<>();
    /** DescribeStacks calls seen in the current status. */
    int polled;

    Stack(String name, String id, Instant created) {
      this.name = name;
      this.id = id;
      this.created = created;
    }
  }

  /** A change set and its execution. */
  private static final class ChangeSet {
    final String name;
    final String arn;
    final Stack stack;
    final JsonNode template;
    final List<String> capabilities;
    final String roleArn;
    final String clientToken;
    final String description;
    final Instant created;
    final List<Change> changes;
    final String failure;
    String status = "CREATE_IN_PROGRESS";
    String reason;
    String executionStatus = "UNAVAILABLE";
    String executeToken;
    int polled;

    ChangeSet(String name, String arn, Stack stack, JsonNode template, List<String> capabilities, String roleArn,
        String clientToken, String description, Instant created, List<Change> changes, String failure) {
      this.name = name;
      this.arn = arn;
      this.stack = stack;
      this.template = template;
      this.capabilities = capabilities;
      this.roleArn = roleArn;
      this.clientToken = clientToken;
      this.description = description;
      this.created = created;
      this.changes = changes;
      this.failure = failure;
    }
  }

  /** The loopback server answering the calls. */
  private final HttpServer server;
  /** Every call, throttled ones included, in order. */
  private final List<Call> calls = new ArrayList<>();
  /** Every stack ever made, oldest first (deleted ones stay, found by id). */
  private final List<Stack> stacks = new ArrayList<>();
  /** Change sets not deleted, oldest first. */
  private final List<ChangeSet> changeSets = new ArrayList<>();
  /** Clients handed out, closed with the stub. */
  private final List<CloudFormationClient> clients = new ArrayList<>();
  /** Executions started, by change set name and by ARN (deleted change sets still count). */
  private final Map<String, Integer> executions = new HashMap<>();
  /** Calls still to throttle, by action. */
  private final Map<String, Integer> throttles = new HashMap<>();
  /** Actions the caller is not allowed to call. */
  private final Set<String> denied = new java.util.HashSet<>();
  /** Resources that fail in the next execution, with their reasons. */
  private final Map<String, String> failingResources = new LinkedHashMap<>();
  /** The StatusReason the next change set fails with, or null. */
  private String failNextChangeSet;
  /** Whether the next rollback fails. */
  private boolean rollbackFails;
  /** Hooks DescribeChangeSetHooks reports. */
  private List<Hook> hooks = List.of();
  /** Properties whose change replaces the resource. */
  private Set<String> replacementProperties = Set.of("TableName", "BucketName", "QueueName", "FunctionName", "RoleName");
  /** Properties whose change may replace the resource. */
  private Set<String> conditionalProperties = Set.of();
  /** Changes and resources per page; events per page are twice as many. */
  private int pageSize = 2;
  /** DescribeChangeSet calls a change set stays CREATE_IN_PROGRESS. */
  private int changeSetPolls = 1;
  /** DescribeStacks calls each in-progress stack status lasts. */
  private int stackPolls = 1;
  /** Seconds of the fake clock handed out so far. */
  private long ticks;
  /** Counter behind the stub's UUIDs. */
  private long uuids;
  /** Counter behind physical resource ids. */
  private long physicalIds;

  static {
    // The JDK server writes response headers and body in two packets; without TCP_NODELAY, Nagle's
    // algorithm and the client's delayed ACK add ~40 ms to every call. Read once per JVM, so it only
    // helps if no HttpServer was started before this class loaded.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private CloudFormationStub() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "cloudformation-stub");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  /** Starts a stub with no stacks on a free loopback port. */
  public static CloudFormationStub start() {
    return new CloudFormationStub();
  }

  /** The endpoint to override a client's with. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * A new client of the stub: region us-east-1, {@link AwsWireStub#CREDENTIALS}, the URL-connection
   * HTTP client and {@link #endpoint()}. The stub closes it on {@link #close()}.
   */
  public synchronized CloudFormationClient client() {
    CloudFormationClient client = CloudFormationClient.builder()
        .region(Region.US_EAST_1)
        .credentialsProvider(AwsWireStub.CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.create())
        .endpointOverride(endpoint())
        .build();
    clients.add(client);
    return client;
  }

  /** Every call so far, throttled ones included, in order. */
  public synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The calls of {@code action}, in order. */
  public synchronized List<Call> calls(String action) {
    return calls.stream().filter(c -> action.equals(c.action())).toList();
  }

  /** The current status of the latest stack named {@code stackName}, empty if none ever existed. Does not advance it. */
  public synchronized Optional<String> stackStatus(String stackName) {
    for (int i = stacks.size() - 1; i >= 0; i--) {
      if (stacks.get(i).name.equals(stackName)) {
        return Optional.of(stacks.get(i).status);
      }
    }
    return Optional.empty();
  }

  /** How many times change sets named {@code changeSetName} (or with that ARN) really started executing. */
  public synchronized int executions(String changeSetName) {
    return executions.getOrDefault(changeSetName, 0);
  }

  /**
   * At most {@code n} changes per DescribeChangeSet page and resources per ListStackResources page,
   * 2n events per DescribeStackEvents page. Default 2.
   */
  public synchronized void pageSize(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("page size must be positive");
    }
    pageSize = n;
  }

  /** How many DescribeChangeSet calls a new change set answers CREATE_IN_PROGRESS before it settles. Default 1. */
  public synchronized void changeSetPolls(int n) {
    changeSetPolls = n;
  }

  /** How many DescribeStacks calls each in-progress stack status lasts. Default 1. */
  public synchronized void stackPolls(int n) {
    stackPolls = n;
  }

  /** Top-level properties whose change replaces the resource (Replacement True, RequiresRecreation Always). */
  public synchronized void replacementProperties(Set<String> names) {
    replacementProperties = Set.copyOf(names);
  }

  /** Top-level properties whose change may replace the resource (Replacement Conditional, RequiresRecreation Conditionally). */
  public synchronized void conditionalProperties(Set<String> names) {
    conditionalProperties = Set.copyOf(names);
  }

  /** The hooks DescribeChangeSetHooks reports for every change set; none by default. */
  public synchronized void hooks(List<Hook> hooks) {
    this.hooks = List.copyOf(hooks);
  }

  /** The next change set created ends FAILED with StatusReason {@code reason}. */
  public synchronized void failNextChangeSet(String reason) {
    failNextChangeSet = reason;
  }

  /** Resource {@code logicalId} fails with {@code reason} if the next execution creates or updates it. */
  public synchronized void failResource(String logicalId, String reason) {
    failingResources.put(logicalId, reason);
  }

  /** The next rollback fails: ROLLBACK_FAILED after a create, UPDATE_ROLLBACK_FAILED after an update. */
  public synchronized void rollbackFails() {
    rollbackFails = true;
  }

  /** The next {@code times} calls of {@code action} answer HTTP 400 {@code Throttling} "Rate exceeded". */
  public synchronized void throttle(String action, int times) {
    throttles.put(action, times);
  }

  /**
   * Every later call of {@code action} answers HTTP 403 {@code AccessDenied}, as IAM refuses a caller
   * whose policies do not allow {@code cloudformation:ACTION}.
   */
  public synchronized void deny(String action) {
    denied.add(action);
  }

  /**
   * Every later call of {@code action} is held unanswered until {@link #close} (a call hanging on the
   * network), so a test can stop the caller in the middle of it; it is counted by {@link #held}.
   */
  public void hold(String action) {
    holding.add(action);
  }

  /** How many calls are being held ({@link #hold}). */
  public int held() {
    return heldCalls.get();
  }

  private final Set<String> holding = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.atomic.AtomicInteger heldCalls = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);

  /** Change set {@code name} (or ARN) becomes OBSOLETE, as one whose stack changed meanwhile. */
  public synchronized void makeObsolete(String name) {
    List<ChangeSet> matching = changeSets.stream().filter(c -> c.name.equals(name) || c.arn.equals(name)).toList();
    if (matching.isEmpty()) {
      throw new IllegalArgumentException("no change set " + name);
    }
    matching.forEach(c -> c.executionStatus = "OBSOLETE");
  }

  /** Change set {@code name} (or ARN) has expired: its ExecutionStatus is OBSOLETE. */
  public synchronized void expireChangeSet(String name) {
    makeObsolete(name);
  }

  /**
   * A stack that already exists in {@code status} with {@code templateBody} (null for none, as in
   * REVIEW_IN_PROGRESS). Its resources get physical ids; an in-progress status other than
   * REVIEW_IN_PROGRESS ends, after {@link #stackPolls(int)} DescribeStacks calls, in its COMPLETE
   * counterpart (UPDATE_IN_PROGRESS → UPDATE_COMPLETE).
   *
   * @return the stack id
   */
  public synchronized String putStack(String name, String status, String templateBody) {
    if (liveStack(name) != null) {
      throw new IllegalStateException("stack " + name + " exists");
    }
    Stack stack = newStack(name);
    JsonNode template = templateBody == null ? null : new TemplateParser().parse(templateBody).root();
    boolean gone = status.equals("ROLLBACK_COMPLETE") || status.equals("DELETE_COMPLETE");
    if (template != null) {
      stack.template = template;
      stack.description = template.path("Description").isTextual() ? template.path("Description").asText() : null;
      template.path("Resources").properties().forEach(entry -> {
        Resource resource = new Resource(entry.getKey(), entry.getValue().path("Type").asText());
        resource.physicalId = physicalId(stack, entry.getKey());
        resource.status = gone ? "DELETE_COMPLETE" : "CREATE_COMPLETE";
        resource.updated = stack.created;
        stack.resources.put(entry.getKey(), resource);
      });
      if (!gone) {
        stack.outputs = outputs(template);
      }
    }
    stackEvent(stack, status, status.equals("REVIEW_IN_PROGRESS") ? "User Initiated" : null, null);
    if (status.endsWith("_IN_PROGRESS") && !status.equals("REVIEW_IN_PROGRESS")) {
      String done = switch (status) {
        case "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS" -> "UPDATE_COMPLETE";
        case "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS" -> "UPDATE_ROLLBACK_COMPLETE";
        default -> status.replace("_IN_PROGRESS", "_COMPLETE");
      };
      stack.steps.add(() -> stackEvent(stack, done, null, null));
    }
    return stack.id;
  }

  @Override
  public synchronized void close() {
    released.countDown();
    clients.forEach(CloudFormationClient::close);
    server.stop(0);
  }

  // ---------------------------------------------------------------- HTTP

  /** Reads the form parameters (query string and body) of a request and writes the XML answer. */
  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, List<String>> params = new LinkedHashMap<>();
      form(exchange.getRequestURI().getRawQuery(), params);
      form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), params);
      if (params.containsKey("Action") && holding.contains(params.get("Action").get(0))) {
        heldCalls.incrementAndGet();
        try {
          released.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return; // closed unanswered
      }
      String requestId = nextUuid();
      int status = 200;
      String xml;
      try {
        xml = answer(params, requestId);
      } catch (Failure failure) {
        status = failure.status;
        xml = "<ErrorResponse xmlns=\"" + NAMESPACE + "\"><Error><Type>Sender</Type><Code>" + escape(failure.code)
            + "</Code><Message>" + escape(failure.getMessage()) + "</Message></Error><RequestId>" + requestId
            + "</RequestId></ErrorResponse>";
      }
      byte[] body = xml.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/xml");
      exchange.getResponseHeaders().add("x-amzn-RequestId", requestId);
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  /** Adds the pairs of an {@code application/x-www-form-urlencoded} string to {@code into}. */
  private static void form(String encoded, Map<String, List<String>> into) {
    if (encoded == null || encoded.isEmpty()) {
      return;
    }
    for (String pair : encoded.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      into.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
  }

  /** Answers one call: the whole success XML, or throws the error to answer. */
  private synchronized String answer(Map<String, List<String>> params, String requestId) {
    Map<String, List<String>> frozen = new LinkedHashMap<>();
    params.forEach((key, values) -> frozen.put(key, List.copyOf(values)));
    Call call = new Call(params.containsKey("Action") ? params.get("Action").get(0) : null, Collections.unmodifiableMap(frozen));
    calls.add(call);
    String action = call.action();
    Integer throttled = action == null ? null : throttles.get(action);
    if (throttled != null && throttled > 0) {
      throttles.put(action, throttled - 1);
      throw new Failure(400, "Throttling", "Rate exceeded");
    }
    if (denied.contains(action)) {
      String stack = call.param("StackName");
      String resource = stack == null ? "*" : stack.startsWith("arn:") ? stack
          : "arn:aws:cloudformation:" + REGION + ":" + ACCOUNT + ":stack/" + stack + "/*";
      throw new Failure(403, "AccessDenied", "User: arn:aws:sts::" + ACCOUNT + ":assumed-role/gantry-stage/gantry-stage"
          + " is not authorized to perform: cloudformation:" + action + " on resource: " + resource
          + " because no identity-based policy allows the cloudformation:" + action + " action");
    }
    String result = switch (action == null ? "" : action) {
      case "CreateChangeSet" -> createChangeSet(call);
      case "DescribeChangeSet" -> describeChangeSet(call);
      case "DescribeChangeSetHooks" -> describeChangeSetHooks(call);
      case "ExecuteChangeSet" -> executeChangeSet(call);
      case "DeleteChangeSet" -> deleteChangeSet(call);
      case "DescribeStacks" -> describeStacks(call);
      case "DescribeStackEvents" -> describeStackEvents(call);
      case "ListStackResources" -> listStackResources(call);
      case "DeleteStack" -> deleteStack(call);
      default -> throw new Failure(400, "InvalidAction", "Could not find operation " + action + " for version 2010-05-15");
    };
    // Operations without an output shape (DeleteStack) have no Result element.
    String wrapped = result == null ? "" : "<" + action + "Result>" + result + "</" + action + "Result>";
    return "<" + action + "Response xmlns=\"" + NAMESPACE + "\">" + wrapped + "<ResponseMetadata><RequestId>" + requestId
        + "</RequestId></ResponseMetadata></" + action + "Response>";
  }

  // ---------------------------------------------------------------- operations

  /** CreateChangeSet: checks, then a CREATE_IN_PROGRESS change set (and a REVIEW_IN_PROGRESS stack for CREATE). */
  private String createChangeSet(Call call) {
    String stackName = constrained(call, "StackName", "stackName", STACK_NAME_OR_ID);
    String name = constrained(call, "ChangeSetName", "changeSetName", NAME);
    String clientToken = call.param("ClientToken");
    if (call.param("TemplateURL") != null) {
      throw Failure.validation("TemplateURL is not supported by the stub");
    }
    String type = Optional.ofNullable(call.param("ChangeSetType")).orElse("UPDATE");
    if (!type.equals("CREATE") && !type.equals("UPDATE")) {
      throw Failure.validation("ChangeSetType " + type + " is not supported by the stub");
    }
    Stack stack = liveStack(stackName);
    if (stack != null) {
      ChangeSet existing = changeSets.stream().filter(c -> c.stack == stack && c.name.equals(name)).findFirst().orElse(null);
      if (existing != null) {
        if (clientToken != null && clientToken.equals(existing.clientToken)) {
          return new Xml().text("Id", existing.arn).text("StackId", stack.id).toString();
        }
        throw new Failure(400, "AlreadyExistsException", "ChangeSet [" + name + "] already exists");
      }
    }
    if (type.equals("CREATE") && stack != null && !stack.status.equals("REVIEW_IN_PROGRESS")) {
      throw Failure.validation("Stack [" + stackName + "] already exists and cannot be created again with the changeSet [" + name + "].");
    }
    if (type.equals("UPDATE")) {
      if (stack == null) {
        throw Failure.validation("Stack [" + stackName + "] does not exist");
      }
      if (!UPDATABLE.contains(stack.status)) {
        throw Failure.validation("Stack:" + stack.id + " is in " + stack.status + " state and can not be updated.");
      }
    }
    JsonNode template = template(call, stack);
    List<String> capabilities = call.members("Capabilities");
    requireCapabilities(template, capabilities);
    Stack target = stack;
    if (target == null) {
      if (stackName.startsWith("arn:")) {
        throw Failure.validation("Stack [" + stackName + "] does not exist");
      }
      target = newStack(stackName);
      stackEvent(target, "REVIEW_IN_PROGRESS", "User Initiated", null);
    }
    if (call.param("RoleARN") != null) {
      target.roleArn = call.param("RoleARN");
    }
    String arn = "arn:aws:cloudformation:" + REGION + ":" + ACCOUNT + ":changeSet/" + name + "/" + nextUuid();
    ChangeSet changeSet = new ChangeSet(name, arn, target, template, capabilities, call.param("RoleARN"), clientToken,
        call.param("Description"), tick(), changes(target, template), failNextChangeSet);
    failNextChangeSet = null;
    changeSets.add(changeSet);
    return new Xml().text("Id", arn).text("StackId", target.id).toString();
  }

  /** DescribeChangeSet: advances a pending change set, then one page of its changes. */
  private String describeChangeSet(Call call) {
    ChangeSet changeSet = changeSet(call);
    if (changeSet.status.equals("CREATE_IN_PROGRESS")) {
      if (changeSet.polled >= changeSetPolls) {
        settle(changeSet);
      }
      changeSet.polled++;
    }
    int from = offset(call, "changes");
    List<Change> changes = changeSet.status.equals("CREATE_COMPLETE") ? changeSet.changes : List.of();
    int to = Math.min(changes.size(), from + pageSize);
    Xml xml = new Xml()
        .text("ChangeSetName", changeSet.name)
        .text("ChangeSetId", changeSet.arn)
        .text("StackId", changeSet.stack.id)
        .text("StackName", changeSet.stack.name)
        .text("Description", changeSet.description)
        .open("Parameters").close("Parameters")
        .time("CreationTime", changeSet.created)
        .text("ExecutionStatus", changeSet.executionStatus)
        .text("Status", changeSet.status)
        .text("StatusReason", changeSet.reason)
        .open("NotificationARNs").close("NotificationARNs")
        .open("RollbackConfiguration").close("RollbackConfiguration")
        .list("Capabilities", changeSet.capabilities)
        .open("Tags").close("Tags")
        .open("Changes");
    for (Change change : changes.subList(Math.min(from, to), to)) {
      change(xml, change);
    }
    xml.close("Changes");
    if (to < changes.size()) {
      xml.text("NextToken", "changes-" + to);
    }
    return xml.text("IncludeNestedStacks", "false").toString();
  }

  /** DescribeChangeSetHooks: UNAVAILABLE without hooks, PLANNING while pending, then PLANNED with the hooks. */
  private String describeChangeSetHooks(Call call) {
    ChangeSet changeSet = changeSet(call);
    String status;
    if (hooks.isEmpty() || changeSet.status.equals("FAILED")) {
      status = "UNAVAILABLE";
    } else {
      status = changeSet.status.equals("CREATE_IN_PROGRESS") ? "PLANNING" : "PLANNED";
    }
    Xml xml = new Xml().text("ChangeSetId", changeSet.arn).text("ChangeSetName", changeSet.name).open("Hooks");
    if (status.equals("PLANNED")) {
      for (Hook hook : hooks) {
        xml.open("member")
            .text("InvocationPoint", "PRE_PROVISION")
            .text("FailureMode", hook.failureMode())
            .text("TypeName", hook.typeName())
            .open("TargetDetails")
            .text("TargetType", "RESOURCE")
            .open("ResourceTargetDetails")
            .text("LogicalResourceId", hook.logicalResourceId())
            .text("ResourceType", hook.resourceType())
            .text("ResourceAction", hook.resourceAction())
            .close("ResourceTargetDetails")
            .close("TargetDetails")
            .close("member");
      }
    }
    return xml.close("Hooks").text("Status", status).text("StackId", changeSet.stack.id)
        .text("StackName", changeSet.stack.name).toString();
  }

  /** ExecuteChangeSet: a retry with the same token does nothing; otherwise an AVAILABLE change set starts. */
  private String executeChangeSet(Call call) {
    ChangeSet changeSet = changeSet(call);
    String token = call.param("ClientRequestToken");
    if (token != null) {
      constrained(call, "ClientRequestToken", "clientRequestToken", TOKEN);
      if (token.equals(changeSet.executeToken)) {
        return ""; // a retry of the same request: already executing or executed
      }
    }
    if (!changeSet.status.equals("CREATE_COMPLETE")) {
      throw new Failure(400, "InvalidChangeSetStatus",
          "ChangeSet [" + changeSet.arn + "] cannot be executed in its current status of [" + changeSet.status + "]");
    }
    if (!changeSet.executionStatus.equals("AVAILABLE")) {
      throw new Failure(400, "InvalidChangeSetStatus",
          "ChangeSet [" + changeSet.arn + "] cannot be executed in its current execution status of [" + changeSet.executionStatus + "]");
    }
    execute(changeSet, token, "true".equals(call.param("DisableRollback")));
    return "";
  }

  /** DeleteChangeSet: forgets the change set unless it is executing. */
  private String deleteChangeSet(Call call) {
    ChangeSet changeSet = changeSet(call);
    if (changeSet.executionStatus.equals("EXECUTE_IN_PROGRESS")) {
      throw new Failure(400, "InvalidChangeSetStatus",
          "ChangeSet [" + changeSet.arn + "] cannot be deleted in its current execution status of [EXECUTE_IN_PROGRESS]");
    }
    changeSets.remove(changeSet);
    return "";
  }

  /** DescribeStacks: advances the stack(s) described, then reports them. */
  private String describeStacks(Call call) {
    String name = call.param("StackName");
    List<Stack> described = new ArrayList<>();
    if (name != null) {
      Stack stack = stack(name);
      if (stack == null) {
        throw Failure.validation("Stack with id " + name + " does not exist");
      }
      advance(stack);
      described.add(stack);
    } else {
      for (Stack stack : List.copyOf(stacks)) {
        if (!stack.status.equals("DELETE_COMPLETE")) {
          advance(stack);
          if (!stack.status.equals("DELETE_COMPLETE")) {
            described.add(stack);
          }
        }
      }
    }
    Xml xml = new Xml().open("Stacks");
    for (Stack stack : described) {
      xml.open("member")
          .text("StackId", stack.id)
          .text("StackName", stack.name)
          .text("ChangeSetId", stack.changeSetId)
          .text("Description", stack.description)
          .open("Parameters").close("Parameters")
          .time("CreationTime", stack.created)
          .time("DeletionTime", stack.deleted)
          .time("LastUpdatedTime", stack.lastUpdated)
          .open("RollbackConfiguration").close("RollbackConfiguration")
          .text("StackStatus", stack.status)
          .text("StackStatusReason", stack.reason)
          .text("DisableRollback", "false")
          .open("NotificationARNs").close("NotificationARNs")
          .list("Capabilities", stack.capabilities);
      if (!stack.outputs.isEmpty()) {
        xml.open("Outputs");
        for (Output output : stack.outputs) {
          xml.open("member").text("OutputKey", output.key()).text("OutputValue", output.value())
              .text("Description", output.description()).text("ExportName", output.exportName()).close("member");
        }
        xml.close("Outputs");
      }
      xml.text("RoleARN", stack.roleArn)
          .open("Tags").close("Tags")
          .text("EnableTerminationProtection", "false")
          .open("DriftInformation").text("StackDriftStatus", "NOT_CHECKED").close("DriftInformation")
          .close("member");
    }
    return xml.close("Stacks").toString();
  }

  /** DescribeStackEvents: one page of the stack's events, newest first. */
  private String describeStackEvents(Call call) {
    String name = required(call, "StackName", "stackName");
    Stack stack = stack(name);
    if (stack == null) {
      throw Failure.validation("Stack [" + name + "] does not exist");
    }
    // Newest first; the token is how many of the oldest events remain to be listed.
    String token = call.param("NextToken");
    int end = stack.events.size();
    if (token != null) {
      if (!token.matches("events-[0-9]+")) {
        throw Failure.validation("Invalid NextToken");
      }
      end = Math.min(end, Integer.parseInt(token.substring("events-".length())));
    }
    int start = Math.max(0, end - pageSize * 2);
    Xml xml = new Xml().open("StackEvents");
    for (int i = end - 1; i >= start; i--) {
      Event event = stack.events.get(i);
      xml.open("member")
          .text("StackId", stack.id)
          .text("EventId", event.eventId())
          .text("StackName", stack.name)
          .text("LogicalResourceId", event.logicalId())
          .text("PhysicalResourceId", event.physicalId() == null ? "" : event.physicalId())
          .text("ResourceType", event.type())
          .time("Timestamp", event.timestamp())
          .text("ResourceStatus", event.status())
          .text("ResourceStatusReason", event.reason())
          .text("ClientRequestToken", event.token())
          .close("member");
    }
    xml.close("StackEvents");
    if (start > 0) {
      xml.text("NextToken", "events-" + start);
    }
    return xml.toString();
  }

  /** ListStackResources: one page of the stack's resources, in template order. */
  private String listStackResources(Call call) {
    String name = required(call, "StackName", "stackName");
    Stack stack = stack(name);
    if (stack == null) {
      throw Failure.validation("Stack with id " + name + " does not exist");
    }
    List<Resource> resources = List.copyOf(stack.resources.values());
    int from = Math.min(offset(call, "resources"), resources.size());
    int to = Math.min(resources.size(), from + pageSize);
    Xml xml = new Xml().open("StackResourceSummaries");
    for (Resource resource : resources.subList(from, to)) {
      xml.open("member")
          .text("LogicalResourceId", resource.logicalId)
          .text("PhysicalResourceId", resource.physicalId)
          .text("ResourceType", resource.type)
          .time("LastUpdatedTimestamp", resource.updated)
          .text("ResourceStatus", resource.status)
          .text("ResourceStatusReason", resource.reason)
          .open("DriftInformation").text("StackResourceDriftStatus", "NOT_CHECKED").close("DriftInformation")
          .close("member");
    }
    xml.close("StackResourceSummaries");
    if (to < resources.size()) {
      xml.text("NextToken", "resources-" + to);
    }
    return xml.toString();
  }

  /** DeleteStack: DELETE_IN_PROGRESS now, DELETE_COMPLETE as the next step; a missing stack is no error. */
  private String deleteStack(Call call) {
    String name = required(call, "StackName", "stackName");
    String token = call.param("ClientRequestToken");
    if (token != null) {
      constrained(call, "ClientRequestToken", "clientRequestToken", TOKEN);
    }
    Stack stack = stack(name);
    if (stack == null || stack.status.startsWith("DELETE_")) {
      return null; // deleting a missing or deleted stack succeeds and does nothing
    }
    if (stack.status.endsWith("_IN_PROGRESS") && !stack.status.equals("REVIEW_IN_PROGRESS")) {
      throw Failure.validation("Stack [" + stack.name + "] cannot be deleted while in status " + stack.status);
    }
    if (call.param("RoleARN") != null) {
      stack.roleArn = call.param("RoleARN");
    }
    stack.steps.clear();
    stack.polled = 0;
    for (ChangeSet changeSet : changeSets) {
      if (changeSet.stack == stack && (changeSet.executionStatus.equals("AVAILABLE") || changeSet.executionStatus.equals("UNAVAILABLE"))) {
        changeSet.executionStatus = "OBSOLETE";
      }
    }
    stackEvent(stack, "DELETE_IN_PROGRESS", "User Initiated", token);
    stack.deleted = stack.events.get(stack.events.size() - 1).timestamp();
    List<Resource> doomed = new ArrayList<>(stack.resources.values());
    doomed.removeIf(r -> r.status.equals("DELETE_COMPLETE"));
    Collections.reverse(doomed);
    doomed.forEach(r -> resourceEvent(stack, r, "DELETE_IN_PROGRESS", null, token));
    stack.steps.add(() -> {
      doomed.forEach(r -> resourceEvent(stack, r, "DELETE_COMPLETE", null, token));
      stackEvent(stack, "DELETE_COMPLETE", null, token);
      changeSets.removeIf(c -> c.stack == stack);
    });
    return null;
  }

  // ---------------------------------------------------------------- life of change sets and stacks

  /** The change set's outcome once it stops being CREATE_IN_PROGRESS. */
  private void settle(ChangeSet changeSet) {
    if (changeSet.failure != null || changeSet.changes.isEmpty()) {
      changeSet.status = "FAILED";
      changeSet.reason = changeSet.failure != null ? changeSet.failure : NO_CHANGES;
      return;
    }
    changeSet.status = "CREATE_COMPLETE";
    if (!changeSet.executionStatus.equals("OBSOLETE")) {
      changeSet.executionStatus = "AVAILABLE";
    }
  }

  /** Starts executing {@code changeSet}: in-progress events now, the outcome as the next step. */
  private void execute(ChangeSet changeSet, String token, boolean disableRollback) {
    Stack stack = changeSet.stack;
    boolean create = stack.status.equals("REVIEW_IN_PROGRESS");
    changeSet.executionStatus = "EXECUTE_IN_PROGRESS";
    changeSet.executeToken = token;
    executions.merge(changeSet.name, 1, Integer::sum);
    executions.merge(changeSet.arn, 1, Integer::sum);
    for (ChangeSet other : changeSets) {
      if (other != changeSet && other.stack == stack
          && (other.executionStatus.equals("AVAILABLE") || other.executionStatus.equals("UNAVAILABLE"))) {
        other.executionStatus = "OBSOLETE";
      }
    }
    Map<String, String> failing = new LinkedHashMap<>(failingResources);
    failingResources.clear();
    stack.changeSetId = changeSet.arn;
    stack.capabilities = changeSet.capabilities;
    if (changeSet.roleArn != null) {
      stack.roleArn = changeSet.roleArn;
    }
    stack.steps.clear();
    stack.polled = 0;
    stackEvent(stack, create ? "CREATE_IN_PROGRESS" : "UPDATE_IN_PROGRESS", "User Initiated", token);

    List<Change> work = changeSet.changes.stream().filter(c -> !c.action().equals("Remove")).toList();
    List<Change> removals = changeSet.changes.stream().filter(c -> c.action().equals("Remove")).toList();
    Map<String, String[]> before = new HashMap<>(); // logical id -> {type, physical id} before the update
    for (Change change : work) {
      Resource resource = stack.resources.get(change.logicalId());
      if (change.action().equals("Add")) {
        resource = new Resource(change.logicalId(), change.type());
        stack.resources.put(change.logicalId(), resource);
        resourceEvent(stack, resource, "CREATE_IN_PROGRESS", null, token);
      } else {
        before.put(change.logicalId(), new String[] {resource.type, resource.physicalId});
        resourceEvent(stack, resource, "UPDATE_IN_PROGRESS", "True".equals(change.replacement())
            ? "Requested update requires the creation of a new physical resource; hence creating one." : null, token);
      }
    }
    List<Change> failed = work.stream().filter(c -> failing.containsKey(c.logicalId())).toList();
    if (failed.isEmpty()) {
      stack.steps.add(() -> complete(changeSet, create, work, removals, before, token));
    } else {
      stack.steps.add(() -> fail(changeSet, create, work, failed, failing, before, token, disableRollback));
    }
  }

  /** A successful execution's end: resources complete, cleanup, the new template current. */
  private void complete(ChangeSet changeSet, boolean create, List<Change> work, List<Change> removals, Map<String, String[]> before,
      String token) {
    Stack stack = changeSet.stack;
    List<String[]> replaced = new ArrayList<>(); // {logical id, type, old physical id}
    for (Change change : work) {
      Resource resource = stack.resources.get(change.logicalId());
      if (change.action().equals("Add")) {
        resource.physicalId = physicalId(stack, change.logicalId());
        resourceEvent(stack, resource, "CREATE_COMPLETE", null, token);
      } else {
        if ("True".equals(change.replacement())) {
          String[] old = before.get(change.logicalId());
          replaced.add(new String[] {change.logicalId(), old[0], old[1]});
          resource.physicalId = physicalId(stack, change.logicalId());
        }
        resource.type = change.type();
        resourceEvent(stack, resource, "UPDATE_COMPLETE", null, token);
      }
    }
    if (!create) {
      stackEvent(stack, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", null, token);
      for (String[] old : replaced) {
        event(stack, old[0], old[2], old[1], "DELETE_IN_PROGRESS", null, token);
        event(stack, old[0], old[2], old[1], "DELETE_COMPLETE", null, token);
      }
      for (Change change : removals) {
        Resource resource = stack.resources.get(change.logicalId());
        resourceEvent(stack, resource, "DELETE_IN_PROGRESS", null, token);
        resourceEvent(stack, resource, "DELETE_COMPLETE", null, token);
        stack.resources.remove(change.logicalId());
      }
    }
    stack.template = changeSet.template;
    stack.description = changeSet.template.path("Description").isTextual() ? changeSet.template.path("Description").asText() : null;
    stack.outputs = outputs(changeSet.template);
    stackEvent(stack, create ? "CREATE_COMPLETE" : "UPDATE_COMPLETE", null, token);
    if (!create) {
      stack.lastUpdated = stack.events.get(stack.events.size() - 1).timestamp();
    }
    changeSet.executionStatus = "EXECUTE_COMPLETE";
  }

  /** A failed execution: the failing resources fail, the others are cancelled, the rollback starts as the next step. */
  private void fail(ChangeSet changeSet, boolean create, List<Change> work, List<Change> failed, Map<String, String> failing,
      Map<String, String[]> before, String token, boolean disableRollback) {
    Stack stack = changeSet.stack;
    for (Change change : failed) {
      Resource resource = stack.resources.get(change.logicalId());
      resourceEvent(stack, resource, change.action().equals("Add") ? "CREATE_FAILED" : "UPDATE_FAILED",
          failing.get(change.logicalId()), token);
    }
    for (Change change : work) {
      if (!failed.contains(change)) {
        Resource resource = stack.resources.get(change.logicalId());
        if (change.action().equals("Add")) {
          resourceEvent(stack, resource, "CREATE_FAILED", "Resource creation cancelled", token);
        } else {
          resourceEvent(stack, resource, "UPDATE_FAILED", "Resource update cancelled", token);
        }
      }
    }
    String reason = failedReason(failed.stream().filter(c -> c.action().equals("Add")).toList(), "create")
        + failedReason(failed.stream().filter(c -> !c.action().equals("Add")).toList(), "update");
    changeSet.executionStatus = "EXECUTE_FAILED";
    if (disableRollback) {
      stackEvent(stack, create ? "CREATE_FAILED" : "UPDATE_FAILED", reason, token);
      return;
    }
    boolean rollbackFailsNow = rollbackFails;
    rollbackFails = false;
    List<Change> undo = new ArrayList<>(work);
    Collections.reverse(undo);
    if (create) {
      stackEvent(stack, "ROLLBACK_IN_PROGRESS", reason + "Rollback requested by user.", token);
      undo.forEach(c -> resourceEvent(stack, stack.resources.get(c.logicalId()), "DELETE_IN_PROGRESS", null, token));
      stack.steps.add(() -> {
        String stuck = rollbackFailsNow ? undo.get(0).logicalId() : null;
        for (Change change : undo) {
          Resource resource = stack.resources.get(change.logicalId());
          if (change.logicalId().equals(stuck)) {
            resourceEvent(stack, resource, "DELETE_FAILED", "Rollback of this resource failed (CloudFormationStub.rollbackFails)", token);
          } else {
            resourceEvent(stack, resource, "DELETE_COMPLETE", null, token);
          }
        }
        if (stuck != null) {
          stackEvent(stack, "ROLLBACK_FAILED", "The following resource(s) failed to delete: [" + stuck + "]. ", token);
        } else {
          stackEvent(stack, "ROLLBACK_COMPLETE", null, token);
        }
      });
      return;
    }
    stackEvent(stack, "UPDATE_ROLLBACK_IN_PROGRESS", reason, token);
    List<Change> revert = undo.stream().filter(c -> !c.action().equals("Add")).toList();
    List<Change> added = undo.stream().filter(c -> c.action().equals("Add")).toList();
    revert.forEach(c -> resourceEvent(stack, stack.resources.get(c.logicalId()), "UPDATE_IN_PROGRESS", null, token));
    stack.steps.add(() -> {
      if (rollbackFailsNow && !revert.isEmpty()) {
        String stuck = revert.get(0).logicalId();
        resourceEvent(stack, stack.resources.get(stuck), "UPDATE_FAILED",
            "Rollback of this resource failed (CloudFormationStub.rollbackFails)", token);
        stackEvent(stack, "UPDATE_ROLLBACK_FAILED", "The following resource(s) failed to update: [" + stuck + "]. ", token);
        return;
      }
      for (Change change : revert) {
        Resource resource = stack.resources.get(change.logicalId());
        resource.type = before.get(change.logicalId())[0];
        resourceEvent(stack, resource, "UPDATE_COMPLETE", null, token);
      }
      stackEvent(stack, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", null, token);
      String stuck = rollbackFailsNow && !added.isEmpty() ? added.get(0).logicalId() : null;
      for (Change change : added) {
        Resource resource = stack.resources.get(change.logicalId());
        resourceEvent(stack, resource, "DELETE_IN_PROGRESS", null, token);
        if (change.logicalId().equals(stuck)) {
          resourceEvent(stack, resource, "DELETE_FAILED", "Rollback of this resource failed (CloudFormationStub.rollbackFails)", token);
        } else {
          resourceEvent(stack, resource, "DELETE_COMPLETE", null, token);
          stack.resources.remove(change.logicalId());
        }
      }
      if (stuck != null) {
        stackEvent(stack, "UPDATE_ROLLBACK_FAILED", "The following resource(s) failed to delete: [" + stuck + "]. ", token);
      } else {
        stackEvent(stack, "UPDATE_ROLLBACK_COMPLETE", null, token);
      }
    });
  }

  /** The "The following resource(s) failed to VERB: [...]. " part of a status reason, or "". */
  private static String failedReason(List<Change> failed, String verb) {
    if (failed.isEmpty()) {
      return "";
    }
    return "The following resource(s) failed to " + verb + ": ["
        + String.join(", ", failed.stream().map(Change::logicalId).toList()) + "]. ";
  }

  /** Runs the stack's pending steps whose in-progress status has lasted {@code stackPolls} DescribeStacks calls. */
  private void advance(Stack stack) {
    while (!stack.steps.isEmpty() && stack.polled >= stackPolls) {
      stack.polled = 0;
      stack.steps.poll().run();
    }
    stack.polled++;
  }

  // ---------------------------------------------------------------- templates and changes

  /** The template of a CreateChangeSet call: TemplateBody, or the stack's current one with UsePreviousTemplate. */
  private static JsonNode template(Call call, Stack stack) {
    JsonNode template;
    if ("true".equals(call.param("UsePreviousTemplate"))) {
      if (stack == null || stack.template == null) {
        throw Failure.validation("UsePreviousTemplate is set but the stack has no template");
      }
      template = stack.template;
    } else {
      String body = call.param("TemplateBody");
      if (body == null || body.isEmpty()) {
        throw Failure.validation("Either Template URL or Template Body must be specified.");
      }
      try {
        template = new TemplateParser().parse(body).root();
      } catch (TemplateParser.TemplateSyntaxException e) {
        throw Failure.validation("Template format error: " + e.getMessage());
      }
    }
    if (template == null || !template.path("Resources").isObject() || template.path("Resources").isEmpty()) {
      throw Failure.validation("Template format error: At least one Resources member must be defined.");
    }
    return template;
  }

  /**
   * IAM resources (and SAM functions, whose transform makes roles) need CAPABILITY_IAM or
   * CAPABILITY_NAMED_IAM; IAM resources with custom names need CAPABILITY_NAMED_IAM. Transforms
   * need nothing here: the API Reference says CAPABILITY_AUTO_EXPAND does not apply to change sets.
   */
  private static void requireCapabilities(JsonNode template, List<String> granted) {
    boolean iam = false;
    boolean named = false;
    for (Iterator<JsonNode> it = template.path("Resources").elements(); it.hasNext(); ) {
      JsonNode resource = it.next();
      String type = resource.path("Type").asText();
      if (type.startsWith("AWS::IAM::")) {
        iam = true;
        for (String property : IAM_NAMES) {
          named |= resource.path("Properties").has(property);
        }
      } else if (type.equals("AWS::Serverless::Function") || type.equals("AWS::Serverless::StateMachine")) {
        iam = true;
      }
    }
    String missing = null;
    if (named && !granted.contains("CAPABILITY_NAMED_IAM")) {
      missing = "CAPABILITY_NAMED_IAM";
    } else if (iam && !granted.contains("CAPABILITY_IAM") && !granted.contains("CAPABILITY_NAMED_IAM")) {
      missing = "CAPABILITY_IAM";
    }
    if (missing != null) {
      throw new Failure(400, "InsufficientCapabilitiesException", "Requires capabilities : [" + missing + "]");
    }
  }

  /** The changes from the stack's current template to {@code template}, by logical id. */
  private List<Change> changes(Stack stack, JsonNode template) {
    JsonNode before = stack.template == null ? JsonNodeFactory.instance.objectNode() : stack.template.path("Resources");
    JsonNode after = template.path("Resources");
    TreeSet<String> ids = new TreeSet<>();
    before.fieldNames().forEachRemaining(ids::add);
    after.fieldNames().forEachRemaining(ids::add);
    List<Change> changes = new ArrayList<>();
    for (String id : ids) {
      JsonNode old = before.get(id);
      JsonNode now = after.get(id);
      Resource existing = stack.resources.get(id);
      String physicalId = existing == null ? null : existing.physicalId;
      if (old == null) {
        changes.add(new Change("Add", id, null, now.path("Type").asText(), null, null, List.of(), List.of()));
      } else if (now == null) {
        String policy = old.path("DeletionPolicy").asText("Delete");
        changes.add(new Change("Remove", id, physicalId, old.path("Type").asText(), null,
            policy.equals("Retain") || policy.equals("Snapshot") ? policy : "Delete", List.of(), List.of()));
      } else if (!old.equals(now)) {
        Change change = modify(id, physicalId, old, now);
        if (change != null) {
          changes.add(change);
        }
      }
    }
    return changes;
  }

  /** The Modify change of a resource whose definition differs, or null when no reported attribute differs. */
  private Change modify(String id, String physicalId, JsonNode old, JsonNode now) {
    boolean typeChanged = !old.path("Type").equals(now.path("Type"));
    Set<String> scope = new LinkedHashSet<>();
    List<Detail> details = new ArrayList<>();
    TreeSet<String> names = new TreeSet<>();
    old.path("Properties").fieldNames().forEachRemaining(names::add);
    now.path("Properties").fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      if (old.path("Properties").path(name).equals(now.path("Properties").path(name))) {
        continue;
      }
      if (name.equals("Tags")) {
        scope.add("Tags");
        details.add(new Detail("Tags", null, "Never"));
      } else {
        scope.add("Properties");
        String recreation = replacementProperties.contains(name) ? "Always"
            : conditionalProperties.contains(name) ? "Conditionally" : "Never";
        details.add(new Detail("Properties", name, recreation));
      }
    }
    for (String attribute : ATTRIBUTES) {
      if (!old.path(attribute).equals(now.path(attribute))) {
        scope.add(attribute);
        details.add(new Detail(attribute, null, "Never"));
      }
    }
    if (!typeChanged && scope.isEmpty()) {
      return null; // e.g. only DependsOn changed: CloudFormation reports no change
    }
    String replacement = typeChanged || details.stream().anyMatch(d -> d.requiresRecreation().equals("Always")) ? "True"
        : details.stream().anyMatch(d -> d.requiresRecreation().equals("Conditionally")) ? "Conditional" : "False";
    String policyAction = null;
    if (replacement.equals("True")) {
      String policy = now.path("UpdateReplacePolicy").asText("Delete");
      policyAction = policy.equals("Retain") || policy.equals("Snapshot") ? "ReplaceAnd" + policy : "ReplaceAndDelete";
    }
    return new Change("Modify", id, physicalId, now.path("Type").asText(), replacement, policyAction, List.copyOf(scope),
        details);
  }

  /** Outputs of {@code template}: a literal Value as is, anything else {@code stub-KEY}. */
  private static List<Output> outputs(JsonNode template) {
    List<Output> outputs = new ArrayList<>();
    template.path("Outputs").properties().forEach(entry -> {
      JsonNode output = entry.getValue();
      JsonNode value = output.path("Value");
      outputs.add(new Output(entry.getKey(), value.isValueNode() && !value.isNull() ? value.asText() : "stub-" + entry.getKey(),
          output.path("Description").isTextual() ? output.path("Description").asText() : null,
          output.path("Export").path("Name").isTextual() ? output.path("Export").path("Name").asText() : null));
    });
    return outputs;
  }

  /** Writes one {@code Changes} member. */
  private void change(Xml xml, Change change) {
    long hookCount = hooks.stream().filter(h -> change.logicalId().equals(h.logicalResourceId())).count();
    xml.open("member").text("Type", "Resource");
    if (hookCount > 0) {
      xml.text("HookInvocationCount", Long.toString(hookCount));
    }
    xml.open("ResourceChange")
        .text("PolicyAction", change.policyAction())
        .text("Action", change.action())
        .text("LogicalResourceId", change.logicalId())
        .text("PhysicalResourceId", change.physicalId())
        .text("ResourceType", change.type())
        .text("Replacement", change.replacement())
        .list("Scope", change.scope())
        .open("Details");
    for (Detail detail : change.details()) {
      xml.open("member")
          .open("Target")
          .text("Attribute", detail.attribute())
          .text("Name", detail.name())
          .text("RequiresRecreation", detail.requiresRecreation())
          .close("Target")
          .text("Evaluation", "Static")
          .text("ChangeSource", "DirectModification")
          .close("member");
    }
    xml.close("Details").close("ResourceChange").close("member");
  }

  // ---------------------------------------------------------------- lookups, events, ids

  /** A stack by name (the live one) or by stack id (deleted ones too), or null. */
  private Stack stack(String nameOrId) {
    if (nameOrId.startsWith("arn:")) {
      return stacks.stream().filter(s -> s.id.equals(nameOrId)).findFirst().orElse(null);
    }
    return liveStack(nameOrId);
  }

  /** A stack that is not DELETE_COMPLETE, by name or id, or null. */
  private Stack liveStack(String nameOrId) {
    if (nameOrId.startsWith("arn:")) {
      Stack stack = stack(nameOrId);
      return stack == null || stack.status.equals("DELETE_COMPLETE") ? null : stack;
    }
    for (int i = stacks.size() - 1; i >= 0; i--) {
      Stack stack = stacks.get(i);
      if (stack.name.equals(nameOrId) && !stack.status.equals("DELETE_COMPLETE")) {
        return stack;
      }
    }
    return null;
  }

  /** The change set a call names: by ARN, or by name within StackName. */
  private ChangeSet changeSet(Call call) {
    String id = constrained(call, "ChangeSetName", "changeSetName", CHANGE_SET_NAME_OR_ID);
    ChangeSet found;
    if (id.startsWith("arn:")) {
      found = changeSets.stream().filter(c -> c.arn.equals(id)).findFirst().orElse(null);
    } else {
      String stackName = call.param("StackName");
      if (stackName == null) {
        throw Failure.validation("StackName must be specified if ChangeSetName is not specified as an ARN.");
      }
      Stack stack = stack(stackName);
      found = changeSets.stream().filter(c -> c.stack == stack && c.name.equals(id)).findFirst().orElse(null);
    }
    if (found == null) {
      // The service model gives ChangeSetNotFound HTTP 404.
      throw new Failure(404, "ChangeSetNotFound", "ChangeSet [" + id + "] does not exist");
    }
    return found;
  }

  /** Parameter {@code param}, or the ValidationError CloudFormation gives for a missing one. */
  private static String required(Call call, String param, String field) {
    String value = call.param(param);
    if (value == null) {
      throw Failure.validation(
          "1 validation error detected: Value null at '" + field + "' failed to satisfy constraint: Member must not be null");
    }
    return value;
  }

  /** A required parameter that must match the service model's pattern. */
  private static String constrained(Call call, String param, String field, Pattern pattern) {
    String value = required(call, param, field);
    if (!pattern.matcher(value).matches()) {
      throw Failure.validation("1 validation error detected: Value '" + value + "' at '" + field
          + "' failed to satisfy constraint: Member must satisfy regular expression pattern: " + pattern.pattern());
    }
    return value;
  }

  /** The offset a NextToken of {@code kind} stands for (0 without one). */
  private static int offset(Call call, String kind) {
    String token = call.param("NextToken");
    if (token == null) {
      return 0;
    }
    if (!token.matches(kind + "-[0-9]+")) {
      throw Failure.validation("Invalid NextToken");
    }
    return Integer.parseInt(token.substring(kind.length() + 1));
  }

  /** A new stack named {@code name}, with a new stack id, in no status yet. */
  private Stack newStack(String name) {
    Stack stack = new Stack(name, "arn:aws:cloudformation:" + REGION + ":" + ACCOUNT + ":stack/" + name + "/" + nextUuid(), tick());
    stacks.add(stack);
    return stack;
  }

  /** Moves the stack to {@code status} and records the stack-level event. */
  private void stackEvent(Stack stack, String status, String reason, String token) {
    stack.status = status;
    stack.reason = reason;
    event(stack, stack.name, stack.id, STACK_TYPE, status, reason, token);
  }

  /** Moves a resource to {@code status} and records its event. */
  private void resourceEvent(Stack stack, Resource resource, String status, String reason, String token) {
    resource.status = status;
    resource.reason = reason;
    resource.updated = event(stack, resource.logicalId, resource.physicalId, resource.type, status, reason, token);
  }

  /** Records an event at the next tick of the clock and returns its time. */
  private Instant event(Stack stack, String logicalId, String physicalId, String type, String status, String reason, String token) {
    Instant at = tick();
    String eventId = type.equals(STACK_TYPE) ? nextUuid() : logicalId + "-" + status + "-" + ISO_MILLIS.format(at);
    stack.events.add(new Event(eventId, logicalId, physicalId, type, at, status, reason, token));
    return at;
  }

  /** A new physical id, {@code STACK-LOGICALID-STUBn}. */
  private String physicalId(Stack stack, String logicalId) {
    return stack.name + "-" + logicalId + "-STUB" + (++physicalIds);
  }

  /** The fake clock: 2026-01-01T00:00:00Z, then one second later on each call. */
  private Instant tick() {
    return START.plusSeconds(ticks++);
  }

  /** A new UUID-shaped id, counting up. */
  private synchronized String nextUuid() {
    return String.format("00000000-0000-4000-8000-%012d", ++uuids);
  }

  /** XML-escapes {@code text}. */
  private static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** A small XML writer: elements with escaped text, null values left out. */
  private static final class Xml {
    private final StringBuilder out = new StringBuilder();

    Xml open(String name) {
      out.append('<').append(name).append('>');
      return this;
    }

    Xml close(String name) {
      out.append("</").append(name).append('>');
      return this;
    }

    Xml text(String name, String value) {
      return value == null ? this : open(name).raw(escape(value)).close(name);
    }

    Xml time(String name, Instant value) {
      return value == null ? this : text(name, ISO_MILLIS.format(value));
    }

    Xml list(String name, List<String> values) {
      open(name);
      values.forEach(value -> text("member", value));
      return close(name);
    }

    private Xml raw(String text) {
      out.append(text);
      return this;
    }

    @Override
    public String toString() {
      return out.toString();
    }
  }
}
