package io.github.oauthcallback.refresh;

import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.OidcAuthorizedClient;
import io.github.oauthcallback.store.InMemoryTokenStore;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An OpenID Connect login keeps its ID token when the provider chain refreshes it into a plain authorized client (as
 * Spring Security's refresh-token provider does): in what the manager returns and in what it stores.
 */
class IdTokenAcrossRefreshTests {

	private final ClientRegistration registration = ClientRegistration.withRegistrationId("api")
		.clientId("cli")
		.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
		.redirectUri("http://127.0.0.1/callback")
		.authorizationUri("https://idp.example/authorize")
		.tokenUri("https://idp.example/token")
		.scope("openid")
		.build();

	private final InMemoryTokenStore store = new InMemoryTokenStore();

	/** Refreshes like Spring's provider: a plain authorized client with new tokens. */
	private final OAuthCallbackAuthorizedClientManager manager = new OAuthCallbackAuthorizedClientManager(
			new InMemoryClientRegistrationRepository(this.registration), this.store, (context) -> {
				OAuth2AuthorizedClient existing = context.getAuthorizedClient();
				return (existing != null) ? new OAuth2AuthorizedClient(existing.getClientRegistration(),
						context.getPrincipal().getName(), token("at-new", Instant.now().plusSeconds(3600)),
						new OAuth2RefreshToken("rt-new", Instant.now())) : null;
			}, Duration.ofSeconds(60), "ada", Clock.systemUTC());

	private final OidcIdToken idToken = new OidcIdToken("id-token-1", Instant.now().minusSeconds(3600),
			Instant.now().plusSeconds(3600), Map.of("sub", "ada", "iss", "https://idp.example"));

	@Test
	void aRefreshedLoginKeepsTheIdToken() {
		storeExpiredOidcLogin();
		OAuth2AuthorizedClient refreshed = this.manager
			.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("api").principal("ada").build());
		assertRefreshedWithIdToken(refreshed);
		assertRefreshedWithIdToken(this.store.loadAuthorizedClient("api", "ada"));
	}

	@Test
	void aScheduledRefreshKeepsTheIdToken() {
		storeExpiredOidcLogin();
		assertRefreshedWithIdToken(this.manager.refresh("api", "ada", Duration.ofMinutes(5)));
		assertRefreshedWithIdToken(this.store.loadAuthorizedClient("api", "ada"));
	}

	private void storeExpiredOidcLogin() {
		this.store.saveAuthorizedClient(new OidcAuthorizedClient(this.registration, "ada",
				token("at-old", Instant.now().minusSeconds(60)), new OAuth2RefreshToken("rt-old", Instant.now()),
				this.idToken), Accounts.principal("ada"));
	}

	private static void assertRefreshedWithIdToken(OAuth2AuthorizedClient client) {
		assertThat(client.getAccessToken().getTokenValue()).isEqualTo("at-new");
		assertThat(client).isInstanceOfSatisfying(OidcAuthorizedClient.class,
				(oidc) -> assertThat(oidc.getIdToken().getTokenValue()).isEqualTo("id-token-1"));
	}

	private static OAuth2AccessToken token(String value, Instant expiresAt) {
		return new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, value, expiresAt.minusSeconds(3600), expiresAt,
				Set.of("openid"));
	}

}
