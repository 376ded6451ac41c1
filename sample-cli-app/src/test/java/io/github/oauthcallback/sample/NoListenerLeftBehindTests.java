package io.github.oauthcallback.sample;

import java.util.List;
import java.util.Set;

import io.github.oauthcallback.support.ListenerResources;
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
		List<String> starter = Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith("oauth-callback-"))
			.toList();
		assertThat(starter).isEmpty();
	}

	@Test
	void noListeningSocketOfThisJvmIsLeftAfterTheSuite() throws Exception {
		Set<Integer> ports = ListenerResources.listeningPortsOfThisProcess();
		org.junit.jupiter.api.Assumptions.assumeTrue(ports != null, "/proc is needed to list this process's sockets");
		try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			assertThat(ListenerResources.listeningPortsOfThisProcess()).contains(probe.getLocalPort());
		}
		assertThat(ports).as("ports this JVM still listens on").isEmpty();
	}

}
