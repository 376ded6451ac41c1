package io.github.oauthcallback.internal.observation;

import org.jspecify.annotations.Nullable;

/**
 * What a failure of observed work means, for its tags.
 *
 * @param outcome the outcome
 * @param errorCode the OAuth error code (normalized by {@link ErrorCodes}), or {@value ErrorCodes#NONE}
 */
public record Failure(Outcome outcome, String errorCode) {

	/**
	 * @param outcome the outcome
	 * @param errorCode an OAuth error code, or {@code null}; codes outside the known ones become
	 * {@value ErrorCodes#OTHER}
	 * @return the failure
	 */
	public static Failure of(Outcome outcome, @Nullable String errorCode) {
		return new Failure(outcome, ErrorCodes.of(errorCode));
	}

}
