package io.github.oauthcallback.internal.tokenendpoint;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import io.github.oauthcallback.internal.Causes;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

/**
 * When a token request that failed is sent again, and after how long: a bounded number of attempts, with exponential
 * backoff and jitter, or after the server's {@code Retry-After}; each wait is capped.
 * <ul>
 * <li>Retried: failures before the request was sent (connection refused, unknown host, connect timeout, TLS
 * handshake), and the answers 429, 500, 502, 503 and 504.</li>
 * <li>Retried once: an I/O failure after the request was sent (read timeout, connection reset, no answer). The
 * provider may have rotated the refresh token in the answer that was lost; the replay then either succeeds (no
 * rotation, or a reuse grace period) or is refused with {@code invalid_grant}, which any later attempt would get too
 * ({@link Attempts#refusedAfterLostAnswer} tells the caller so).</li>
 * <li>Not retried: a refused refresh token ({@code invalid_grant}) and any other OAuth error or status.</li>
 * </ul>
 * These rules are for refreshes and client-credentials requests, which may be sent again after they may have reached
 * the provider. A request of any other grant, the authorization-code exchange above all (a code can be used once), is
 * sent again only when the provider certainly did not process it: it was not sent, or the answer was 429 or 503.
 * <p>
 * The status and {@code Retry-After} of an answer are known when the token endpoint's {@code RestClient} comes from
 * {@link TokenEndpointClients}, as the auto-configured one does; an error without them is not retried.
 * <p>
 * The rules only: who waits decides what it holds meanwhile. The starter's client manager waits with the login's
 * store lock released; {@link RetryingTokenResponseClient} waits inside a token request.
 */
public final class TokenRequestRetries {

	/** The default cap of each wait, {@code Retry-After} included. */
	public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

	private static final Log logger = LogFactory.getLog(TokenRequestRetries.class);

	private static final Set<Integer> RETRYABLE_STATUSES = Set.of(429, 500, 502, 503, 504);

	/** The grants whose requests may be sent again after they may have reached the provider. */
	private static final Set<AuthorizationGrantType> REPLAYABLE_GRANTS = Set.of(AuthorizationGrantType.REFRESH_TOKEN,
			AuthorizationGrantType.CLIENT_CREDENTIALS);

	private final int attempts;

	private final Duration backoff;

	private final Duration maxBackoff;

	private final Sleeper sleeper;

	private final DoubleSupplier random;

	/** Registrations whose token requests are being retried since their last success: further retries log at DEBUG. */
	private final Set<String> retrying = ConcurrentHashMap.newKeySet();

	/**
	 * @param attempts attempts in all, at least 1
	 * @param backoff the wait before the second attempt; it doubles after each further failure
	 * @param maxBackoff the longest wait, also for a {@code Retry-After} of the server; at least {@code backoff}
	 */
	public TokenRequestRetries(int attempts, Duration backoff, Duration maxBackoff) {
		this(attempts, backoff, maxBackoff, Thread::sleep, () -> ThreadLocalRandom.current().nextDouble());
	}

	TokenRequestRetries(int attempts, Duration backoff, Duration maxBackoff, Sleeper sleeper, DoubleSupplier random) {
		if (attempts < 1 || backoff.isNegative() || maxBackoff.compareTo(backoff) < 0) {
			throw new IllegalArgumentException("Need attempts >= 1 and 0 <= backoff <= maxBackoff (got " + attempts
					+ ", " + backoff + ", " + maxBackoff + ")");
		}
		this.attempts = attempts;
		this.backoff = backoff;
		this.maxBackoff = maxBackoff;
		this.sleeper = sleeper;
		this.random = random;
	}

	/**
	 * @return one attempt, never a retry
	 */
	public static TokenRequestRetries none() {
		return new TokenRequestRetries(1, Duration.ZERO, Duration.ZERO);
	}

	/**
	 * Starts counting the attempts of one token request.
	 * @param registrationId the registration the request is for
	 * @param grantType the request's grant type: which rules apply, and for log lines
	 * @return the attempts, used by one thread
	 */
	public Attempts start(String registrationId, AuthorizationGrantType grantType) {
		return new Attempts(registrationId, grantType);
	}

	/** What the request does, for log lines. */
	private static String action(String registrationId, AuthorizationGrantType grantType) {
		if (AuthorizationGrantType.REFRESH_TOKEN.equals(grantType)) {
			return "Refreshing the token of '" + registrationId + "'";
		}
		if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(grantType)) {
			return "Getting a client-credentials token for '" + registrationId + "'";
		}
		return "The " + grantType.getValue() + " token request of '" + registrationId + "'";
	}

	/**
	 * @param attempt the attempt that failed, from 1
	 * @param retryAfter the server's {@code Retry-After}, or {@code null}
	 * @return the wait before the next attempt
	 */
	Duration delay(int attempt, @Nullable Duration retryAfter) {
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

	/**
	 * @param failure what a failed attempt means
	 * @return what it means for another attempt
	 */
	static Failure classify(TokenEndpointFailure failure) {
		if (failure instanceof TokenEndpointFailure.Answer answer) {
			if (!RETRYABLE_STATUSES.contains(answer.status())) {
				return Failure.FINAL;
			}
			return (answer.status() == 429 || answer.status() == 503) ? Failure.NOT_PROCESSED : Failure.MAYBE_PROCESSED;
		}
		if (failure instanceof TokenEndpointFailure.Unreachable) {
			return Failure.NOT_PROCESSED;
		}
		if (failure instanceof TokenEndpointFailure.Io) {
			return Failure.NO_ANSWER;
		}
		// An OAuth error without an HTTP status (a token client not built on TokenEndpointClients), or anything else
		return Failure.FINAL;
	}

	/** The failure for a log line: its status and OAuth error, or its I/O failure; never a body or description. */
	private static String describe(TokenEndpointFailure failure, OAuth2AuthorizationException exception) {
		if (failure instanceof TokenEndpointFailure.Answer answer) {
			return "HTTP " + answer.status() + ", " + exception.getError().getErrorCode();
		}
		if (failure instanceof TokenEndpointFailure.Io io) {
			return io.cause().getClass().getSimpleName();
		}
		return exception.getError().getErrorCode();
	}

	/**
	 * The attempts of one token request: which one this is, whether the request was already sent again after an
	 * answer got lost, and whether an answer may have been lost at all. Used by one thread.
	 */
	public final class Attempts {

		private final String registrationId;

		private final AuthorizationGrantType grantType;

		private final String action;

		private int attempt = 1;

		private boolean replayed;

		private boolean answerMayBeLost;

		private Attempts(String registrationId, AuthorizationGrantType grantType) {
			this.registrationId = registrationId;
			this.grantType = grantType;
			this.action = action(registrationId, grantType);
		}

		/**
		 * Decides on a failed attempt, and logs the retry (the first one of a registration at INFO, further ones at
		 * DEBUG, until one succeeds). The failure is classified here, once; the decision carries what it means.
		 * @param failure the failure
		 * @return {@link Decision.Retry} with the wait before the next attempt, or {@link Decision.GiveUp} if there
		 * is none: the failure is final, the attempts are used up, the request may have reached the provider and its
		 * grant may not be sent again then, or a request sent again after a lost answer got no answer either
		 */
		public Decision failed(OAuth2AuthorizationException failure) {
			TokenEndpointFailure meaning = TokenEndpointFailure.of(failure);
			Failure kind = classify(meaning);
			if (kind == Failure.FINAL || this.attempt >= TokenRequestRetries.this.attempts
					|| (kind != Failure.NOT_PROCESSED && !REPLAYABLE_GRANTS.contains(this.grantType))
					|| (kind == Failure.NO_ANSWER && this.replayed)) {
				return new Decision.GiveUp(meaning);
			}
			this.replayed |= kind == Failure.NO_ANSWER;
			this.answerMayBeLost |= kind == Failure.NO_ANSWER || kind == Failure.MAYBE_PROCESSED;
			Duration wait = delay(this.attempt,
					(meaning instanceof TokenEndpointFailure.Answer answer) ? answer.retryAfter() : null);
			this.attempt++;
			String message = this.action + " failed (" + describe(meaning, failure) + "); attempt " + this.attempt
					+ " of " + TokenRequestRetries.this.attempts + " in " + wait.toMillis() + " ms"
					+ ((kind == Failure.NO_ANSWER) ? " (the request is sent once more at most)" : "");
			if (TokenRequestRetries.this.retrying.add(this.registrationId)) {
				logger.info(message);
			}
			else {
				logger.debug(message);
			}
			return new Decision.Retry(meaning, wait);
		}

		/**
		 * Whether a refused request ({@code invalid_grant}) was probably refused because an answer got lost: an
		 * earlier attempt of these got no usable answer although the provider may have processed it (so a refresh
		 * token refused now was then probably rotated in the answer that was lost), or the failure is a
		 * {@link RefusedAfterLostAnswerException} of a {@link RetryingTokenResponseClient} that saw the same.
		 * @param failure a failed attempt
		 * @return {@code true} if it is an {@code invalid_grant} after a lost answer
		 */
		public boolean refusedAfterLostAnswer(OAuth2AuthorizationException failure) {
			return OAuth2ErrorCodes.INVALID_GRANT.equals(failure.getError().getErrorCode()) && (this.answerMayBeLost
					|| Causes.find(failure, RefusedAfterLostAnswerException.class) != null);
		}

		/**
		 * Waits before the next attempt. What the caller holds meanwhile is up to it.
		 * @param wait how long, from {@link Decision.Retry#backoff()}
		 * @throws InterruptedException if the thread was interrupted meanwhile
		 */
		public void backOff(Duration wait) throws InterruptedException {
			TokenRequestRetries.this.sleeper.sleep(wait.toMillis());
		}

		/**
		 * The next attempt sends other credentials (someone else stored another login meanwhile): what was lost or
		 * sent again concerned the old ones, so the replay and lost-answer rules start afresh. The attempts already
		 * made still count.
		 */
		public void otherCredentials() {
			this.replayed = false;
			this.answerMayBeLost = false;
		}

		/** The request succeeded: a later failure of the registration is logged at INFO again. */
		public void succeeded() {
			if (TokenRequestRetries.this.retrying.remove(this.registrationId)) {
				logger.info(this.action + " worked again (attempt " + this.attempt + ")");
			}
		}

	}

	/**
	 * What a failed attempt leads to, with what the failure means ({@link TokenEndpointFailure}, classified once).
	 */
	public sealed interface Decision {

		/**
		 * @return what the failed attempt means
		 */
		TokenEndpointFailure failure();

		/**
		 * Another attempt, after a wait.
		 * @param failure what the failed attempt means
		 * @param backoff how long to wait before the next attempt
		 */
		record Retry(TokenEndpointFailure failure, Duration backoff) implements Decision {
		}

		/**
		 * No further attempt: the failure is reported.
		 * @param failure what the failed attempt means
		 */
		record GiveUp(TokenEndpointFailure failure) implements Decision {
		}

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

}
