package io.github.oauthcallback.refresh;

import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.internal.refresh.LoopbackAuthorizedClientProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;

import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.store.FileTokenStore;
import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.internal.tokenendpoint.TokenEndpointClients;
import io.github.oauthcallback.internal.tokenendpoint.TokenRequestRetries;

import org.springframework.security.oauth2.client.DelegatingOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.RefreshTokenOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * A separate JVM (or, with {@link #manager}, a separate node) that keeps authorizing one login whose tokens expire
 * every second, for the cross-process refresh tests: {@code <file> <token uri> <millis>}. Prints {@code OK <calls>}.
 */
public final class RefreshWorker {

	private RefreshWorker() {
	}

	public static void main(String[] args) {
		InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(
				registration(args[1]));
		OAuthCallbackAuthorizedClientManager manager = manager(registrations,
				new FileTokenStore(Path.of(args[0]), registrations, TokenCipher.none()));
		int calls = run(manager, Long.parseLong(args[2]));
		System.out.println("OK " + calls);
	}

	static ClientRegistration registration(String tokenUri) {
		return ClientRegistration.withRegistrationId("api")
			.clientId("cli")
			.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("http://127.0.0.1/callback")
			.authorizationUri("http://127.0.0.1:1/authorize")
			.tokenUri(tokenUri)
			.build();
	}

	static OAuthCallbackAuthorizedClientManager manager(InMemoryClientRegistrationRepository registrations,
			TokenStore store) {
		return manager(registrations, store, TokenRequestRetries.none());
	}

	static OAuthCallbackAuthorizedClientManager manager(InMemoryClientRegistrationRepository registrations,
			TokenStore store, TokenRequestRetries retries) {
		return manager(registrations, store, retries, UnaryOperator.identity());
	}

	/**
	 * @param tokenClient wraps the refresh token client the manager's chain uses
	 */
	static OAuthCallbackAuthorizedClientManager manager(InMemoryClientRegistrationRepository registrations,
			TokenStore store, TokenRequestRetries retries,
			UnaryOperator<OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest>> tokenClient) {
		RestClientRefreshTokenTokenResponseClient tokens = new RestClientRefreshTokenTokenResponseClient();
		tokens.setRestClient(TokenEndpointClients.restClient(Duration.ofSeconds(2), Duration.ofSeconds(10)));
		RefreshTokenOAuth2AuthorizedClientProvider refresh = new RefreshTokenOAuth2AuthorizedClientProvider();
		refresh.setAccessTokenResponseClient(tokenClient.apply(tokens));
		refresh.setClockSkew(Duration.ZERO);
		LoopbackAuthorizedClientProvider login = new LoopbackAuthorizedClientProvider(null, () -> false, "login",
				Clock.systemUTC());
		return new OAuthCallbackAuthorizedClientManager(registrations, store,
				new DelegatingOAuth2AuthorizedClientProvider(refresh, login), null, retries, Duration.ZERO, "ada",
				Clock.systemUTC());
	}

	static int run(OAuthCallbackAuthorizedClientManager manager, long millis) {
		long deadline = System.currentTimeMillis() + millis;
		int calls = 0;
		while (System.currentTimeMillis() < deadline) {
			manager.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("api")
				.principal(Accounts.principal("ada"))
				.build());
			calls++;
		}
		return calls;
	}

}
