package io.github.oauthcallback.internal.tokenendpoint;

import java.time.Duration;

/**
 * {@link TokenRequestRetries} whose waits a test of another package records or holds (no time passes), and whose
 * jitter is none (each computed wait is the full backoff).
 */
public final class TokenRequestRetriesForTests {

	private TokenRequestRetriesForTests() {
	}

	/**
	 * @param attempts attempts in all
	 * @param backoff the wait before the second attempt
	 * @param maxBackoff the longest wait
	 * @param sleeper what a wait does instead of sleeping
	 * @return the retries
	 */
	public static TokenRequestRetries sleepingWith(int attempts, Duration backoff, Duration maxBackoff,
			Sleeper sleeper) {
		return new TokenRequestRetries(attempts, backoff, maxBackoff, sleeper::sleep, () -> 1.0);
	}

	/** What a wait does instead of sleeping. */
	@FunctionalInterface
	public interface Sleeper {

		/**
		 * @param millis the wait
		 * @throws InterruptedException if interrupted
		 */
		void sleep(long millis) throws InterruptedException;

	}

}
