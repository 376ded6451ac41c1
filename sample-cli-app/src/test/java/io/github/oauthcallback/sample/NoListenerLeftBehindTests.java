package io.github.oauthcallback.sample;

import java.util.Set;

import io.github.oauthcallback.support.ListenerResources;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs after every other test class of the sample (see {@code junit-platform.properties}): its logins, demo identity
 * providers and stub servers left no loopback listener, no thread of the starter and no listening socket behind.
 */
@Order(Integer.MAX_VALUE)
class NoListenerLeftBehindTests {

	@Test
	void noListenerAndNoThreadOfTheStarterIsAliveAfterTheSuite() throws Exception {
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
		assertThat(ListenerResources.starterThreads()).isEmpty();
	}

	@Test
	void noListeningSocketOfThisJvmIsLeftAfterTheSuite() throws Exception {
		Set<Integer> ports = ListenerResources.checkedListeningPortsOfThisProcess();
		Assumptions.assumeTrue(ports != null, "/proc is needed to list this process's sockets");
		assertThat(ports).as("ports this JVM still listens on").isEmpty();
	}

}
