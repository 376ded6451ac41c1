package io.github.oauthcallback;

import org.jspecify.annotations.Nullable;

/**
 * Root of every exception this starter throws. Messages say what went wrong and what to do about it; they never
 * contain authorization codes, state values, PKCE verifiers, tokens or client secrets.
 */
public class OAuthCallbackException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public OAuthCallbackException(String message) {
		super(message);
	}

	public OAuthCallbackException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
