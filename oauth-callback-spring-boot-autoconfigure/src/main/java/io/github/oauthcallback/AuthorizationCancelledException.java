package io.github.oauthcallback;

/**
 * The login was cancelled (its future was cancelled or the waiting thread was interrupted) before it completed.
 */
public class AuthorizationCancelledException extends OAuthCallbackException {

	private static final long serialVersionUID = 1L;

	public AuthorizationCancelledException(String registrationId) {
		super("The login for registration '" + registrationId + "' was cancelled before it completed.");
	}

}
