import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import dev.gantry.config.AwsGantry;
import dev.gantry.handler.PushEventHandler;
import dev.gantry.telemetry.Telemetry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One cold start of the push function in a fresh JVM: its initialisation (what the no-arg
 * constructor does: SDK clients, rules, telemetry) and its first invocation with an event that is
 * not a push (one log line, one metric, no AWS call). Run by bench/observability-cold-start.sh with
 * one variant per JVM:
 *
 * <ul>
 *   <li>{@code bare}: no metrics ({@link Telemetry#NONE}); the script gives it a jar without log4j,
 *       so SLF4J and Powertools logging do nothing
 *   <li>{@code logs}: the deployment jar's JSON logging, no metrics
 *   <li>{@code logs+metrics}: as deployed, Powertools EMF metrics too
 *   <li>{@code logs+metrics+xray}: as deployed plus the X-Ray recorder SDK's TracingInterceptor on
 *       every SDK client (registered by the script) and one segment around the invocation, as the
 *       recorder would run in Lambda
 * </ul>
 *
 * Prints {@code variant initMs invokeMs sinceJvmStartMs} on standard error (standard output holds
 * what the function writes).
 */
public final class ObservabilityColdStart {
  static final byte[] EVENT = ("{\"version\":\"0\",\"id\":\"bench-1\",\"detail-type\":\"Scheduled Event\",\"source\":"
      + "\"aws.events\",\"account\":\"123456789012\",\"time\":\"2026-12-01T00:00:00Z\",\"region\":\"eu-west-1\","
      + "\"resources\":[],\"detail\":{}}").getBytes(StandardCharsets.UTF_8);

  public static void main(String[] args) throws Exception {
    String variant = args[0];
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    long initStart = System.nanoTime();
    Telemetry telemetry = variant.contains("metrics") ? AwsGantry.telemetry() : Telemetry.NONE;
    PushEventHandler handler = new PushEventHandler(AwsGantry.pushes(System.getenv()).service(), telemetry);
    long invokeStart = System.nanoTime();
    boolean xray = variant.contains("xray");
    Class<?> recorder = xray ? Class.forName("com.amazonaws.xray.AWSXRay") : null;
    if (xray) {
      recorder.getMethod("beginSegment", String.class).invoke(null, "gantry-push");
    }
    handler.handleRequest(new ByteArrayInputStream(EVENT), new ByteArrayOutputStream(), context());
    if (xray) {
      recorder.getMethod("endSegment").invoke(null);
    }
    long done = System.nanoTime();
    System.err.printf(Locale.ROOT, "RESULT %s %d %d %d%n", variant, (invokeStart - initStart) / 1_000_000,
        (done - invokeStart) / 1_000_000, System.currentTimeMillis() - jvmStart);
  }

  static Context context() {
    return new Context() {
      @Override public String getAwsRequestId() { return "bench-request"; }
      @Override public String getLogGroupName() { return "/aws/lambda/gantry-push"; }
      @Override public String getLogStreamName() { return "bench"; }
      @Override public String getFunctionName() { return "gantry-push"; }
      @Override public String getFunctionVersion() { return "1"; }
      @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:eu-west-1:123456789012:function:gantry-push:live"; }
      @Override public CognitoIdentity getIdentity() { return null; }
      @Override public ClientContext getClientContext() { return null; }
      @Override public int getRemainingTimeInMillis() { return 60_000; }
      @Override public int getMemoryLimitInMB() { return 1024; }
      @Override public LambdaLogger getLogger() { return null; }
    };
  }
}
