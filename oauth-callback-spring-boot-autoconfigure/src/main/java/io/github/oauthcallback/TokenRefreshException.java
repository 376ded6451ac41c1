package io.github.oauthcallback;

import org.jspecify.annotations.Nullable;

/**
 * Refreshing a token failed for a reason other than a rejected refresh token (which needs a new login, see
 * {@link ReauthorizationRequiredException}): the token endpoint could not be reached, kept failing with 5xx after
 * retries, or answered with something unusable. The stored login is kept, so a later run can try again.
 */
public class TokenRefreshException extends OAuthCallbackException {

	private static final long serialVersionUID = 1L;

	private final String errorCode;

	public TokenRefreshException(String errorCode, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.errorCode = errorCode;
	}

	/**
	 * @return the OAuth 2.0 error code
	 */
	public String getErrorCode() {
		return this.errorCode;
	}

}
