package io.github.oauthcallback.client;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.ReauthorizationRequiredException;
import io.github.oauthcallback.autoconfigure.OAuthCallbackClientManagerAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackLoginAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackStoreAutoConfiguration;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.store.TokenStore;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.mock.http.client.MockClientHttpRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The 401 handling of the bearer-token interceptor when no new token can be had, and with a client manager that is
 * not the starter's.
 */
class BearerTokenInterceptorTests {

	@Test
	void firstUnauthorizedResponseIsClosedWhenRenewingTheTokenFails() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
					OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class,
					OAuthCallbackClientManagerAutoConfiguration.class))
			.withPropertyValues("spring.security.oauth2.client.registration.api.client-id=cli",
					"spring.security.oauth2.client.registration.api.authorization-grant-type=authorization_code",
					"spring.security.oauth2.client.registration.api.client-authentication-method=none",
					"spring.security.oauth2.client.registration.api.redirect-uri=http://127.0.0.1/callback",
					"spring.security.oauth2.client.registration.api.provider=stub",
					"spring.security.oauth2.client.provider.stub.authorization-uri=https://idp.example/authorize",
					"spring.security.oauth2.client.provider.stub.token-uri=https://idp.example/token",
					"oauth-callback.store.type=memory", "oauth-callback.login.interactive=never",
					"oauth-callback.login.account=ada")
			.run((context) -> {
				var registration = context.getBean(ClientRegistrationRepository.class).findByRegistrationId("api");
				Instant now = Instant.now();
				// No refresh token: after the 401 only a new login could help, and this run may not open a browser.
				context.getBean(TokenStore.class)
					.saveAuthorizedClient(new OAuth2AuthorizedClient(registration, "ada",
							new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at-refused", now,
									now.plusSeconds(3600), Set.of())),
							Accounts.principal("ada"));
				BearerTokenInterceptor interceptor = BearerTokenInterceptor
					.of(context.getBean(OAuthCallbackAuthorizedClientManager.class), "api", "ada");
				List<RecordingResponse> responses = new CopyOnWriteArrayList<>();
				ClientHttpRequestExecution execution = (request, body) -> {
					RecordingResponse response = new RecordingResponse(HttpStatus.UNAUTHORIZED);
					responses.add(response);
					return response;
				};
				assertThatExceptionOfType(ReauthorizationRequiredException.class).isThrownBy(() -> interceptor
					.intercept(new MockClientHttpRequest(HttpMethod.GET, URI.create("https://api.example/me")),
							new byte[0], execution));
				assertThat(responses).hasSize(1);
				assertThat(responses.get(0).closed).as("the first 401 is closed").isTrue();
			});
	}

	/**
	 * Another manager cannot mark the refused token expired, so asking it again would only hand back the same token:
	 * the first 401 goes back to the caller, open, and the manager is asked once.
	 */
	@Test
	void withAManagerThatIsNotTheStartersTheFirstUnauthorizedIsReturnedAsItIs() throws Exception {
		ClientRegistration registration = ClientRegistration.withRegistrationId("api")
			.clientId("cli")
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.tokenUri("https://idp.example/token")
			.build();
		List<String> asked = new CopyOnWriteArrayList<>();
		OAuth2AuthorizedClientManager plain = (request) -> {
			asked.add(request.getClientRegistrationId() + "/" + request.getPrincipal().getName());
			Instant now = Instant.now();
			return new OAuth2AuthorizedClient(registration, request.getPrincipal().getName(),
					new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at-plain", now, now.plusSeconds(3600)));
		};
		BearerTokenInterceptor interceptor = BearerTokenInterceptor.of(plain, "api", "ada");
		List<RecordingResponse> responses = new CopyOnWriteArrayList<>();
		List<String> sent = new CopyOnWriteArrayList<>();
		ClientHttpRequestExecution execution = (request, body) -> {
			sent.add(request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
			RecordingResponse response = new RecordingResponse(HttpStatus.UNAUTHORIZED);
			responses.add(response);
			return response;
		};
		ClientHttpResponse response = interceptor.intercept(
				new MockClientHttpRequest(HttpMethod.GET, URI.create("https://api.example/me")), new byte[0], execution);
		assertThat(response).isSameAs(responses.get(0));
		assertThat(responses).singleElement().satisfies((first) -> assertThat(first.closed).isFalse());
		assertThat(sent).containsExactly("Bearer at-plain");
		assertThat(asked).containsExactly("api/ada");
	}

	static final class RecordingResponse implements ClientHttpResponse {

		private final HttpStatus status;

		volatile boolean closed;

		RecordingResponse(HttpStatus status) {
			this.status = status;
		}

		@Override
		public HttpStatusCode getStatusCode() {
			return this.status;
		}

		@Override
		public String getStatusText() {
			return this.status.getReasonPhrase();
		}

		@Override
		public void close() {
			this.closed = true;
		}

		@Override
		public InputStream getBody() {
			return new ByteArrayInputStream(new byte[0]);
		}

		@Override
		public HttpHeaders getHeaders() {
			return new HttpHeaders();
		}

	}

}
