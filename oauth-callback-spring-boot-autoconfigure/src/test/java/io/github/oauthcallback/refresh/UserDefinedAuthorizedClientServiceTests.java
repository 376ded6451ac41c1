package io.github.oauthcallback.refresh;

import java.time.Instant;
import java.util.Set;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.support.StubRegistration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application's own {@link OAuth2AuthorizedClientService} replaces the starter's stores, and the client manager
 * (refresh, browser login, RestClient integration) works on it unchanged. (That scheduled refresh refuses it is tested
 * in {@code OAuthCallbackScheduledRefreshAutoConfigurationTests}.)
 */
class UserDefinedAuthorizedClientServiceTests {

	private WireMockServer wireMock;

	@BeforeEach
	void start() {
		this.wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		this.wireMock.start();
	}

	@AfterEach
	void stop() {
		this.wireMock.stop();
	}

	private ApplicationContextRunner runner() {
		return StubRegistration.runner(this.wireMock.baseUrl() + "/authorize", this.wireMock.baseUrl() + "/token")
			.withUserConfiguration(ApplicationsOwnService.class)
			.withPropertyValues("oauth-callback.login.interactive=never");
	}

	@Test
	void theManagerRefreshesIntoTheApplicationsService() {
		this.wireMock.stubFor(post(urlEqualTo("/token")).willReturn(okJson(
				"{\"access_token\":\"at-new\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"refresh_token\":\"rt-2\"}")));
		runner().run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(TokenStore.class);
			OAuth2AuthorizedClientService service = context.getBean(OAuth2AuthorizedClientService.class);
			assertThat(service).isInstanceOf(InMemoryOAuth2AuthorizedClientService.class);
			var registration = context.getBean(ClientRegistrationRepository.class).findByRegistrationId("api");
			Instant past = Instant.now().minusSeconds(60);
			service.saveAuthorizedClient(new OAuth2AuthorizedClient(registration, "ada",
					new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at-old", past.minusSeconds(3600), past,
							Set.of("read")),
					new OAuth2RefreshToken("rt-1", past.minusSeconds(3600))), Accounts.principal("ada"));
			OAuth2AuthorizedClient refreshed = context.getBean(OAuth2AuthorizedClientManager.class)
				.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("api").principal("ada").build());
			assertThat(refreshed.getAccessToken().getTokenValue()).isEqualTo("at-new");
			OAuth2AuthorizedClient stored = service.loadAuthorizedClient("api", "ada");
			assertThat(stored.getRefreshToken().getTokenValue()).isEqualTo("rt-2");
			this.wireMock.verify(1, postRequestedFor(urlEqualTo("/token")));
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class ApplicationsOwnService {

		@Bean
		OAuth2AuthorizedClientService applicationsOwnService(ClientRegistrationRepository registrations) {
			return new InMemoryOAuth2AuthorizedClientService(registrations);
		}

	}

}
