package io.github.oauthcallback;

import org.jspecify.annotations.Nullable;

/**
 * The token endpoint did not give usable tokens for an authorization code, or the ID token it returned failed
 * validation. {@link #getErrorCode()} keeps the provider's OAuth error code (for example {@code invalid_grant},
 * {@code invalid_client}) or Spring Security's ({@code invalid_token_response}, {@code invalid_id_token},
 * {@code invalid_nonce}).
 */
public class TokenExchangeException extends OAuthCallbackException {

	private static final long serialVersionUID = 1L;

	private final String errorCode;

	public TokenExchangeException(String errorCode, String message, @Nullable Throwable cause) {
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
