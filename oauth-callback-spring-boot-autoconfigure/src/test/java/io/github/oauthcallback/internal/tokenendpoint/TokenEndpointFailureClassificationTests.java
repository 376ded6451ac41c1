package io.github.oauthcallback.internal.tokenendpoint;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import javax.net.ssl.SSLHandshakeException;

import io.github.oauthcallback.internal.tokenendpoint.TokenEndpointErrorHandler.TokenEndpointStatusException;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.web.client.ResourceAccessException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one reading of a failed token request, as Spring Security wraps it: an {@link OAuth2AuthorizationException}
 * around a {@code RestClient} exception around the I/O failure.
 */
class TokenEndpointFailureClassificationTests {

	private static OAuth2AuthorizationException wrapped(IOException io) {
		return new OAuth2AuthorizationException(new OAuth2Error("invalid_token_response"),
				new ResourceAccessException("I/O error", io));
	}

	@Test
	void failuresBeforeTheRequestWasSentAreUnreachable() {
		for (IOException io : new IOException[] { new ConnectException("Connection refused"),
				new UnknownHostException("idp.invalid"), new HttpConnectTimeoutException("HTTP connect timed out"),
				new SSLHandshakeException("PKIX path building failed"),
				new SocketTimeoutException("Connect timed out") }) {
			assertThat(TokenEndpointFailure.of(wrapped(io))).as(io.toString())
				.isEqualTo(new TokenEndpointFailure.Unreachable(io));
		}
	}

	@Test
	void aReadTimeoutIsATimeoutAndAResetAnotherIoFailure() {
		SocketTimeoutException read = new SocketTimeoutException("Read timed out");
		HttpTimeoutException request = new HttpTimeoutException("request timed out");
		SocketException reset = new SocketException("Connection reset");
		assertThat(TokenEndpointFailure.of(wrapped(read))).isEqualTo(new TokenEndpointFailure.Timeout(read));
		assertThat(TokenEndpointFailure.of(wrapped(request))).isEqualTo(new TokenEndpointFailure.Timeout(request));
		assertThat(TokenEndpointFailure.of(wrapped(reset))).isEqualTo(new TokenEndpointFailure.IoFailure(reset));
	}

	@Test
	void anErrorAnswerKeepsItsStatusErrorAndRetryAfter() {
		OAuth2Error error = new OAuth2Error("temporarily_unavailable");
		TokenEndpointStatusException answer = new TokenEndpointStatusException(error, 503, Duration.ofSeconds(7));
		assertThat(TokenEndpointFailure.of(new OAuth2AuthorizationException(error, answer)))
			.isEqualTo(new TokenEndpointFailure.Answer(503, error, Duration.ofSeconds(7)));
	}

	@Test
	void anOAuthErrorWithoutStatusOrIoCauseIsOther() {
		OAuth2AuthorizationException failure = new OAuth2AuthorizationException(new OAuth2Error("invalid_grant"));
		assertThat(TokenEndpointFailure.of(failure)).isEqualTo(new TokenEndpointFailure.Other(failure));
	}

}
