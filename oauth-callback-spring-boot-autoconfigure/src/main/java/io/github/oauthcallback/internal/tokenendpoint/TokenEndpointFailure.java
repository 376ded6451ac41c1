package io.github.oauthcallback.internal.tokenendpoint;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;

import javax.net.ssl.SSLHandshakeException;

import io.github.oauthcallback.internal.Causes;
import io.github.oauthcallback.internal.tokenendpoint.TokenEndpointErrorHandler.TokenEndpointStatusException;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * What a failed token request means: the endpoint could not be reached, did not answer in time, the connection
 * failed otherwise, the endpoint answered with an error, or something else went wrong. The first of the exception
 * and its causes that is an I/O failure or an error answer of a {@code RestClient} from {@link TokenEndpointClients}
 * decides; the status and {@code Retry-After} of an answer are known only from such a client.
 */
public sealed interface TokenEndpointFailure {

	/**
	 * @param failure the exception of a token request, with its causes
	 * @return what it means
	 */
	static TokenEndpointFailure of(Throwable failure) {
		Throwable decisive = Causes.first(failure,
				(cause) -> cause instanceof TokenEndpointStatusException || cause instanceof IOException);
		if (decisive instanceof TokenEndpointStatusException answer) {
			return new Answer(answer.status(), answer.getError(), answer.retryAfter());
		}
		if (decisive instanceof IOException io) {
			if (notSent(io)) {
				return new Unreachable(io);
			}
			if (io instanceof SocketTimeoutException || io instanceof HttpTimeoutException) {
				return new Timeout(io);
			}
			return new IoFailure(io);
		}
		return new Other(failure);
	}

	/**
	 * Whether an I/O failure certainly happened before the request reached the server.
	 */
	private static boolean notSent(IOException failure) {
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

	/** An I/O failure: no answer arrived. */
	sealed interface Io extends TokenEndpointFailure {

		/**
		 * @return the I/O failure, which carries no response body
		 */
		IOException cause();

	}

	/**
	 * The request never reached the endpoint (connection refused, unknown host, no route, connect timeout, TLS
	 * handshake): safe to send again.
	 * @param cause the I/O failure
	 */
	record Unreachable(IOException cause) implements Io {
	}

	/**
	 * The request was sent, but no answer arrived in time (read timeout).
	 * @param cause the I/O failure
	 */
	record Timeout(IOException cause) implements Io {
	}

	/**
	 * The request was sent, and the connection failed before an answer arrived (connection reset, closed).
	 * @param cause the I/O failure
	 */
	record IoFailure(IOException cause) implements Io {
	}

	/**
	 * The endpoint answered with an error status.
	 * @param status the HTTP status
	 * @param error the OAuth error of the answer (RFC 6749 section 5.2), or one derived from the status
	 * @param retryAfter how long the endpoint asked to wait ({@code Retry-After}), or {@code null}
	 */
	record Answer(int status, OAuth2Error error, @Nullable Duration retryAfter) implements TokenEndpointFailure {
	}

	/**
	 * Anything else: a response that is no token response, an OAuth error of a client not built on
	 * {@link TokenEndpointClients} (no status known), an ID token that failed validation.
	 * @param failure the exception
	 */
	record Other(Throwable failure) implements TokenEndpointFailure {
	}

}
