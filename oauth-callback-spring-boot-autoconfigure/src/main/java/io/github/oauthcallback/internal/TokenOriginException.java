package io.github.oauthcallback.internal;

import io.github.oauthcallback.OAuthCallbackException;

/**
 * A request of a {@code RestClient} whose token is pinned to its base URL's origin named another origin (an absolute
 * or protocol-relative URI such as {@code https://elsewhere.example/x} or {@code //elsewhere.example/x}, which Spring
 * sends there instead of below the base URL). The request was not sent and no token was obtained for it. The message
 * names the client and the origin its token is allowed to, never a token or the request's path or query.
 */
public class TokenOriginException extends OAuthCallbackException {

	private static final long serialVersionUID = 1L;

	public TokenOriginException(String message) {
		super(message);
	}

}
