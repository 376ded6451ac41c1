package io.github.oauthcallback.refresh;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import io.github.oauthcallback.tokenendpoint.TokenEndpointClients;

import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.client.RestClient;

/**
 * Retries a token request (a refresh, or a client-credentials request of a batch job) that failed for a transient
 * reason, by the rules of {@link TokenRequestRetries}, waiting between attempts inside the request.
 * <p>
 * For an {@code OAuth2AuthorizedClientManager} of your own. The starter's
 * {@link OAuthCallbackAuthorizedClientManager} does not use it, and its token clients must not be wrapped in it: that
 * manager retries by itself, waiting with the login's store lock released (a client that waits inside the request
 * would hold the lock, and for the JDBC store a transaction and a pooled connection, for the whole back-off).
 * <p>
 * A refresh token refused with {@code invalid_grant} after an earlier attempt got no usable answer is reported as
 * {@link RefusedAfterLostAnswerException}. The status and {@code Retry-After} of an answer are known when the token
 * endpoint's {@link RestClient} comes from {@link TokenEndpointClients}; an error without them is not retried.
 */
public final class RetryingTokenResponseClient<T extends AbstractOAuth2AuthorizationGrantRequest>
		implements OAuth2AccessTokenResponseClient<T> {

	/** The default cap of each wait, {@code Retry-After} included. */
	public static final Duration DEFAULT_MAX_BACKOFF = TokenRequestRetries.DEFAULT_MAX_BACKOFF;

	private final OAuth2AccessTokenResponseClient<T> delegate;

	private final TokenRequestRetries retries;

	/**
	 * @param delegate the client that calls the token endpoint
	 * @param attempts attempts in all, at least 1
	 * @param backoff the wait before the second attempt; it doubles after each further failure, up to
	 * {@link #DEFAULT_MAX_BACKOFF}
	 */
	public RetryingTokenResponseClient(OAuth2AccessTokenResponseClient<T> delegate,
			int attempts, Duration backoff) {
		this(delegate, attempts, backoff, DEFAULT_MAX_BACKOFF);
	}

	/**
	 * @param delegate the client that calls the token endpoint
	 * @param attempts attempts in all, at least 1
	 * @param backoff the wait before the second attempt; it doubles after each further failure
	 * @param maxBackoff the longest wait, also for a {@code Retry-After} of the server; at least {@code backoff}
	 */
	public RetryingTokenResponseClient(OAuth2AccessTokenResponseClient<T> delegate,
			int attempts, Duration backoff, Duration maxBackoff) {
		this(delegate, attempts, backoff, maxBackoff, Thread::sleep, () -> ThreadLocalRandom.current().nextDouble());
	}

	RetryingTokenResponseClient(OAuth2AccessTokenResponseClient<T> delegate, int attempts, Duration backoff,
			Duration maxBackoff, TokenRequestRetries.Sleeper sleeper, DoubleSupplier random) {
		this.delegate = delegate;
		this.retries = new TokenRequestRetries(attempts, backoff, maxBackoff, sleeper, random);
	}

	@Override
	public OAuth2AccessTokenResponse getTokenResponse(T grantRequest) {
		TokenRequestRetries.Attempts attempts = this.retries
			.start(grantRequest.getClientRegistration().getRegistrationId(), grantRequest.getGrantType());
		for (;;) {
			try {
				OAuth2AccessTokenResponse response = this.delegate.getTokenResponse(grantRequest);
				attempts.succeeded();
				return response;
			}
			catch (OAuth2AuthorizationException ex) {
				if (attempts.answerMayBeLost() && OAuth2ErrorCodes.INVALID_GRANT.equals(ex.getError().getErrorCode())) {
					throw new RefusedAfterLostAnswerException(ex);
				}
				Duration wait = attempts.failed(ex);
				if (wait == null) {
					throw ex;
				}
				try {
					this.retries.sleep(wait);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw ex;
				}
			}
		}
	}

	/**
	 * The refresh token was refused ({@code invalid_grant}) after an earlier attempt of the same refresh got no
	 * usable answer: the provider probably rotated the token in an answer that was lost.
	 */
	static final class RefusedAfterLostAnswerException extends OAuth2AuthorizationException {

		private static final long serialVersionUID = 1L;

		RefusedAfterLostAnswerException(OAuth2AuthorizationException refusal) {
			super(refusal.getError(), refusal);
		}

	}

}
