package io.github.oauthcallback.internal.refresh;

import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

/**
 * A browser or device login that {@link LoopbackAuthorizedClientProvider} or {@link DeviceAuthorizedClientProvider}
 * found needed but left to the client manager to run, once the manager has released the store's lock: the login
 * saves its result from another thread (the listener's, the poller's), and a store lock (a database row lock, a file
 * lock) must not be held for the minutes a user takes to log in. The manager puts
 * one into the context attributes under {@link #ATTRIBUTE}; the provider records the login in it and authorizes
 * nothing.
 */
public final class PendingLogin {

	/** Context attribute holding the {@link PendingLogin} of a request. */
	public static final String ATTRIBUTE = PendingLogin.class.getName();

	private @Nullable Supplier<OAuth2AuthorizedClient> login;

	/**
	 * @param attributes the attributes of an authorization request or context
	 * @return the pending login they carry, or {@code null}
	 */
	static @Nullable PendingLogin in(Map<String, Object> attributes) {
		return (attributes.get(ATTRIBUTE) instanceof PendingLogin pending) ? pending : null;
	}

	/** Records the login to run. */
	void needed(Supplier<OAuth2AuthorizedClient> login) {
		this.login = login;
	}

	/** Whether a login was recorded. */
	public boolean isNeeded() {
		return this.login != null;
	}

	/** Runs the recorded login; call only if {@link #isNeeded()}. */
	public OAuth2AuthorizedClient run() {
		Supplier<OAuth2AuthorizedClient> recorded = this.login;
		if (recorded == null) {
			throw new IllegalStateException("No login was recorded");
		}
		return recorded.get();
	}

}
