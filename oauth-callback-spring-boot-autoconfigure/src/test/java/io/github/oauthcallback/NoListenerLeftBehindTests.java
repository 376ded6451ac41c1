package io.github.oauthcallback;

import java.util.List;

import io.github.oauthcallback.support.ListenerResources;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs after every other test class of this module (see {@code junit-platform.properties}) and checks that the
 * suite's hundreds of logins, timeouts, cancellations and refreshes left nothing of ours running: no loopback
 * listener (its JDK server threads would still be alive while its port is bound) and no thread of this starter.
 */
@Order(Integer.MAX_VALUE)
class NoListenerLeftBehindTests {

	@Test
	void noListenerAndNoThreadOfOursIsAliveAfterTheSuite() throws Exception {
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
		List<String> ours = Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith("oauth-callback-"))
			.toList();
		assertThat(ours).isEmpty();
	}

}
