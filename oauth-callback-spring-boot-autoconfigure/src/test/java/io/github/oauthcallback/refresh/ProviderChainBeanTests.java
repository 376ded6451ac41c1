package io.github.oauthcallback.refresh;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.support.StubRegistration;
import io.github.oauthcallback.tokenendpoint.LazyTokenResponseClient;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2ClientCredentialsGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

import static io.github.oauthcallback.support.StubRegistration.authorize;
import static io.github.oauthcallback.support.StubRegistration.seed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client manager's provider chain is a bean: the starter's by default, an application's own if it defines one.
 * So is the client-credentials token response client the chain uses.
 */
class ProviderChainBeanTests {

	@Test
	void theStarterDefinesTheChainByDefault() {
		StubRegistration.runner("http://127.0.0.1:9/authorize", "http://127.0.0.1:9/token")
			.withPropertyValues("oauth-callback.store.type=memory", "oauth-callback.login.interactive=never")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).getBean("oauthCallbackAuthorizedClientProvider")
					.isInstanceOf(LazyAuthorizedClientProvider.class);
				assertThat(context).hasSingleBean(RefreshEventsAfterSave.class);
			});
	}

	@Test
	void theManagerUsesAChainDefinedByTheApplication() {
		StubRegistration.runner("http://127.0.0.1:9/authorize", "http://127.0.0.1:9/token")
			.withPropertyValues("oauth-callback.store.type=memory", "oauth-callback.login.interactive=never")
			.withUserConfiguration(OwnChain.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(OAuth2AuthorizedClientProvider.class);
				assertThat(context).doesNotHaveBean("oauthCallbackAuthorizedClientProvider");
				seed(context, "at-old", Instant.now().minusSeconds(60), "rt-old");
				OAuth2AuthorizedClient client = authorize(context);
				assertThat(client.getAccessToken().getTokenValue()).isEqualTo("at-from-own-chain");
				assertThat(context.getBean(TokenStore.class).loadAuthorizedClient("api", "ada").getAccessToken()
					.getTokenValue()).as("the manager stored what the application's chain returned")
					.isEqualTo("at-from-own-chain");
			});
	}

	@Test
	void theStarterDefinesTheClientCredentialsClientByDefaultCreatedOnItsFirstRequest() {
		StubRegistration.runner("http://127.0.0.1:9/authorize", "http://127.0.0.1:9/token")
			.withPropertyValues("oauth-callback.store.type=memory", "oauth-callback.login.interactive=never")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).getBean("oauthCallbackClientCredentialsTokenResponseClient")
					.isInstanceOfSatisfying(LazyTokenResponseClient.class,
							(lazy) -> assertThat(lazy.created()).isFalse());
			});
	}

	@Test
	void theChainUsesAClientCredentialsClientDefinedByTheApplication() {
		String service = "spring.security.oauth2.client.registration.api.";
		// The token endpoint is a closed port: only the application's client can get a token.
		StubRegistration.runner("http://127.0.0.1:9/authorize", "http://127.0.0.1:9/token")
			.withPropertyValues("oauth-callback.store.type=memory", "oauth-callback.login.interactive=never",
					service + "authorization-grant-type=client_credentials", service + "client-secret=s3cret",
					service + "client-authentication-method=client_secret_basic", service + "redirect-uri=")
			.withUserConfiguration(OwnClientCredentialsClient.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean("oauthCallbackClientCredentialsTokenResponseClient");
				assertThat(context).as("the refresh client is not replaced by it")
					.hasBean("oauthCallbackRefreshTokenResponseClient");
				OAuth2AuthorizedClient client = authorize(context);
				assertThat(client.getAccessToken().getTokenValue()).isEqualTo("at-from-own-client");
				assertThat(context.getBean(OwnClientCredentialsClient.class).requests).hasValue(1);
			});
	}

	@Test
	void aRefreshClientOfTheApplicationLeavesTheClientCredentialsClientInPlace() {
		StubRegistration.runner("http://127.0.0.1:9/authorize", "http://127.0.0.1:9/token")
			.withPropertyValues("oauth-callback.store.type=memory", "oauth-callback.login.interactive=never")
			.withBean("myRefreshTokens", RestClientRefreshTokenTokenResponseClient.class,
					RestClientRefreshTokenTokenResponseClient::new)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean("oauthCallbackRefreshTokenResponseClient");
				assertThat(context).getBean("oauthCallbackClientCredentialsTokenResponseClient")
					.isInstanceOf(LazyTokenResponseClient.class);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnClientCredentialsClient {

		final AtomicInteger requests = new AtomicInteger();

		@Bean
		OAuth2AccessTokenResponseClient<OAuth2ClientCredentialsGrantRequest> ownClientCredentialsClient() {
			return (request) -> {
				this.requests.incrementAndGet();
				return OAuth2AccessTokenResponse.withToken("at-from-own-client")
					.tokenType(OAuth2AccessToken.TokenType.BEARER)
					.expiresIn(3600)
					.build();
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnChain {

		@Bean
		OAuth2AuthorizedClientProvider ownChain() {
			return (context) -> {
				OAuth2AuthorizedClient existing = context.getAuthorizedClient();
				if (existing == null) {
					return null;
				}
				Instant now = Instant.now();
				return new OAuth2AuthorizedClient(existing.getClientRegistration(), existing.getPrincipalName(),
						new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at-from-own-chain", now,
								now.plusSeconds(3600), Set.of("read")),
						existing.getRefreshToken());
			};
		}

	}

}
