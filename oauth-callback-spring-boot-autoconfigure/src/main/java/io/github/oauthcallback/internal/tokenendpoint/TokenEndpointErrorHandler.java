package io.github.oauthcallback.internal.tokenendpoint;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.web.client.ResponseErrorHandler;

/**
 * Turns every 4xx/5xx answer of a token endpoint into an {@link OAuth2AuthorizationException} that keeps the
 * provider's OAuth error code when the body has one (RFC 6749 section 5.2, whatever the status), the HTTP status and
 * {@code Retry-After}. The provider's {@code error_description} is kept for a 4xx answer, where it says what to fix,
 * and dropped for a 429 or 5xx, whose bodies are an overloaded or failing server's free text. Unlike a default
 * handler it never copies the response body into a message.
 */
public final class TokenEndpointErrorHandler implements ResponseErrorHandler {

	@Override
	public boolean hasError(ClientHttpResponse response) throws IOException {
		return response.getStatusCode().isError();
	}

	@Override
	public void handleError(URI url, HttpMethod method, ClientHttpResponse response) throws IOException {
		int status = response.getStatusCode().value();
		OAuth2Error error = TokenEndpointClients.oauthError(response);
		if (error == null) {
			// RFC 6749 section 5.2: a failed client authentication is answered 401.
			String code = (status >= 500) ? OAuth2ErrorCodes.SERVER_ERROR
					: (status == 429) ? OAuth2ErrorCodes.TEMPORARILY_UNAVAILABLE
							: (status == 401) ? OAuth2ErrorCodes.INVALID_CLIENT : "invalid_token_response";
			error = new OAuth2Error(code);
		}
		else if (status >= 500 || status == 429) {
			error = new OAuth2Error(error.getErrorCode());
		}
		throw new TokenEndpointStatusException(error, status, TokenEndpointClients
			.retryAfter(response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER), Clock.systemUTC()));
	}

	/** An error answer from the token endpoint, with its HTTP status. */
	static final class TokenEndpointStatusException extends OAuth2AuthorizationException {

		private static final long serialVersionUID = 1L;

		private final int status;

		private final @Nullable Duration retryAfter;

		TokenEndpointStatusException(OAuth2Error error, int status, @Nullable Duration retryAfter) {
			super(error);
			this.status = status;
			this.retryAfter = retryAfter;
		}

		int status() {
			return this.status;
		}

		/**
		 * @return how long the provider asked to wait ({@code Retry-After}), or {@code null}
		 */
		@Nullable Duration retryAfter() {
			return this.retryAfter;
		}

	}

}
