package io.github.oauthcallback.internal.tokenendpoint;

import org.springframework.security.oauth2.core.OAuth2AuthorizationException;

/**
 * A refresh token refused ({@code invalid_grant}) after an earlier attempt of the same refresh got no usable answer:
 * the provider probably rotated the token in an answer that was lost, so the stored login cannot be refreshed any
 * more. Thrown by {@link RetryingTokenResponseClient}; it keeps the provider's error, so it is an
 * {@code invalid_grant} to anyone who looks only at the OAuth error.
 * <p>
 * It is an {@link OAuth2AuthorizationException}, not one of the starter's {@code OAuthCallbackException}s, because a
 * token response client may throw only those: Spring Security's providers catch them and wrap them in
 * {@code ClientAuthorizationException}, and its managers' failure handlers act on their error code. The starter's
 * client manager recognises it by type ({@link TokenRequestRetries.Attempts#refusedAfterLostAnswer}) and reports it
 * as a {@code ReauthorizationRequiredException} that says the answer was lost.
 */
public final class RefusedAfterLostAnswerException extends OAuth2AuthorizationException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param refusal the provider's refusal, kept as the cause
	 */
	public RefusedAfterLostAnswerException(OAuth2AuthorizationException refusal) {
		super(refusal.getError(), refusal);
	}

}
