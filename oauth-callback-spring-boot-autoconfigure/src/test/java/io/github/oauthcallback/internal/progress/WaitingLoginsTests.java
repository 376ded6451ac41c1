package io.github.oauthcallback.internal.progress;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry of waiting logins: a closing context cancels its own bean's logins only, each at most once, and a
 * login that ended is not cancelled.
 */
class WaitingLoginsTests {

	@Test
	void closingOneOwnerCancelsItsWaitingLoginsOnceAndLeavesOthersWaiting() {
		Object mine = new Object();
		Object other = new Object();
		List<String> cancelled = new CopyOnWriteArrayList<>();
		WaitingLogins.Waiting first = WaitingLogins.register(mine, (reason) -> cancelled.add("first: " + reason));
		WaitingLogins.Waiting ended = WaitingLogins.register(mine, (reason) -> cancelled.add("ended: " + reason));
		WaitingLogins.Waiting others = WaitingLogins.register(other, (reason) -> cancelled.add("other: " + reason));
		try {
			ended.done();
			WaitingLogins.cancel(mine, WaitingLogins.CONTEXT_CLOSING);
			WaitingLogins.cancel(mine, WaitingLogins.CONTEXT_CLOSING);
			assertThat(cancelled).containsExactly("first: " + WaitingLogins.CONTEXT_CLOSING);
			first.done();
		}
		finally {
			others.done();
		}
		assertThat(cancelled).hasSize(1);
	}

}
