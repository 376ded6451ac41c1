package io.github.oauthcallback;

import java.time.Duration;

/**
 * No callback reached the loopback listener in time.
 */
public class AuthorizationTimeoutException extends OAuthCallbackException {

	private static final long serialVersionUID = 1L;

	private final Duration timeout;

	public AuthorizationTimeoutException(String registrationId, Duration timeout) {
		super("No login completed for registration '" + registrationId + "' within " + human(timeout)
				+ ". Run the login again and finish it in the browser, or raise the login timeout.");
		this.timeout = timeout;
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
	 * @return how long the listener waited
	 */
	public Duration getTimeout() {
		return this.timeout;
	}

}
