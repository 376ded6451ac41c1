package io.github.oauthcallback;

import java.time.Duration;

/**
 * No callback reached the loopback listener in time.
 */
public class AuthorizationTimeoutException extends OAuthCallbackException {

	private static final long serialVersionUID = 1L;

	private final Duration timeout;

	public AuthorizationTimeoutException(String registrationId, Duration timeout) {
		super("No login completed for registration '" + registrationId + "' within " + timeout
				+ ". Run the login again and finish it in the browser, or raise oauth-callback.timeout.");
		this.timeout = timeout;
	}

	/**
	 * @return how long the listener waited
	 */
	public Duration getTimeout() {
		return this.timeout;
	}

}
