package io.github.oauthcallback.refresh;

import java.time.Duration;

import io.github.oauthcallback.authorize.TokenEndpointClients;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

/**
 * Retries a refresh that failed for a transient reason (I/O error, 5xx, 429) a bounded number of times with
 * exponential backoff. A refused refresh token ({@code invalid_grant}) or any other OAuth error is not retried.
 */
public final class RetryingRefreshTokenResponseClient
		implements OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> {

	private static final Log logger = LogFactory.getLog(RetryingRefreshTokenResponseClient.class);

	private final OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> delegate;

	private final int attempts;

	private final Duration backoff;

	/**
	 * @param delegate the client that calls the token endpoint
	 * @param attempts attempts in all, at least 1
	 * @param backoff the wait before the second attempt; it doubles after each further failure
	 */
	public RetryingRefreshTokenResponseClient(OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> delegate,
			int attempts, Duration backoff) {
		this.delegate = delegate;
		this.attempts = Math.max(1, attempts);
		this.backoff = backoff;
	}

	@Override
	public OAuth2AccessTokenResponse getTokenResponse(OAuth2RefreshTokenGrantRequest grantRequest) {
		for (int attempt = 1;; attempt++) {
			try {
				return this.delegate.getTokenResponse(grantRequest);
			}
			catch (OAuth2AuthorizationException ex) {
				if (attempt >= this.attempts || !TokenEndpointClients.isTransient(ex)) {
					throw ex;
				}
				Duration wait = this.backoff.multipliedBy(1L << (attempt - 1));
				logger.info("Refreshing the token of '" + grantRequest.getClientRegistration().getRegistrationId()
						+ "' failed (" + ex.getError().getErrorCode() + "); attempt " + (attempt + 1) + " of "
						+ this.attempts + " in " + wait.toMillis() + " ms");
				try {
					Thread.sleep(wait.toMillis());
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw ex;
				}
			}
		}
	}

}
