package io.github.oauthcallback;

import java.time.Duration;

/**
 * No login completed in time: no callback reached the loopback listener, or the user did not approve a device login
 * before the login timeout or the device code's expiry ({@link #deviceCodeExpired}).
 */
public class AuthorizationTimeoutException extends OAuthCallbackException {

	private static final long serialVersionUID = 1L;

	private final Duration timeout;

	public AuthorizationTimeoutException(String registrationId, Duration timeout) {
		super("No login completed for registration '" + registrationId + "' within " + human(timeout)
				+ ". Run the login again and finish it in the browser, or raise the login timeout.");
		this.timeout = timeout;
	}

	private AuthorizationTimeoutException(Duration timeout, String message) {
		super(message);
		this.timeout = timeout;
	}

	/**
	 * The device code of a device login (RFC 8628) expired before the user approved the login: the provider
	 * answered {@code expired_token}, or the code's {@code expires_in} passed while polling.
	 * @param registrationId the registration
	 * @param lifetime how long the device code was valid
	 * @return the exception
	 */
	public static AuthorizationTimeoutException deviceCodeExpired(String registrationId, Duration lifetime) {
		return new AuthorizationTimeoutException(lifetime, "The device code of the login for registration '" + registrationId
				+ "' expired before the login was approved (it was valid for " + human(lifetime) + "); start the "
				+ "login again and enter the new code promptly.");
	}

	static String human(Duration duration) {
		StringBuilder text = new StringBuilder();
		long hours = duration.toHours();
		int minutes = duration.toMinutesPart();
		int seconds = duration.toSecondsPart();
		int millis = duration.toMillisPart();
		if (hours > 0) {
			text.append(hours).append(" h ");
		}
		if (minutes > 0) {
			text.append(minutes).append(" min ");
		}
		if (seconds > 0 || (millis == 0 && text.isEmpty())) {
			text.append(seconds).append(" s ");
		}
		if (millis > 0) {
			text.append(millis).append(" ms ");
		}
		return text.toString().trim();
	}

	/**
	 * @return how long the login waited (for an expired device code: how long the code was valid)
	 */
	public Duration getTimeout() {
		return this.timeout;
	}

}
