package dev.gantry.infra;

import dev.gantry.config.EnvironmentVariables;
import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.Pipelines;
import dev.gantry.telemetry.GantryMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.AlarmStatusWidget;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

/**
 * What an operator watches: a CloudWatch dashboard and alarms that notify an SNS topic.
 *
 * <p>The dashboard shows sessions by outcome (each state machine's executions: one execution per
 * session), sessions started by trigger, stage durations p50/p90, model cost per day and tokens,
 * approvals waiting and their wait, the push dead-letter queue's depth, pushes ignored and webhook
 * signature failures, API requests, 4xx/5xx and latency, function errors and throttles, and the
 * alarms. Gantry's own metrics ({@link GantryMetrics}) are read with {@code SEARCH} expressions,
 * so a new pipeline or stage appears without a change here.
 *
 * <p>Alarms (missing data is not breaching), each notifying the topic: per state machine, any
 * failed or timed-out execution in 5 minutes; any message in the push dead-letter queue; any API
 * 5xx in 5 minutes; per function, 5 or more errors in 5 minutes (stage functions fail attempts on
 * purpose so Step Functions retries them; a session's failure is its execution's alarm) and any
 * throttle; the model cost of the last 24 hours at or above context {@code dailyCostAlarmUsd}. The
 * topic is encrypted with a key of its own (CloudWatch must be allowed to use it: alarms cannot
 * publish to a topic under the AWS-managed SNS key) and takes only TLS; context {@code alarmEmail}
 * subscribes an address.
 */
public final class Observability extends Construct {
  /** Errors per function in 5 minutes at which its alarm fires. */
  static final int FUNCTION_ERRORS = 5;

  private final Topic topic;
  private final Dashboard dashboard;
  private final List<Alarm> alarms = new ArrayList<>();

  /**
   * What is watched.
   *
   * @param settings context: {@code alarmEmail}, {@code dailyCostAlarmUsd}
   * @param pipelines the state machines, one per pipeline
   * @param triggers the push dead-letter queue
   * @param api the HTTP API and its function, which gets the functions' log group names
   * @param functions every Gantry function
   */
  public record Props(DeploymentSettings settings, PipelineStateMachine pipelines, PushTriggers triggers, GantryHttpApi api,
      List<GantryFunction> functions) {}

  /** Creates the topic, the alarms and the dashboard, and names the log groups to the API function. */
  public Observability(Construct scope, String id, Props props) {
    super(scope, id);
    Key key = Key.Builder.create(this, "AlarmTopicKey")
        .description("Encrypts the Gantry alarm topic; CloudWatch alarms may use it to publish")
        .enableKeyRotation(true)
        .build();
    key.grant(new ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*");
    this.topic = Topic.Builder.create(this, "AlarmTopic")
        .displayName("Gantry alarms")
        .masterKey(key)
        .enforceSsl(true)
        .build();
    props.settings().alarmEmail().ifPresent(email -> topic.addSubscription(new EmailSubscription(email)));

    props.pipelines().stateMachines().forEach((pipeline, machine) -> alarm("Executions" + PipelineStateMachine.pascalCase(pipeline),
        failedOrTimedOut(machine), 1, 1,
        "A session of the " + pipeline + " pipeline failed or timed out: its execution failed or timed out"));
    alarm("DeadLetters", props.triggers().deadLetters().metricApproximateNumberOfMessagesVisible(
            MetricOptions.builder().statistic("Maximum").period(Duration.minutes(5)).build()), 1, 1,
        "Pushes could not be delivered to the push function after retries: they wait in the dead-letter queue");
    alarm("Api5xx", props.api().api().metricServerError(MetricOptions.builder().period(Duration.minutes(5)).build()), 1, 1,
        "The Gantry API answered 5xx");
    for (GantryFunction function : props.functions()) {
      String name = function.getNode().getPath().replace("/", "");
      alarm(name + "Errors", function.function().metricErrors(MetricOptions.builder().period(Duration.minutes(5)).build()),
          FUNCTION_ERRORS, 1, "The function " + function.getNode().getPath() + " failed " + FUNCTION_ERRORS
              + " or more times in 5 minutes");
      alarm(name + "Throttles", function.function().metricThrottles(MetricOptions.builder().period(Duration.minutes(5)).build()),
          1, 1, "Invocations of " + function.getNode().getPath() + " were throttled");
    }
    alarm("DailyModelCost", dailyCost(), props.settings().dailyCostAlarmUsd(), 1,
        "The model cost of all sessions in the last 24 hours reached " + props.settings().dailyCostAlarmUsd() + " USD");

    this.dashboard = Dashboard.Builder.create(this, "Dashboard")
        .defaultInterval(Duration.days(7))
        .widgets(widgets(props))
        .build();

    software.amazon.awscdk.CfnOutput.Builder.create(this, "AlarmTopicArn")
        .description("SNS topic the Gantry alarms notify: subscribe to it, or set context alarmEmail")
        .value(topic.getTopicArn()).build();
    software.amazon.awscdk.CfnOutput.Builder.create(this, "DashboardName")
        .description("The Gantry CloudWatch dashboard").value(dashboard.getDashboardName()).build();

    // the sources of each session's Logs Insights link (GET /sessions/{id}: logsInsightsUrl)
    props.api().function().function().addEnvironment(EnvironmentVariables.LOG_GROUPS,
        Fn.join(",", props.functions().stream().map(f -> f.logGroup().getLogGroupName()).toList()));
  }

  private void alarm(String id, IMetric metric, double threshold, int periods, String description) {
    Alarm alarm = Alarm.Builder.create(this, id)
        .metric(metric)
        .threshold(threshold)
        .evaluationPeriods(periods)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .alarmDescription(description)
        .build();
    alarm.addAlarmAction(new SnsAction(topic));
    alarms.add(alarm);
  }

  private static IMetric failedOrTimedOut(StateMachine machine) {
    MetricOptions sum = MetricOptions.builder().statistic("Sum").period(Duration.minutes(5)).build();
    return MathExpression.Builder.create()
        .expression("FILL(failed, 0) + FILL(timedOut, 0)")
        .usingMetrics(Map.of("failed", machine.metricFailed(sum), "timedOut", machine.metricTimedOut(sum)))
        .label("failed or timed-out executions")
        .period(Duration.minutes(5))
        .build();
  }

  /** The 24-hour sum of {@code ModelCostUsd} over every pipeline (its {@code [pipeline]} dimension set). */
  private static IMetric dailyCost() {
    Map<String, IMetric> perPipeline = new LinkedHashMap<>();
    List<String> terms = new ArrayList<>();
    List<PipelineDefinition> pipelines = Pipelines.standard().pipelines();
    for (int i = 0; i < pipelines.size(); i++) {
      perPipeline.put("cost" + i, Metric.Builder.create()
          .namespace(GantryMetrics.NAMESPACE)
          .metricName(GantryMetrics.COST_USD)
          .dimensionsMap(Map.of(GantryMetrics.PIPELINE, pipelines.get(i).name()))
          .statistic("Sum")
          .period(Duration.days(1))
          .build());
      terms.add("FILL(cost" + i + ", 0)");
    }
    return MathExpression.Builder.create()
        .expression(String.join(" + ", terms))
        .usingMetrics(perPipeline)
        .label("model cost, USD per 24 hours")
        .period(Duration.days(1))
        .build();
  }

  /** A {@code SEARCH} over Gantry's namespace: {@code dimensions} names the dimension set. */
  private static IMetric search(String metric, List<String> dimensions, String statistic, Duration period, String label) {
    return MathExpression.Builder.create()
        .expression("SEARCH('{" + GantryMetrics.NAMESPACE + "," + String.join(",", dimensions) + "} MetricName=\""
            + metric + "\"', '" + statistic + "', " + period.toSeconds().longValue() + ")")
        .usingMetrics(Map.of())
        .label(label)
        .period(period)
        .build();
  }

  private List<List<IWidget>> widgets(Props props) {
    Map<String, StateMachine> machines = props.pipelines().stateMachines();
    List<IMetric> outcomes = new ArrayList<>();
    for (String outcome : List.of("Succeeded", "Failed", "TimedOut", "Aborted")) {
      Map<String, IMetric> each = new LinkedHashMap<>();
      int i = 0;
      for (StateMachine machine : machines.values()) {
        each.put(outcome.toLowerCase(java.util.Locale.ROOT) + i++, machine.metric("Executions" + outcome,
            MetricOptions.builder().statistic("Sum").period(Duration.hours(1)).build()));
      }
      outcomes.add(MathExpression.Builder.create()
          .expression(String.join(" + ", each.keySet().stream().map(m -> "FILL(" + m + ", 0)").toList()))
          .usingMetrics(each).label(outcome.toLowerCase(java.util.Locale.ROOT)).period(Duration.hours(1)).build());
    }
    List<String> stage = List.of(GantryMetrics.PIPELINE, GantryMetrics.STAGE);
    List<String> pipeline = List.of(GantryMetrics.PIPELINE);
    var api = props.api().api();
    MetricOptions fiveMinutes = MetricOptions.builder().period(Duration.minutes(5)).build();
    List<IMetric> errors = new ArrayList<>();
    List<IMetric> throttles = new ArrayList<>();
    for (GantryFunction function : props.functions()) {
      errors.add(function.function().metricErrors(fiveMinutes));
      throttles.add(function.function().metricThrottles(fiveMinutes));
    }
    return List.of(
        List.of(graph("Sessions by outcome (executions per hour)", outcomes),
            graph("Sessions started by trigger", List.of(search(GantryMetrics.SESSIONS_STARTED,
                List.of(GantryMetrics.PIPELINE, GantryMetrics.TRIGGER), "Sum", Duration.hours(1), ""))),
            graph("Stage duration p50 (ms)", List.of(search(GantryMetrics.STAGE_DURATION, stage, "p50", Duration.hours(1), ""))),
            graph("Stage duration p90 (ms)", List.of(search(GantryMetrics.STAGE_DURATION, stage, "p90", Duration.hours(1), "")))),
        List.of(graph("Model cost per day (USD)", List.of(search(GantryMetrics.COST_USD, pipeline, "Sum", Duration.days(1), ""))),
            graph("Model tokens per hour", List.of(
                search(GantryMetrics.INPUT_TOKENS, pipeline, "Sum", Duration.hours(1), "input"),
                search(GantryMetrics.OUTPUT_TOKENS, pipeline, "Sum", Duration.hours(1), "output"),
                search(GantryMetrics.CACHE_READ_TOKENS, pipeline, "Sum", Duration.hours(1), "cache read"),
                search(GantryMetrics.CACHE_WRITE_TOKENS, pipeline, "Sum", Duration.hours(1), "cache write"))),
            graph("Approvals waiting", List.of(search(GantryMetrics.APPROVALS_WAITING, pipeline, "Maximum", Duration.minutes(5), ""))),
            graph("Approval wait p50 (ms)", List.of(search(GantryMetrics.APPROVAL_WAIT,
                List.of(GantryMetrics.PIPELINE, GantryMetrics.OUTCOME), "p50", Duration.hours(1), "")))),
        List.of(graph("Push dead-letter queue depth", List.of(props.triggers().deadLetters()
                .metricApproximateNumberOfMessagesVisible(MetricOptions.builder().statistic("Maximum").period(Duration.minutes(5)).build()))),
            graph("Pushes ignored, webhook signature failures", List.of(
                search(GantryMetrics.PUSHES_IGNORED, List.of(GantryMetrics.REASON), "Sum", Duration.hours(1), ""),
                search(GantryMetrics.WEBHOOK_SIGNATURE_FAILURES, List.of(GantryMetrics.PROVIDER), "Sum", Duration.hours(1), ""))),
            graph("API requests, 4xx, 5xx", List.of(api.metricCount(fiveMinutes), api.metricClientError(fiveMinutes),
                api.metricServerError(fiveMinutes))),
            graph("API latency (ms)", List.of(
                api.metricLatency(MetricOptions.builder().statistic("p50").period(Duration.minutes(5)).build()),
                api.metricLatency(MetricOptions.builder().statistic("p90").period(Duration.minutes(5)).build()),
                api.metricLatency(MetricOptions.builder().statistic("p99").period(Duration.minutes(5)).build())))),
        List.of(graph("Function errors", errors), graph("Function throttles", throttles),
            AlarmStatusWidget.Builder.create().title("Alarms").width(12).height(6)
                .alarms(alarms.stream().map(a -> (IAlarm) a).toList()).build()));
  }

  private static GraphWidget graph(String title, List<IMetric> metrics) {
    return GraphWidget.Builder.create().title(title).left(metrics).width(6).height(6).build();
  }

  /** The alarm topic. */
  public Topic topic() {
    return topic;
  }

  /** The dashboard. */
  public Dashboard dashboard() {
    return dashboard;
  }

  /** Every alarm. */
  public List<Alarm> alarms() {
    return List.copyOf(alarms);
  }
}
