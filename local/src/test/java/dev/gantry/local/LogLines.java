package dev.gantry.local;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The lines one logger writes while open (logback, the gantry command's logging backend). */
final class LogLines implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogLines(Logger logger) {
    this.logger = logger;
    appender.start();
    logger.addAppender(appender);
  }

  /** Starts collecting what the named logger writes at its configured level. */
  static LogLines of(String loggerName) {
    return new LogLines((Logger) LoggerFactory.getLogger(loggerName));
  }

  /** The formatted messages so far, oldest first. */
  List<String> lines() {
    synchronized (appender) { // AppenderBase appends while holding the appender's lock
      return appender.list.stream().map(ILoggingEvent::getFormattedMessage).collect(java.util.stream.Collectors.toCollection(ArrayList::new));
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
