package io.github.oauthcallback.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.internal.refresh.LoopbackAuthorizedClientProvider;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.internal.tokenendpoint.TokenEndpointClients;

import org.springframework.security.oauth2.client.DelegatingOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.RefreshTokenOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.endpoint.RestClientRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

/**
 * Registrations, stored logins and client managers for the benchmarks, wired as the auto-configuration does.
 */
final class Fixtures {

	private Fixtures() {
	}

	static ClientRegistration registration(String id, String tokenUri) {
		return ClientRegistration.withRegistrationId(id)
			.clientId("bench-cli")
			.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("http://127.0.0.1/callback")
			.scope("read")
			.authorizationUri("http://127.0.0.1:1/authorize")
			.tokenUri(tokenUri)
			.build();
	}

	static OAuth2AuthorizedClient client(ClientRegistration registration, String account, Instant expiresAt) {
		return new OAuth2AuthorizedClient(registration, account,
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at-" + account,
						expiresAt.minusSeconds(3600), expiresAt, Set.of("read")),
				new OAuth2RefreshToken("rt-" + account, expiresAt.minusSeconds(3600)));
	}

	static void store(TokenStore store, OAuth2AuthorizedClient client) {
		store.saveAuthorizedClient(client, Accounts.principal(client.getPrincipalName()));
	}

	static OAuthCallbackAuthorizedClientManager manager(InMemoryClientRegistrationRepository registrations,
			TokenStore store) {
		RestClientRefreshTokenTokenResponseClient tokens = new RestClientRefreshTokenTokenResponseClient();
		tokens.setRestClient(TokenEndpointClients.restClient(Duration.ofSeconds(5), Duration.ofSeconds(30)));
		RefreshTokenOAuth2AuthorizedClientProvider refresh = new RefreshTokenOAuth2AuthorizedClientProvider();
		refresh.setAccessTokenResponseClient(tokens);
		LoopbackAuthorizedClientProvider login = new LoopbackAuthorizedClientProvider(null, () -> false, "login",
				Clock.systemUTC());
		return new OAuthCallbackAuthorizedClientManager(registrations, store,
				new DelegatingOAuth2AuthorizedClientProvider(refresh, login), Duration.ofSeconds(60), "bench",
				Clock.systemUTC());
	}

}
