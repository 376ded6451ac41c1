package io.github.oauthcallback;

/**
 * A client registration or an {@code oauth-callback.*} property cannot be used as given. The message names the
 * property to fix.
 */
public class InvalidConfigurationException extends OAuthCallbackException {

	private static final long serialVersionUID = 1L;

	public InvalidConfigurationException(String message) {
		super(message);
	}

	public InvalidConfigurationException(String message, Throwable cause) {
		super(message, cause);
	}

}
