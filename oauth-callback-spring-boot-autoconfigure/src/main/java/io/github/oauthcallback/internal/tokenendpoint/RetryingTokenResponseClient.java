package io.github.oauthcallback.internal.tokenendpoint;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.client.RestClient;

/**
 * Retries a token request that failed for a transient reason, by the rules of {@link TokenRequestRetries} (a
 * refresh or a client-credentials request as often as they allow; a request of another grant, such as the
 * authorization-code exchange, only when it certainly did not reach the provider), waiting between attempts inside
 * the request.
 * <p>
 * For an {@code OAuth2AuthorizedClientManager} of your own. The starter's
 * {@code OAuthCallbackAuthorizedClientManager} does not use it, and its token clients must not be wrapped in it: that
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
				if (attempts.refusedAfterLostAnswer(ex)) {
					throw (ex instanceof RefusedAfterLostAnswerException refused) ? refused
							: new RefusedAfterLostAnswerException(ex);
				}
				if (!(attempts.failed(ex) instanceof TokenRequestRetries.Decision.Retry retry)) {
					throw ex;
				}
				try {
					attempts.backOff(retry.backoff());
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw ex;
				}
			}
		}
	}

}
