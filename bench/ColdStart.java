import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * One cold start in a fresh JVM, as the Lambda Java runtime would run it: constructs a handler
 * (init), invokes it once (first invoke) and again with a second event (second invoke), and appends
 * {@code role variant init_ms first_ms second_ms classes_loaded max_rss_mb} to a results file.
 * Run by bench/cold-start.sh.
 *
 * <p>Usage: {@code ColdStart RESULTS ROLE VARIANT HANDLER_CLASS FIRST_EVENT SECOND_EVENT}. Variants:
 *
 * <ul>
 *   <li>{@code unprimed}, {@code on-demand}: the handler as Lambda constructs it; the script sets
 *       {@code AWS_LAMBDA_INITIALIZATION_TYPE} ({@code snap-start} or {@code on-demand}), which
 *       decides whether a handler primes during init
 *   <li>{@code restore}: after construction, {@code org.crac.Core.checkpointRestore()}: each
 *       registered resource's {@code beforeCheckpoint} then {@code afterRestore} (what SnapStart
 *       runs around its snapshot), so the first invoke is the first after a restore; that time is in
 *       neither init nor first
 *   <li>{@code hello}: {@link Hello}, a stream handler writing fixed bytes
 *   <li>{@code floor}: {@link Floors}, the bare AWS SDK with the role's clients and calls
 * </ul>
 *
 * <p>A {@code RequestStreamHandler} gets the event's bytes; a {@code RequestHandler} gets the event
 * mapped as the Lambda Java runtime maps it, with aws-lambda-java-serialization's {@code
 * LambdaEventSerializers} (the runtime's library, its own shaded Jackson), and its answer written
 * with the same serializer. Init counts from before the handler class is loaded; JVM start-up
 * before {@code main} is in neither figure.
 */
public final class ColdStart {
  public static void main(String[] args) throws Exception {
    Path results = Path.of(args[0]);
    String role = args[1];
    String variant = args[2];
    byte[] first = Files.readAllBytes(Path.of(args[4]));
    byte[] second = Files.readAllBytes(Path.of(args[5]));
    String className = switch (variant) {
      case "hello" -> "ColdStart$Hello";
      case "floor" -> "Floors$" + Character.toUpperCase(role.charAt(0)) + role.substring(1);
      default -> args[3];
    };

    ANSWER_PREFIX[0] = role + " " + variant + ":";
    long initStart = System.nanoTime();
    Object handler = Class.forName(className).getConstructor().newInstance();
    long initEnd = System.nanoTime();
    if (variant.equals("restore")) {
      checkpointAndRestore();
    }
    long firstStart = System.nanoTime();
    invoke(handler, first);
    long firstEnd = System.nanoTime();
    invoke(handler, second);
    long secondEnd = System.nanoTime();

    long classes = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
    String line = String.format(Locale.ROOT, "%s %s %.1f %.1f %.1f %d %.1f%n", role, variant,
        (initEnd - initStart) / 1e6, (firstEnd - firstStart) / 1e6, (secondEnd - firstEnd) / 1e6, classes, maxRssMb());
    Files.writeString(results, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    System.exit(0); // the SDK's and the engines' idle threads must not hold the JVM
  }

  static final String[] ANSWER_PREFIX = {""};

  /**
   * {@code org.crac.Core.checkpointRestore()}, by reflection: with the bench's CRaC implementation
   * ({@code dev.gantry.testing.crac} in the lambdas tests), every registered resource's {@code beforeCheckpoint}, then {@code afterRestore}.
   */
  static void checkpointAndRestore() throws Exception {
    Class<?> core;
    try {
      core = Class.forName("org.crac.Core");
    } catch (ClassNotFoundException absent) {
      return; // no org.crac: nothing registered, nothing to run
    }
    String failures = "";
    try {
      core.getMethod("checkpointRestore").invoke(null);
    } catch (java.lang.reflect.InvocationTargetException e) {
      // a resource's hook threw: the others ran; the first answers show which (in Lambda, a failing
      // hook is the function's problem to fix, the bench measures on)
      StringBuilder why = new StringBuilder();
      for (Throwable t : e.getCause().getSuppressed()) {
        Throwable root = t;
        while (root.getCause() != null) {
          root = root.getCause();
        }
        StackTraceElement[] at = t.getStackTrace();
        why.append(" ").append(root).append(" in ").append(at.length > 0 ? at[0].getClassName() : "?").append(';');
      }
      failures = ", hooks failed:" + (why.length() == 0 ? " " + e.getCause() : why.toString());
    }
    ANSWER_PREFIX[0] += " (" + dev.gantry.testing.crac.Core.registered() + " org.crac resources" + failures + ")";
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static void invoke(Object handler, byte[] event) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (handler instanceof RequestStreamHandler stream) {
      stream.handleRequest(new ByteArrayInputStream(event), out, CONTEXT);
    } else if (handler instanceof RequestHandler) {
      Method method = handleRequest(handler.getClass());
      Class<?> serializers = Class.forName("com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers");
      Method serializerFor = serializers.getMethod("serializerFor", Class.class, ClassLoader.class);
      Object in = serializerFor.invoke(null, method.getParameterTypes()[0], handler.getClass().getClassLoader());
      Class<?> pojo = Class.forName("com.amazonaws.services.lambda.runtime.serialization.PojoSerializer");
      Object input = pojo.getMethod("fromJson", InputStream.class).invoke(in, new ByteArrayInputStream(event));
      Object output = ((RequestHandler) handler).handleRequest(input, CONTEXT);
      Object outSerializer = serializerFor.invoke(null, method.getReturnType(), handler.getClass().getClassLoader());
      pojo.getMethod("toJson", Object.class, OutputStream.class).invoke(outSerializer, output, out);
    } else {
      throw new IllegalArgumentException(handler.getClass() + " is neither a RequestStreamHandler nor a RequestHandler");
    }
    String answers = System.getenv("BENCH_ANSWERS"); // the script's first round: what each handler answered
    if (answers != null && !answers.isEmpty()) {
      String answer = out.toString(StandardCharsets.UTF_8).replace('\n', ' ');
      Files.writeString(Path.of(answers), ANSWER_PREFIX[0] + " " + answer.substring(0, Math.min(answer.length(), 160)) + "\n",
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }

  /** The handler's own {@code handleRequest}, not the erased bridge method. */
  static Method handleRequest(Class<?> type) {
    for (Method m : type.getMethods()) {
      if (m.getName().equals("handleRequest") && m.getParameterCount() == 2 && !m.isBridge()) {
        return m;
      }
    }
    throw new IllegalArgumentException(type + " has no handleRequest");
  }

  /** Peak resident set size: {@code VmHWM} in /proc/self/status (proc(5)), in MB. */
  static double maxRssMb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    return -1;
  }

  static final Context CONTEXT = new Context() {
    @Override public String getAwsRequestId() { return "bench-request"; }
    @Override public String getLogGroupName() { return "/aws/lambda/gantry-bench"; }
    @Override public String getLogStreamName() { return "bench"; }
    @Override public String getFunctionName() { return "gantry-bench"; }
    @Override public String getFunctionVersion() { return "1"; }
    @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:eu-west-1:123456789012:function:gantry-bench:live"; }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    @Override public int getRemainingTimeInMillis() { return 60_000; }
    @Override public int getMemoryLimitInMB() { return 1024; }
    @Override public LambdaLogger getLogger() { return null; }
  };

  /** The hello-world handler: reads nothing, writes fixed bytes. */
  public static final class Hello implements RequestStreamHandler {
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws java.io.IOException {
      output.write("{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8));
    }
  }
}
