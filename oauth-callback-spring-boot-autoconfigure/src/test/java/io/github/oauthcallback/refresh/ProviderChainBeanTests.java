package io.github.oauthcallback.refresh;

import java.time.Instant;
import java.util.Set;

import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.support.StubRegistration;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

import static io.github.oauthcallback.support.StubRegistration.authorize;
import static io.github.oauthcallback.support.StubRegistration.seed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client manager's provider chain is a bean: the starter's by default, an application's own if it defines one.
 */
class ProviderChainBeanTests {

	@Test
	void theStarterDefinesTheChainByDefault() {
		StubRegistration.runner("http://127.0.0.1:9/authorize", "http://127.0.0.1:9/token")
			.withPropertyValues("oauth-callback.store.type=memory", "oauth-callback.interactive=never")
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
			.withPropertyValues("oauth-callback.store.type=memory", "oauth-callback.interactive=never")
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
