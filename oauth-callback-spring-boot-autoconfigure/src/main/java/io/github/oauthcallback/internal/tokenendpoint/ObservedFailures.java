package io.github.oauthcallback.internal.tokenendpoint;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.github.oauthcallback.AuthorizationCancelledException;
import io.github.oauthcallback.AuthorizationErrorException;
import io.github.oauthcallback.AuthorizationTimeoutException;
import io.github.oauthcallback.TokenExchangeException;
import io.github.oauthcallback.TokenRefreshException;
import io.github.oauthcallback.internal.Causes;
import io.github.oauthcallback.internal.observation.ErrorCodes;
import io.github.oauthcallback.internal.observation.Failure;
import io.github.oauthcallback.internal.observation.Outcome;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.OAuth2AuthorizationException;

/**
 * What the failure of a login, refresh, token request or revocation means for its observation: the
 * {@link Outcome} (from the exception type, and for provider calls from {@link TokenEndpointFailure}) and the OAuth
 * error code, if any. Reads types and error codes only, never a message.
 */
public final class ObservedFailures {

	private ObservedFailures() {
	}

	/**
	 * @param failure the exception, possibly wrapped by a future
	 * @return what it means
	 */
	public static Failure of(Throwable failure) {
		Throwable cause = unwrapped(failure);
		if (cause instanceof CancellationException || cause instanceof AuthorizationCancelledException
				|| cause instanceof InterruptedException) {
			return Failure.of(Outcome.CANCELLED, null);
		}
		if (cause instanceof AuthorizationTimeoutException) {
			return Failure.of(Outcome.TIMEOUT, null);
		}
		if (cause instanceof AuthorizationErrorException refused) {
			return Failure.of(Outcome.ERROR_RESPONSE, refused.getError());
		}
		TokenEndpointFailure meaning = TokenEndpointFailure.of(cause);
		if (meaning instanceof TokenEndpointFailure.Answer answer) {
			return Failure.of(Outcome.ERROR_RESPONSE, answer.error().getErrorCode());
		}
		if (meaning instanceof TokenEndpointFailure.Unreachable) {
			return Failure.of(Outcome.UNREACHABLE, null);
		}
		if (meaning instanceof TokenEndpointFailure.Timeout) {
			return Failure.of(Outcome.TIMEOUT, null);
		}
		if (meaning instanceof TokenEndpointFailure.IoFailure) {
			return Failure.of(Outcome.IO_FAILURE, null);
		}
		// An OAuth error without a status: a client not built on TokenEndpointClients, or Spring's own code for an
		// answer it could not use.
		String code = errorCode(cause);
		return Failure.of(ErrorCodes.fromProvider(code) ? Outcome.ERROR_RESPONSE : Outcome.FAILURE, code);
	}

	private static Throwable unwrapped(Throwable failure) {
		Throwable current = failure;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	private static @Nullable String errorCode(Throwable failure) {
		OAuth2AuthorizationException oauth = Causes.find(failure, OAuth2AuthorizationException.class);
		if (oauth != null) {
			return oauth.getError().getErrorCode();
		}
		TokenExchangeException exchange = Causes.find(failure, TokenExchangeException.class);
		if (exchange != null) {
			return exchange.getErrorCode();
		}
		TokenRefreshException refresh = Causes.find(failure, TokenRefreshException.class);
		return (refresh != null) ? refresh.getErrorCode() : null;
	}

}
