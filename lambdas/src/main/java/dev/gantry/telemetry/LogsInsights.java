package dev.gantry.telemetry;

import dev.gantry.session.Session;
import dev.gantry.session.SessionStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A link to the CloudWatch Logs Insights console with a query for one session's log lines over the
 * Gantry functions' log groups: the {@code sessionId} key {@link TaskLog} puts on every line of a
 * task.
 *
 * <p>The console's URL format is not documented by AWS. The form used here was worked out and
 * described by users of the console (Stack Overflow, "Is there a way to generate the AWS Console
 * URLs for CloudWatch Log Group filters?", answer by Danylo Fedorov, 2021; checked against links
 * the console itself produces): the fragment {@code logsV2:logs-insights?queryDetail=DETAIL} where
 * DETAIL is the query's settings as {@code ~(key~value~...)}, a string value written as {@code '}
 * followed by its URI component encoding with {@code %} replaced by {@code *}, a list as {@code
 * ~(~item~item)}; DETAIL goes through JavaScript's {@code escape}, then {@code ?queryDetail=DETAIL}
 * through {@code encodeURIComponent} with {@code %} replaced by {@code $}. Should the console stop
 * reading it, the link opens Logs Insights without the query; nothing else depends on it.
 */
public final class LogsInsights {
  /** The query: the session's lines in order, with the keys a reader filters by. */
  static final String QUERY = "fields @timestamp, level, stage, attempt, message, function_request_id\n"
      + "| filter sessionId = '%s'\n| sort @timestamp asc\n| limit 10000";
  /** How far before a session's creation and after its last change the time range reaches. */
  static final Duration MARGIN = Duration.ofMinutes(5);
  /** The time range's end for a session still running or waiting: its last change and this. */
  static final Duration OPEN_END = Duration.ofDays(1);

  private final String region;
  private final List<String> logGroups;

  /**
   * @param region the stack's region ({@code eu-west-1})
   * @param logGroups the functions' log group names (Logs Insights takes up to 50)
   */
  public LogsInsights(String region, List<String> logGroups) {
    this.region = region;
    this.logGroups = List.copyOf(logGroups.subList(0, Math.min(50, logGroups.size())));
  }

  /**
   * The console URL of the query for {@code session}'s lines, from 5 minutes before it was created to
   * 5 minutes after its last change (a day after it while it runs or waits), in UTC.
   */
  public String url(Session session) {
    Instant start = session.createdAt().minus(MARGIN).truncatedTo(ChronoUnit.SECONDS);
    boolean open = session.status() == SessionStatus.RUNNING || session.status() == SessionStatus.AWAITING_APPROVAL;
    Instant end = session.updatedAt().plus(open ? OPEN_END : MARGIN).truncatedTo(ChronoUnit.SECONDS);
    String query = String.format(QUERY, session.sessionId().replace("'", ""));
    String detail = "~(end~" + string(end.toString()) + "~start~" + string(start.toString())
        + "~timeType~'ABSOLUTE~tz~'UTC~editorString~" + string(query) + "~isLiveTail~false~source~("
        + logGroups.stream().map(group -> "~" + string(group)).collect(Collectors.joining()) + "))";
    return "https://" + region + ".console.aws.amazon.com/cloudwatch/home?region=" + region
        + "#logsV2:logs-insights" + uriComponent("?queryDetail=" + escape(detail)).replace('%', '$');
  }

  /** A string value: {@code '} and its URI component encoding with {@code *} for {@code %}. */
  private static String string(String value) {
    return "'" + uriComponent(value).replace('%', '*');
  }

  /** JavaScript's {@code encodeURIComponent}: all but {@code A-Z a-z 0-9 - _ . ! ~ * ' ( )}, as UTF-8 %XX. */
  static String uriComponent(String value) {
    return percentEncode(value, "-_.!~*'()");
  }

  /** JavaScript's {@code escape} on ASCII: all but {@code A-Z a-z 0-9 @ * _ + - . /}, as %XX. */
  static String escape(String value) {
    return percentEncode(value, "@*_+-./");
  }

  private static String percentEncode(String value, String kept) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || kept.indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
