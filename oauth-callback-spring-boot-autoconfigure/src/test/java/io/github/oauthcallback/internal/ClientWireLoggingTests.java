package io.github.oauthcallback.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;

import static org.assertj.core.api.Assertions.assertThat;

class ClientWireLoggingTests {

	private static final String WIRE = "org.apache.hc.client5.http.wire";

	private static final String HEADERS = "org.apache.hc.client5.http.headers";

	private static final String JETTY = "org.eclipse.jetty.client";

	private final ClassLoader classLoader = getClass().getClassLoader();

	private final LoggingSystem system = LoggingSystem.get(this.classLoader);

	@AfterEach
	void restore() {
		for (String name : new String[] { WIRE, HEADERS, JETTY, "org.apache.hc", "org.eclipse.jetty" }) {
			this.system.setLogLevel(name, null);
		}
	}

	@Test
	void apacheHttpClientWireAndHeaderLoggersAreHeldAtInfoWhenTheLibraryIsPresent() {
		this.system.setLogLevel("org.apache.hc", LogLevel.TRACE);
		this.system.setLogLevel("org.eclipse.jetty", LogLevel.DEBUG);
		assertThat(LoggerFactory.getLogger(WIRE).isDebugEnabled()).isTrue();
		assertThat(LoggerFactory.getLogger(HEADERS).isDebugEnabled()).isTrue();
		ClientWireLogging.holdAtInfo("org.apache.hc.client5.http.impl.classic.HttpClients"::equals, this.classLoader);
		assertThat(LoggerFactory.getLogger(WIRE).isDebugEnabled()).isFalse();
		assertThat(LoggerFactory.getLogger(HEADERS).isDebugEnabled()).isFalse();
		assertThat(LoggerFactory.getLogger(WIRE).isInfoEnabled()).isTrue();
		// Jetty is "absent" here: its loggers are left as the application set them.
		assertThat(LoggerFactory.getLogger(JETTY).isDebugEnabled()).isTrue();
	}

	@Test
	void aLoggerTheLibraryHasNotCreatedYetIsHeldToo() {
		this.system.setLogLevel("org.apache.hc", LogLevel.DEBUG);
		ClientWireLogging.holdAtInfo((type) -> type.startsWith("org.apache.hc"), this.classLoader);
		assertThat(this.system.getLoggerConfiguration(HEADERS).getConfiguredLevel()).isEqualTo(LogLevel.INFO);
	}

	@Test
	void loggersAlreadyAtInfoOrAboveAreLeftAlone() {
		this.system.setLogLevel(WIRE, LogLevel.ERROR);
		ClientWireLogging.holdAtInfo((type) -> true, this.classLoader);
		assertThat(this.system.getLoggerConfiguration(WIRE).getConfiguredLevel()).isEqualTo(LogLevel.ERROR);
	}

}
