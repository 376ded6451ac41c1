package io.github.oauthcallback.internal;

import java.util.List;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Holds the loggers of the JDK's HTTP server and of {@code HttpURLConnection} at INFO, because below it they log
 * what the starter must keep secret:
 * <ul>
 * <li>{@value #SERVER} (the only logger of the JDK's server, JDK 17 to 25) logs every request line at DEBUG
 * ("Exchange request line: GET /callback?code=...&amp;state=...", and its first 80 characters again with each reply),
 * and so the authorization code the loopback listener receives;</li>
 * <li>{@value #URL_CONNECTION} logs every request's headers at DEBUG, and so the {@code Authorization} header of a
 * token request ({@code client_secret_basic}) or of a resource request with a bearer token, when the application's
 * HTTP client is Spring's {@code SimpleClientHttpRequestFactory}
 * ({@code spring.http.clients.imperative.factory=simple}).</li>
 * </ul>
 * The JDK logs through {@code System.Logger}, which it backs with {@code java.util.logging}, where Spring Boot
 * bridges it to SLF4J. A level would not hold: Logback's {@code LevelChangePropagator}, which Spring Boot installs,
 * resets every JUL level when logging is configured and copies each level set later (for example
 * {@code logging.level.root=debug}). So a {@link Filter} that drops records below INFO is put on each logger, and the
 * loggers are kept here: JUL holds loggers weakly, and a collected logger would come back without its filter. The
 * JDK's own logger of a name shares the configuration of the application's logger of that name, filter included.
 * <p>
 * Not covered: a {@code System.LoggerFinder} that is not JUL (such as SLF4J's {@code slf4j-jdk-platform-logging} or
 * Log4j's {@code log4j-jpl}), and the JDK's own switches ({@code -Dsun.net.httpserver.debug=true},
 * {@code -Djdk.httpclient.HttpClient.log=...}, {@code -Djdk.internal.httpclient.debug=true}), which a user sets on
 * purpose.
 */
public final class JdkHttpLogging {

	/** The JDK HTTP server's logger. */
	public static final String SERVER = "com.sun.net.httpserver";

	/** {@code HttpURLConnection}'s logger. */
	public static final String URL_CONNECTION = "sun.net.www.protocol.http.HttpURLConnection";

	private static final boolean JUL = ModuleLayer.boot().findModule("java.logging").isPresent();

	private JdkHttpLogging() {
	}

	/**
	 * Makes sure the filters are in place; cheap after the first call.
	 */
	public static void holdAtInfo() {
		if (JUL) {
			Held.loggers.size();
		}
	}

	/** Loaded only when {@code java.logging} is there (without it the JDK logs INFO and above only). */
	private static final class Held {

		static final List<Logger> loggers = List.of(hold(SERVER), hold(URL_CONNECTION));

		private static Logger hold(String name) {
			Logger logger = Logger.getLogger(name);
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
