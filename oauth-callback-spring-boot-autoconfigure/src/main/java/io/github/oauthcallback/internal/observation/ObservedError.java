package io.github.oauthcallback.internal.observation;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What an observation is given as its error instead of the exception itself: the exception's type and what the
 * failure means, nothing else. An exception's message may name an account or a file path in a home directory, and
 * tracing backends record the error's message and stack trace; this one has neither a cause nor a stack trace. The
 * caller still gets the real exception.
 */
public final class ObservedError extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String type;

	private ObservedError(String type, Failure failure) {
		super(type + " (" + failure.outcome().value() + ", " + failure.errorCode() + ")", null, false, false);
		this.type = type;
	}

	/**
	 * @param failure the exception
	 * @param meaning what it means
	 * @return the error to give the observation
	 */
	public static ObservedError of(Throwable failure, Failure meaning) {
		Throwable thrown = failure;
		while ((thrown instanceof CompletionException || thrown instanceof ExecutionException)
				&& thrown.getCause() != null) {
			thrown = thrown.getCause();
		}
		return new ObservedError(thrown.getClass().getSimpleName(), meaning);
	}

	/**
	 * @return the simple class name of the exception the caller got
	 */
	public String type() {
		return this.type;
	}

}
