package io.github.oauthcallback.loopback;

import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Holds the JDK HTTP server's logger, {@value #LOGGER_NAME} (the only one its server uses, on JDK 17 to 25), at
 * INFO. At DEBUG it logs every request line ("Exchange request line: GET /callback?code=...&state=...", and its
 * first 80 characters again with each reply), and so the authorization code of the callback.
 * <p>
 * The server logs through {@code System.Logger}, which the JDK backs with {@code java.util.logging}, where Spring
 * Boot bridges it to SLF4J. A level would not hold: Logback's {@code LevelChangePropagator}, which Spring Boot
 * installs, resets every JUL level when logging is configured and copies each level set later (for example
 * {@code logging.level.root=debug}). So a {@link Filter} that drops records below INFO is put on that logger, and
 * the logger is kept here: JUL holds loggers weakly, and a collected logger would come back without the filter.
 * The JDK's server logger shares the configuration of the application's logger of the same name, filter included.
 * <p>
 * Not covered: a {@code System.LoggerFinder} that is not JUL (such as SLF4J's {@code slf4j-jdk-platform-logging}),
 * and the JDK's own {@code -Dsun.net.httpserver.debug=true}, which prints to standard output.
 */
final class JdkServerLogging {

	static final String LOGGER_NAME = "com.sun.net.httpserver";

	private JdkServerLogging() {
	}

	/**
	 * Makes sure the filter is in place; cheap after the first call.
	 */
	static void holdAtInfo() {
		if (ModuleLayer.boot().findModule("java.logging").isPresent()) {
			Held.logger.getName();
		}
	}

	/** Loaded only when {@code java.logging} is there (without it the JDK logs INFO and above only). */
	private static final class Held {

		static final Logger logger = hold();

		private static Logger hold() {
			Logger logger = Logger.getLogger(LOGGER_NAME);
			Filter previous = logger.getFilter();
			if (!(previous instanceof InfoAndAbove)) {
				logger.setFilter(new InfoAndAbove(previous));
			}
			return logger;
		}

	}

	/** Drops records below INFO, then asks the filter that was there before, if any. */
	private record InfoAndAbove(Filter previous) implements Filter {

		@Override
		public boolean isLoggable(LogRecord record) {
			return record.getLevel().intValue() >= Level.INFO.intValue()
					&& (this.previous == null || this.previous.isLoggable(record));
		}

	}

}
