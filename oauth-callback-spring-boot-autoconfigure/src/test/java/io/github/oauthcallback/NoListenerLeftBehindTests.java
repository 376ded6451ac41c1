package io.github.oauthcallback;

import java.util.Set;

import io.github.oauthcallback.support.ListenerResources;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs after every other test class of this module (see {@code junit-platform.properties}) and checks that the
 * suite's hundreds of logins, timeouts, cancellations and refreshes left nothing of ours running: no loopback
 * listener thread, no thread of this starter, and no listening socket held by this JVM (a port can stay bound
 * without any thread, when a server is created but never started).
 */
@Order(Integer.MAX_VALUE)
class NoListenerLeftBehindTests {

	@Test
	void noListenerAndNoThreadOfOursIsAliveAfterTheSuite() throws Exception {
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
		assertThat(ListenerResources.starterThreads()).isEmpty();
	}

	@Test
	void noListeningSocketOfThisJvmIsLeftAfterTheSuite() throws Exception {
		// Every listener, stub and authorization server of the suite is closed by now: nothing may still listen.
		Set<Integer> ports = ListenerResources.checkedListeningPortsOfThisProcess();
		Assumptions.assumeTrue(ports != null, "/proc is needed to list this process's sockets");
		assertThat(ports).as("ports this JVM still listens on").isEmpty();
	}

}
