package io.github.oauthcallback.support;

import java.util.Set;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The end-of-suite check of a module: extended by a test class ordered after all others, it asserts that the
 * suite's logins, timeouts, cancellations, refreshes and servers left nothing running: no loopback listener thread,
 * no thread of the starter, and no listening socket held by this JVM (a port can stay bound without any thread, when
 * a server is created but never started).
 */
public abstract class NothingLeftRunningCheck {

	@Test
	void noListenerAndNoThreadOfTheStarterIsAliveAfterTheSuite() throws Exception {
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
		assertThat(ListenerResources.awaitNoStarterThreads()).isEmpty();
	}

	@Test
	void noListeningSocketOfThisJvmIsLeftAfterTheSuite() throws Exception {
		Set<Integer> ports = ListenerResources.checkedListeningPortsOfThisProcess();
		Assumptions.assumeTrue(ports != null, "/proc is needed to list this process's sockets");
		assertThat(ports).as("ports this JVM still listens on").isEmpty();
	}

}
