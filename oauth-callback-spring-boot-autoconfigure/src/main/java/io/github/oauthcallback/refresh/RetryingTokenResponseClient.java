package io.github.oauthcallback.refresh;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import javax.net.ssl.SSLHandshakeException;

import io.github.oauthcallback.authorize.TokenEndpointClients;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.client.RestClient;

/**
 * Retries a token request (a refresh, or a client-credentials request of a batch job) that failed for a transient
 * reason a bounded number of times, with exponential backoff and jitter, or after the server's {@code Retry-After};
 * each wait is capped.
 * <ul>
 * <li>Retried: failures before the request was sent (connection refused, unknown host, connect timeout, TLS
 * handshake), and the answers 429, 500, 502, 503 and 504.</li>
 * <li>Retried once: an I/O failure after the request was sent (read timeout, connection reset, no answer). The
 * provider may have rotated the refresh token in the answer that was lost; the replay then either succeeds (no
 * rotation, or a reuse grace period) or is refused with {@code invalid_grant}, which any later attempt would get too;
 * the client manager's message and log then say that an answer was probably lost.</li>
 * <li>Not retried: a refused refresh token ({@code invalid_grant}) and any other OAuth error or status.</li>
 * </ul>
 * A client-credentials request holds nothing a lost answer could have used up, so sending it again is always safe;
 * it follows the same rules. The status and {@code Retry-After} of an answer are known when the token endpoint's {@link RestClient} comes from
 * {@link TokenEndpointClients}, as the auto-configured one does; an error without them is not retried.
 */
public final class RetryingTokenResponseClient<T extends AbstractOAuth2AuthorizationGrantRequest>
		implements OAuth2AccessTokenResponseClient<T> {

	/** The default cap of each wait, {@code Retry-After} included. */
	public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

	private static final Log logger = LogFactory.getLog(RetryingTokenResponseClient.class);

	private static final Set<Integer> RETRYABLE_STATUSES = Set.of(429, 500, 502, 503, 504);

	private final OAuth2AccessTokenResponseClient<T> delegate;

	private final int attempts;

	private final Duration backoff;

	private final Duration maxBackoff;

	private final Sleeper sleeper;

	private final DoubleSupplier random;

	/** Registrations whose refreshes are being retried since their last success: further retries log at DEBUG. */
	private final Set<String> retrying = ConcurrentHashMap.newKeySet();

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

	RetryingTokenResponseClient(OAuth2AccessTokenResponseClient<T> delegate,
			int attempts, Duration backoff, Duration maxBackoff, Sleeper sleeper, DoubleSupplier random) {
		if (attempts < 1 || backoff.isNegative() || maxBackoff.compareTo(backoff) < 0) {
			throw new IllegalArgumentException("Need attempts >= 1 and 0 <= backoff <= maxBackoff (got " + attempts
					+ ", " + backoff + ", " + maxBackoff + ")");
		}
		this.delegate = delegate;
		this.attempts = attempts;
		this.backoff = backoff;
		this.maxBackoff = maxBackoff;
		this.sleeper = sleeper;
		this.random = random;
	}

	@Override
	public OAuth2AccessTokenResponse getTokenResponse(T grantRequest) {
		String registrationId = grantRequest.getClientRegistration().getRegistrationId();
		String action = action(grantRequest);
		boolean replayed = false;
		boolean answerMayBeLost = false;
		for (int attempt = 1;; attempt++) {
			try {
				OAuth2AccessTokenResponse response = this.delegate.getTokenResponse(grantRequest);
				if (this.retrying.remove(registrationId)) {
					logger.info(action + " worked again (attempt " + attempt + ")");
				}
				return response;
			}
			catch (OAuth2AuthorizationException ex) {
				if (answerMayBeLost && OAuth2ErrorCodes.INVALID_GRANT.equals(ex.getError().getErrorCode())) {
					throw new RefusedAfterLostAnswerException(ex);
				}
				Failure failure = classify(ex);
				if (failure == Failure.FINAL || attempt >= this.attempts || (failure == Failure.NO_ANSWER && replayed)) {
					throw ex;
				}
				replayed |= failure == Failure.NO_ANSWER;
				answerMayBeLost |= failure == Failure.NO_ANSWER || failure == Failure.MAYBE_PROCESSED;
				Duration wait = wait(attempt, TokenEndpointClients.answerRetryAfter(ex));
				String message = action + " failed (" + describe(ex)
						+ "); attempt " + (attempt + 1) + " of " + this.attempts + " in " + wait.toMillis() + " ms"
						+ ((failure == Failure.NO_ANSWER) ? " (the request is sent once more at most)" : "");
				if (this.retrying.add(registrationId)) {
					logger.info(message);
				}
				else {
					logger.debug(message);
				}
				try {
					this.sleeper.sleep(wait.toMillis());
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw ex;
				}
			}
		}
	}

	/** What the request does, for log lines. */
	private static String action(AbstractOAuth2AuthorizationGrantRequest request) {
		String registrationId = request.getClientRegistration().getRegistrationId();
		if (AuthorizationGrantType.REFRESH_TOKEN.equals(request.getGrantType())) {
			return "Refreshing the token of '" + registrationId + "'";
		}
		if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(request.getGrantType())) {
			return "Getting a client-credentials token for '" + registrationId + "'";
		}
		return "The " + request.getGrantType().getValue() + " token request of '" + registrationId + "'";
	}

	Duration wait(int attempt, Duration retryAfter) {
		if (retryAfter != null) {
			return min(retryAfter, this.maxBackoff);
		}
		Duration wait = this.backoff;
		for (int doubled = 1; doubled < attempt && wait.compareTo(this.maxBackoff) < 0; doubled++) {
			wait = wait.multipliedBy(2);
		}
		long millis = min(wait, this.maxBackoff).toMillis();
		// "Equal jitter": between half and all of the backoff, so clients that failed together do not retry together.
		long half = millis / 2;
		return Duration.ofMillis(half + (long) (this.random.getAsDouble() * (millis - half)));
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	static Failure classify(Throwable failure) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			int status = TokenEndpointClients.answerStatus(current);
			if (status > 0) {
				if (!RETRYABLE_STATUSES.contains(status)) {
					return Failure.FINAL;
				}
				return (status == 429 || status == 503) ? Failure.NOT_PROCESSED : Failure.MAYBE_PROCESSED;
			}
			if (current instanceof IOException io) {
				return notSent(io) ? Failure.NOT_PROCESSED : Failure.NO_ANSWER;
			}
		}
		// An OAuth error without an HTTP status (a token client not built on TokenEndpointClients), or anything else
		return Failure.FINAL;
	}

	/**
	 * Whether an I/O failure certainly happened before the request reached the server.
	 */
	static boolean notSent(IOException failure) {
		if (failure instanceof ConnectException || failure instanceof UnknownHostException
				|| failure instanceof NoRouteToHostException || failure instanceof PortUnreachableException
				|| failure instanceof HttpConnectTimeoutException || failure instanceof SSLHandshakeException) {
			return true;
		}
		// Apache HttpClient 5's connect timeout, and HttpURLConnection's "Connect timed out".
		if (failure.getClass().getSimpleName().equals("ConnectTimeoutException")) {
			return true;
		}
		return failure instanceof SocketTimeoutException && failure.getMessage() != null
				&& failure.getMessage().toLowerCase(Locale.ROOT).contains("connect");
	}

	private static String describe(OAuth2AuthorizationException failure) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			int status = TokenEndpointClients.answerStatus(current);
			if (status > 0) {
				return "HTTP " + status + ", " + failure.getError().getErrorCode();
			}
			if (current instanceof IOException io) {
				return io.getClass().getSimpleName();
			}
		}
		return failure.getError().getErrorCode();
	}

	/** What a failed attempt means for another one. */
	enum Failure {

		/** Not worth another attempt. */
		FINAL,

		/** The server certainly did not process the request (not sent, 429, 503): safe to send again. */
		NOT_PROCESSED,

		/** The server may have processed the request (500, 502, 504): retried, as the provider expects. */
		MAYBE_PROCESSED,

		/** Sent, but no answer arrived (read timeout, reset): the answer may be lost; sent once more at most. */
		NO_ANSWER

	}

	/** Sleeps; replaced in tests. */
	@FunctionalInterface
	interface Sleeper {

		void sleep(long millis) throws InterruptedException;

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
