package io.github.oauthcallback.support;

import java.util.List;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/**
 * Captures, in this JVM, every log event (message, arguments, exception messages and stack traces) that reaches
 * Logback's root logger while installed, with this library's loggers raised to DEBUG and every other logger left at
 * its level (INFO by default). It checks what this library logs; what all loggers log at TRACE, the JDK's and
 * Spring's included, is checked by {@code NoSecretInLogsAtTraceTests}, in an application of its own.
 */
public final class CapturedLogs implements AutoCloseable {

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

	private final Logger ours = (Logger) LoggerFactory.getLogger("io.github.oauthcallback");

	private final Level previous;

	public CapturedLogs() {
		this.appender.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
		this.appender.start();
		this.root.addAppender(this.appender);
		this.previous = this.ours.getLevel();
		this.ours.setLevel(Level.DEBUG);
	}

	/** All captured text, one line per event (level, logger, message) plus its exception chain. */
	public String text() {
		List<ILoggingEvent> events = List.copyOf(this.appender.list);
		return events.stream().map(CapturedLogs::render).collect(Collectors.joining("\n"));
	}

	public int size() {
		return this.appender.list.size();
	}

	private static String render(ILoggingEvent event) {
		StringBuilder text = new StringBuilder().append(event.getLevel())
			.append(' ')
			.append(event.getLoggerName())
			.append(' ')
			.append(event.getFormattedMessage());
		for (IThrowableProxy proxy = event.getThrowableProxy(); proxy != null; proxy = proxy.getCause()) {
			text.append("\n  ").append(proxy.getClassName()).append(": ").append(proxy.getMessage());
			for (StackTraceElementProxy element : proxy.getStackTraceElementProxyArray()) {
				text.append("\n    ").append(element.getSTEAsString());
			}
		}
		return text.toString();
	}

	@Override
	public void close() {
		this.root.detachAppender(this.appender);
		this.ours.setLevel(this.previous);
	}

}
