package io.github.oauthcallback.internal.device;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

import io.github.oauthcallback.AuthorizationCancelledException;
import io.github.oauthcallback.AuthorizationErrorException;
import io.github.oauthcallback.AuthorizationTimeoutException;
import io.github.oauthcallback.internal.tokenendpoint.DeviceCodeGrantRequest;
import io.github.oauthcallback.internal.tokenendpoint.TokenEndpointFailure;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2DeviceAuthorizationResponse;

/**
 * Polls the token endpoint for a device login by the rules of RFC 8628 section 3.5:
 * <ul>
 * <li>the first request and every later one wait at least the {@code interval} the provider sent (5 s when it sent
 * none);</li>
 * <li>{@code authorization_pending}: poll again; {@code slow_down}: the interval grows by 5 s for that and every
 * later request;</li>
 * <li>{@code access_denied} ends the login with {@link AuthorizationErrorException}, {@code expired_token} with
 * {@link AuthorizationTimeoutException#deviceCodeExpired}, any other error with a {@code TokenExchangeException};</li>
 * <li>429 and 5xx: wait the longer of the interval and {@code Retry-After}, then poll again; no answer (connection
 * or read timeout, connection failure): the interval doubles (section 3.5's back-off), then poll again;</li>
 * <li>the polling ends, without a further request, when the next one would come after the device code's
 * {@code expires_in} or after the login timeout, and when the login is abandoned (its future cancelled) or the
 * thread interrupted.</li>
 * </ul>
 * Nothing it logs or throws carries the device code or a token. The clock and the waiting are injected, so the rules
 * can be tested without waiting.
 */
final class DevicePolling {

	/** The interval when the provider sends none (RFC 8628 section 3.2). */
	static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

	/** What every {@code slow_down} adds to the interval (RFC 8628 section 3.5). */
	static final Duration SLOW_DOWN_STEP = Duration.ofSeconds(5);

	static final String AUTHORIZATION_PENDING = "authorization_pending";

	static final String SLOW_DOWN = "slow_down";

	static final String EXPIRED_TOKEN = "expired_token";

	private static final Log logger = LogFactory.getLog(DevicePolling.class);

	private final OAuth2AccessTokenResponseClient<DeviceCodeGrantRequest> tokens;

	private final Clock clock;

	private final Sleeper sleeper;

	DevicePolling(OAuth2AccessTokenResponseClient<DeviceCodeGrantRequest> tokens, Clock clock, Sleeper sleeper) {
		this.tokens = tokens;
		this.clock = clock;
		this.sleeper = sleeper;
	}

	/**
	 * Polls until the user approved or refused the login, or it ends otherwise.
	 * @param registration the registration
	 * @param authorization the provider's answer to the device authorization request
	 * @param timeout the login timeout, counted from now
	 * @param abandoned whether the caller gave up on the login; asked after every wait
	 * @return the token response
	 * @throws InterruptedException if the thread was interrupted while waiting
	 * @throws io.github.oauthcallback.OAuthCallbackException if the login was refused, expired, timed out, was
	 * abandoned or failed
	 */
	OAuth2AccessTokenResponse poll(ClientRegistration registration, OAuth2DeviceAuthorizationResponse authorization,
			Duration timeout, BooleanSupplier abandoned) throws InterruptedException {
		String id = registration.getRegistrationId();
		Instant start = this.clock.instant();
		Duration lifetime = Duration.between(authorization.getDeviceCode().getIssuedAt(),
				authorization.getDeviceCode().getExpiresAt());
		Instant expiry = start.plus(lifetime);
		Instant deadline = start.plus(timeout);
		Duration interval = (authorization.getInterval() > 0) ? Duration.ofSeconds(authorization.getInterval())
				: DEFAULT_INTERVAL;
		Duration wait = interval;
		DeviceCodeGrantRequest request = new DeviceCodeGrantRequest(registration,
				authorization.getDeviceCode().getTokenValue());
		for (int poll = 1;; poll++) {
			Instant next = this.clock.instant().plus(wait);
			if (next.isAfter(expiry)) {
				throw AuthorizationTimeoutException.deviceCodeExpired(id, lifetime);
			}
			if (next.isAfter(deadline)) {
				throw new AuthorizationTimeoutException(id, timeout);
			}
			this.sleeper.sleep(wait);
			if (abandoned.getAsBoolean()) {
				throw new AuthorizationCancelledException(id);
			}
			try {
				OAuth2AccessTokenResponse response = this.tokens.getTokenResponse(request);
				logger.debug("Device login of '" + id + "' approved; poll " + poll);
				return response;
			}
			catch (OAuth2AuthorizationException ex) {
				TokenEndpointFailure failure = TokenEndpointFailure.of(ex);
				OAuth2Error error = (failure instanceof TokenEndpointFailure.Answer answer) ? answer.error()
						: ex.getError();
				switch (error.getErrorCode()) {
					case AUTHORIZATION_PENDING -> wait = interval;
					case SLOW_DOWN -> {
						interval = interval.plus(SLOW_DOWN_STEP);
						wait = interval;
					}
					case OAuth2ErrorCodes.ACCESS_DENIED -> throw new AuthorizationErrorException(id,
							error.getErrorCode(), error.getDescription(), error.getUri());
					case EXPIRED_TOKEN -> throw AuthorizationTimeoutException.deviceCodeExpired(id, lifetime);
					default -> {
						if (failure instanceof TokenEndpointFailure.Answer answer
								&& (answer.status() == 429 || answer.status() >= 500)) {
							wait = (answer.retryAfter() != null && answer.retryAfter().compareTo(interval) > 0)
									? answer.retryAfter() : interval;
						}
						else if (failure instanceof TokenEndpointFailure.Io) {
							interval = interval.multipliedBy(2);
							wait = interval;
						}
						else {
							throw DeviceLoginFailures.tokenRequestRefused(registration, ex, failure);
						}
					}
				}
				logger.debug("Device login of '" + id + "': poll " + poll + " answered " + describe(failure, error)
						+ "; next poll in " + wait.toMillis() + " ms");
			}
		}
	}

	private static String describe(TokenEndpointFailure failure, OAuth2Error error) {
		if (failure instanceof TokenEndpointFailure.Io io) {
			return io.cause().getClass().getSimpleName();
		}
		return (failure instanceof TokenEndpointFailure.Answer answer)
				? "HTTP " + answer.status() + " " + error.getErrorCode() : error.getErrorCode();
	}

	/** Waits between two polls; replaced in tests. */
	@FunctionalInterface
	interface Sleeper {

		/** Sleeps the thread. */
		Sleeper THREAD = (duration) -> Thread.sleep(duration.toMillis());

		void sleep(Duration duration) throws InterruptedException;

	}

}
