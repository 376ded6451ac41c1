package io.github.oauthcallback.internal;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggerConfiguration;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.util.ClassUtils;

/**
 * Holds at INFO the wire and header loggers of the HTTP client libraries Spring Boot may pick for token requests and
 * for requests with a bearer token, because below INFO they print what goes over the wire: Apache HttpClient 5's
 * {@code org.apache.hc.client5.http.wire} and {@code org.apache.hc.client5.http.headers} (the token request's body
 * with its code, verifier, client secret or refresh token, the token response, the {@code Authorization} header),
 * and Jetty's client and I/O loggers. Unlike the JDK's loggers ({@link JdkHttpLogging}), these log through SLF4J or
 * Commons Logging, so they are held through Spring Boot's {@link LoggingSystem}: each logger whose effective level is
 * below INFO is set to INFO, with one warning that says so. Only libraries on the class path are touched.
 * <p>
 * Not covered: a logging system Spring Boot does not manage ({@code org.springframework.boot.logging.LoggingSystem=none})
 * and a level set again after the first token request or bearer interceptor (a new logging configuration).
 */
public final class ClientWireLogging {

	private static final Log logger = LogFactory.getLog(ClientWireLogging.class);

	/** Loggers to hold, by a class whose presence says the library is there. */
	static final Map<String, List<String>> LOGGERS = Map.of(
			"org.apache.hc.client5.http.impl.classic.HttpClients",
			List.of("org.apache.hc.client5.http.wire", "org.apache.hc.client5.http.headers"),
			"org.eclipse.jetty.client.HttpClient", List.of("org.eclipse.jetty.client", "org.eclipse.jetty.io"));

	private ClientWireLogging() {
	}

	/**
	 * Holds the loggers of the HTTP client libraries on the class path at INFO.
	 */
	public static void holdAtInfo() {
		ClassLoader classLoader = ClientWireLogging.class.getClassLoader();
		holdAtInfo((type) -> ClassUtils.isPresent(type, classLoader), classLoader);
	}

	static void holdAtInfo(Predicate<String> present, ClassLoader classLoader) {
		List<String> names = LOGGERS.entrySet()
			.stream()
			.filter((library) -> present.test(library.getKey()))
			.flatMap((library) -> library.getValue().stream())
			.toList();
		if (names.isEmpty()) {
			return;
		}
		LoggingSystem system = LoggingSystem.get(classLoader);
		for (String name : names) {
			LogLevel level = effectiveLevel(system, name);
			if (level == LogLevel.TRACE || level == LogLevel.DEBUG) {
				system.setLogLevel(name, LogLevel.INFO);
				logger.warn("Set logger '" + name + "' to INFO: at " + level + " it prints token requests and "
						+ "Authorization headers. Token requests and bearer tokens never reach logs.");
			}
		}
	}

	/**
	 * The effective level of a logger that may not exist yet (the library creates its loggers when its classes
	 * load): that of its nearest existing ancestor.
	 */
	private static @Nullable LogLevel effectiveLevel(LoggingSystem system, String name) {
		for (String candidate = name; !candidate.isEmpty(); candidate = candidate.substring(0,
				Math.max(candidate.lastIndexOf('.'), 0))) {
			LoggerConfiguration configuration = system.getLoggerConfiguration(candidate);
			if (configuration != null) {
				return configuration.getEffectiveLevel();
			}
		}
		LoggerConfiguration root = system.getLoggerConfiguration(LoggingSystem.ROOT_LOGGER_NAME);
		return (root != null) ? root.getEffectiveLevel() : null;
	}

}
