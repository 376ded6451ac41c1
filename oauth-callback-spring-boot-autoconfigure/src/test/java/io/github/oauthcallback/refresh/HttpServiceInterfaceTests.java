package io.github.oauthcallback.refresh;

import java.time.Instant;
import java.util.Set;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.oauthcallback.Accounts;
import io.github.oauthcallback.autoconfigure.OAuthCallbackAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackClientAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackStoreAutoConfiguration;
import io.github.oauthcallback.store.TokenStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientPropertiesAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.service.HttpServiceClientAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.annotation.ClientRegistrationId;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.registry.ImportHttpServices;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An HTTP Service interface with {@code @ClientRegistrationId}, wired by Spring Boot's HTTP service client support
 * and Spring Security's {@code OAuth2RestClientHttpServiceGroupConfigurer}, sends the stored token of the default
 * account although a command-line program has no logged-in principal.
 */
class HttpServiceInterfaceTests {

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

	@Test
	void annotatedInterfaceSendsTheTokenOfTheDefaultAccount() {
		this.wireMock.stubFor(get(urlEqualTo("/user")).withHeader("Authorization", equalTo("Bearer at-stored"))
			.willReturn(okJson("{\"login\":\"ada\"}")));
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
					OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackAutoConfiguration.class,
					OAuthCallbackClientAutoConfiguration.class, RestClientAutoConfiguration.class,
					HttpServiceClientPropertiesAutoConfiguration.class, HttpServiceClientAutoConfiguration.class))
			.withUserConfiguration(Services.class)
			.withPropertyValues("spring.security.oauth2.client.registration.api.client-id=cli",
					"spring.security.oauth2.client.registration.api.authorization-grant-type=authorization_code",
					"spring.security.oauth2.client.registration.api.client-authentication-method=none",
					"spring.security.oauth2.client.registration.api.redirect-uri=http://127.0.0.1/callback",
					"spring.security.oauth2.client.registration.api.provider=stub",
					"spring.security.oauth2.client.provider.stub.authorization-uri=https://idp.example/authorize",
					"spring.security.oauth2.client.provider.stub.token-uri=https://idp.example/token",
					"oauth-callback.store.type=memory", "oauth-callback.interactive=never",
					"oauth-callback.account=ada",
					"spring.http.serviceclient.github.base-url=" + this.wireMock.baseUrl())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				var registration = context.getBean(ClientRegistrationRepository.class).findByRegistrationId("api");
				Instant now = Instant.now();
				context.getBean(TokenStore.class)
					.saveAuthorizedClient(new OAuth2AuthorizedClient(registration, "ada",
							new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at-stored", now,
									now.plusSeconds(3600), Set.of())),
							Accounts.principal("ada"));
				assertThat(context.getBean(GitHub.class).me()).contains("ada");
			});
	}

	@ClientRegistrationId("api")
	@HttpExchange
	interface GitHub {

		@GetExchange("/user")
		String me();

	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "github", types = GitHub.class)
	static class Services {

	}

}
