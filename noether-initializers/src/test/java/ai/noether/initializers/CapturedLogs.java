package ai.noether.initializers;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects what one logger writes while it is open, as the user would read it. */
public final class CapturedLogs implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private CapturedLogs(Class<?> source) {
    logger = (Logger) LoggerFactory.getLogger(source);
    appender.start();
    logger.addAppender(appender);
  }

  /** Starts collecting the log lines of {@code source}'s logger. */
  public static CapturedLogs of(Class<?> source) {
    return new CapturedLogs(source);
  }

  /** The formatted messages at {@code level}, in order. */
  public List<String> at(String level) {
    Level wanted = Level.toLevel(level);
    return appender.list.stream()
        .filter(e -> e.getLevel() == wanted)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}
