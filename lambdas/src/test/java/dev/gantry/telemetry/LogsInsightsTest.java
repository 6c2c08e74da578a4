package dev.gantry.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.session.Session;
import dev.gantry.session.SessionOrigin;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Logs Insights link of a session, decoded the way the console reads it (the steps of {@link
 * LogsInsights} in reverse): the query names the session, the sources are the functions' log
 * groups, the time range spans the session.
 */
class LogsInsightsTest {
  static final List<String> GROUPS = List.of("GantryStack-PipelineCheckoutStageLogs1A2B3C", "/aws/lambda/gantry-api");

  @Test
  void the_link_opens_logs_insights_with_the_sessions_query_over_the_functions_log_groups() {
    Instant created = Instant.parse("2026-12-01T08:00:00.123Z");
    Session session = Session.start("0b6f9a52-6a0e-4c55-9a43-4d2b7c0e1f00", "a goal", "https://example.com/r.git", "gantry-r",
        "deliver", Map.of(), SessionOrigin.cli("tester"), created);

    String url = new LogsInsights("eu-west-1", GROUPS).url(session);

    assertThat(url).startsWith("https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1"
        + "#logsV2:logs-insights$3FqueryDetail$3D$257E$2528end$257E$2527");
    assertThat(url).doesNotContain("%", " ", "\n", "'", "~");
    String detail = unescape(unescape(url.substring(url.indexOf("#logsV2:logs-insights") + 21).replace('$', '%')))
        .substring("?queryDetail=".length());
    assertThat(value(detail, "editorString")).isEqualTo("fields @timestamp, level, stage, attempt, message, function_request_id\n"
        + "| filter sessionId = '0b6f9a52-6a0e-4c55-9a43-4d2b7c0e1f00'\n| sort @timestamp asc\n| limit 10000");
    assertThat(value(detail, "start")).isEqualTo("2026-12-01T07:55:00Z");
    assertThat(value(detail, "end")).as("a running session: a day after its last change").isEqualTo("2026-12-02T08:00:00Z");
    assertThat(value(detail, "timeType")).isEqualTo("ABSOLUTE");
    assertThat(detail).endsWith("~source~(~'GantryStack-PipelineCheckoutStageLogs1A2B3C~'*2Faws*2Flambda*2Fgantry-api))");
  }

  /** A string value after {@code ~key~'}: its {@code *XX} escapes decoded. */
  private static String value(String detail, String key) {
    int found = detail.startsWith("~(" + key + "~'") ? 1 : detail.indexOf("~" + key + "~'");
    int at = found + key.length() + 3;
    int end = detail.indexOf('~', at);
    return unescape(detail.substring(at, end).replace('*', '%'));
  }

  private static String unescape(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  @Test
  void a_sessions_detail_carries_the_link_beside_the_execution_console_link_and_none_locally() {
    Session session = Session.start("0b6f9a52-6a0e-4c55-9a43-4d2b7c0e1f00", "a goal", "https://example.com/r.git", "gantry-r",
        "deliver", Map.of(), SessionOrigin.cli("tester"), Instant.now());
    LogsInsights insights = new LogsInsights("eu-west-1", GROUPS);

    var aws = new dev.gantry.api.SessionViews(null, s -> java.util.Optional.of("https://console/execution"),
        s -> java.util.Optional.of(insights.url(s))).detail(session);
    var local = new dev.gantry.api.SessionViews(null, s -> java.util.Optional.empty()).detail(session);

    assertThat(aws.logsInsightsUrl()).isEqualTo(insights.url(session));
    assertThat(aws.executionConsoleUrl()).isEqualTo("https://console/execution");
    assertThat(local.logsInsightsUrl()).isNull();
  }
}
