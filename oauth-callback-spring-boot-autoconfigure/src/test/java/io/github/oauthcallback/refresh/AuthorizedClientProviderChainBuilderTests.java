package io.github.oauthcallback.refresh;

import io.github.oauthcallback.internal.refresh.AuthorizedClientProviderChainBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.github.oauthcallback.internal.Accounts;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.client.OAuth2AuthorizationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AuthorizedClientProviderChainBuilder}: refresh token, interactive login, client credentials, then added
 * providers, each asked only if the ones before it passed.
 */
class AuthorizedClientProviderChainBuilderTests {

	private final List<String> asked = new ArrayList<>();

	private final OAuth2AuthorizedClientProvider login = (context) -> {
		this.asked.add("login");
		return null;
	};

	private final AuthorizedClientProviderChainBuilder builder = new AuthorizedClientProviderChainBuilder(
			(request) -> {
				this.asked.add("refresh");
				return response("at-refreshed");
			}, this.login, (request) -> {
				this.asked.add("client-credentials");
				return response("at-service");
			});

	@Test
	void anExpiredLoginWithARefreshTokenIsRefreshedWithoutAskingTheOthers() {
		OAuth2AuthorizedClient expired = client(registration(AuthorizationGrantType.AUTHORIZATION_CODE), "at-old",
				Instant.now().minusSeconds(60), new OAuth2RefreshToken("rt-old", Instant.now().minusSeconds(3600)));
		OAuth2AuthorizedClient refreshed = this.builder.build()
			.authorize(OAuth2AuthorizationContext.withAuthorizedClient(expired)
				.principal(Accounts.principal("ada"))
				.build());
		assertThat(refreshed.getAccessToken().getTokenValue()).isEqualTo("at-refreshed");
		assertThat(this.asked).containsExactly("refresh");
	}

	@Test
	void aServiceRegistrationPassesTheInteractiveLoginAndGetsAClientCredentialsToken() {
		OAuth2AuthorizedClient client = this.builder.build()
			.authorize(OAuth2AuthorizationContext
				.withClientRegistration(registration(AuthorizationGrantType.CLIENT_CREDENTIALS))
				.principal(Accounts.principal("ada"))
				.build());
		assertThat(client.getAccessToken().getTokenValue()).isEqualTo("at-service");
		assertThat(this.asked).containsExactly("login", "client-credentials");
	}

	@Test
	void anAddedProviderIsAskedLastForAGrantTheOthersDoNotHandle() {
		AuthorizationGrantType custom = new AuthorizationGrantType("urn:example:custom");
		OAuth2AuthorizedClient client = this.builder.provider((context) -> {
			this.asked.add("added");
			return client(context.getClientRegistration(), "at-custom", Instant.now().plusSeconds(3600), null);
		}).build()
			.authorize(OAuth2AuthorizationContext.withClientRegistration(registration(custom))
				.principal(Accounts.principal("ada"))
				.build());
		assertThat(client.getAccessToken().getTokenValue()).isEqualTo("at-custom");
		assertThat(this.asked).containsExactly("login", "added");
	}

	private static ClientRegistration registration(AuthorizationGrantType grant) {
		ClientRegistration.Builder builder = ClientRegistration.withRegistrationId("api")
			.clientId("cli")
			.authorizationGrantType(grant)
			.tokenUri("https://idp.example/token");
		if (AuthorizationGrantType.AUTHORIZATION_CODE.equals(grant)) {
			builder.redirectUri("http://127.0.0.1/callback").authorizationUri("https://idp.example/authorize");
		}
		return builder.build();
	}

	private static OAuth2AuthorizedClient client(ClientRegistration registration, String access, Instant expiresAt,
			OAuth2RefreshToken refresh) {
		return new OAuth2AuthorizedClient(registration, "ada", new OAuth2AccessToken(
				OAuth2AccessToken.TokenType.BEARER, access, expiresAt.minusSeconds(3600), expiresAt, Set.of("read")),
				refresh);
	}

	private static OAuth2AccessTokenResponse response(String access) {
		return OAuth2AccessTokenResponse.withToken(access)
			.tokenType(OAuth2AccessToken.TokenType.BEARER)
			.expiresIn(3600)
			.build();
	}

}
