package io.github.oauthcallback.refresh;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.client.OAuthCallbackHttpServiceGroupConfigurer;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.support.StubRegistration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientPropertiesAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.service.HttpServiceClientAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.annotation.ClientRegistrationId;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.client.support.OAuth2RestClientHttpServiceGroupConfigurer;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.registry.ImportHttpServices;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An HTTP Service interface with {@code @ClientRegistrationId}, wired by Spring Boot's HTTP service client support
 * and the starter's {@code OAuthCallbackHttpServiceGroupConfigurer}, sends the stored token of the default account
 * although a command-line program has no logged-in principal, and after a 401 refreshes and retries once; with an
 * application's own client manager it sends that manager's token and returns the 401.
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

	private ApplicationContextRunner runner() {
		return StubRegistration.runner("https://idp.example/authorize", this.wireMock.baseUrl() + "/token")
			.withConfiguration(AutoConfigurations.of(RestClientAutoConfiguration.class,
					HttpServiceClientPropertiesAutoConfiguration.class, HttpServiceClientAutoConfiguration.class))
			.withUserConfiguration(Services.class)
			.withPropertyValues("oauth-callback.store.type=memory", "oauth-callback.login.interactive=never",
					"spring.http.serviceclient.github.base-url=" + this.wireMock.baseUrl());
	}

	private static void store(AssertableApplicationContext context, String accessToken, String refreshToken) {
		var registration = context.getBean(ClientRegistrationRepository.class).findByRegistrationId("api");
		Instant now = Instant.now();
		context.getBean(TokenStore.class)
			.saveAuthorizedClient(new OAuth2AuthorizedClient(registration, "ada",
					new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, accessToken, now, now.plusSeconds(3600),
							Set.of()),
					(refreshToken != null) ? new OAuth2RefreshToken(refreshToken, now) : null),
					Accounts.principal("ada"));
	}

	@Test
	void annotatedInterfaceSendsTheTokenOfTheDefaultAccount() {
		this.wireMock.stubFor(get(urlEqualTo("/user")).withHeader("Authorization", equalTo("Bearer at-stored"))
			.willReturn(okJson("{\"login\":\"ada\"}")));
		runner().run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(OAuthCallbackHttpServiceGroupConfigurer.class);
			store(context, "at-stored", null);
			assertThat(context.getBean(GitHub.class).me()).contains("ada");
		});
	}

	@Test
	void firstUnauthorizedIsFollowedByARefreshAndOneRetry() {
		this.wireMock.stubFor(post(urlEqualTo("/token")).willReturn(
				okJson("{\"access_token\":\"at-new\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
		this.wireMock.stubFor(get(urlEqualTo("/user")).withHeader("Authorization", equalTo("Bearer at-revoked"))
			.willReturn(aResponse().withStatus(401)));
		this.wireMock.stubFor(get(urlEqualTo("/user")).withHeader("Authorization", equalTo("Bearer at-new"))
			.willReturn(okJson("{\"login\":\"ada\"}")));
		runner().run((context) -> {
			store(context, "at-revoked", "rt-stored");
			assertThat(context.getBean(GitHub.class).me()).contains("ada");
			this.wireMock.verify(1, getRequestedFor(urlEqualTo("/user")).withHeader("Authorization",
					equalTo("Bearer at-revoked")));
			this.wireMock.verify(1, getRequestedFor(urlEqualTo("/user")).withHeader("Authorization",
					equalTo("Bearer at-new")));
			this.wireMock.verify(1, postRequestedFor(urlEqualTo("/token")));
			assertThat(context.getBean(TokenStore.class)
				.<OAuth2AuthorizedClient>loadAuthorizedClient("api", "ada")
				.getAccessToken()
				.getTokenValue()).isEqualTo("at-new");
		});
	}

	@Test
	void secondUnauthorizedReachesTheCaller() {
		this.wireMock.stubFor(post(urlEqualTo("/token")).willReturn(
				okJson("{\"access_token\":\"at-new\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
		this.wireMock.stubFor(get(urlEqualTo("/user")).willReturn(aResponse().withStatus(401)));
		runner().run((context) -> {
			store(context, "at-revoked", "rt-stored");
			assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class)
				.isThrownBy(() -> context.getBean(GitHub.class).me());
			this.wireMock.verify(2, getRequestedFor(urlEqualTo("/user")));
		});
	}

	@Test
	void methodWithoutARegistrationIsSentWithoutAToken() {
		this.wireMock.stubFor(get(urlEqualTo("/status")).willReturn(okJson("{\"ok\":true}")));
		runner().run((context) -> {
			assertThat(context.getBean(Status.class).status()).contains("ok");
			this.wireMock.verify(getRequestedFor(urlEqualTo("/status")).withoutHeader("Authorization"));
		});
	}

	/**
	 * Was {@code applicationDefinedManagerGetsSpringSecuritysConfigurer}: the starter used to fall back on Spring
	 * Security's configurer, which sends the token of "anonymousUser" rather than the default account and needs
	 * jakarta.servlet-api for a 401. The starter's configurer now works through any manager.
	 */
	@Test
	void applicationDefinedManagerGetsTheStartersConfigurerWhichSendsItsTokenOfTheDefaultAccount() {
		this.wireMock.stubFor(get(urlEqualTo("/user")).withHeader("Authorization", equalTo("Bearer at-plain"))
			.willReturn(okJson("{\"login\":\"ada\"}")));
		List<String> requests = new CopyOnWriteArrayList<>();
		runner().withBean(OAuth2AuthorizedClientManager.class, () -> plainManager(requests)).run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(OAuthCallbackHttpServiceGroupConfigurer.class)
				.doesNotHaveBean(OAuth2RestClientHttpServiceGroupConfigurer.class);
			assertThat(context.getBean(GitHub.class).me()).contains("ada");
			assertThat(requests).containsExactly("api/ada");
		});
	}

	@Test
	void withAnApplicationDefinedManagerTheFirstUnauthorizedReachesTheCaller() {
		this.wireMock.stubFor(get(urlEqualTo("/user")).willReturn(aResponse().withStatus(401)));
		List<String> requests = new CopyOnWriteArrayList<>();
		runner().withBean(OAuth2AuthorizedClientManager.class, () -> plainManager(requests)).run((context) -> {
			assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class)
				.isThrownBy(() -> context.getBean(GitHub.class).me());
			this.wireMock.verify(1, getRequestedFor(urlEqualTo("/user")).withHeader("Authorization",
					equalTo("Bearer at-plain")));
			assertThat(requests).containsExactly("api/ada");
		});
	}

	/** A manager that is not the starter's: it records the requests and hands out {@code at-plain}. */
	private static OAuth2AuthorizedClientManager plainManager(List<String> requests) {
		ClientRegistration registration = ClientRegistration.withRegistrationId("api")
			.clientId("cli")
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.tokenUri("https://idp.example/token")
			.build();
		return (request) -> {
			requests.add(request.getClientRegistrationId() + "/" + request.getPrincipal().getName());
			Instant now = Instant.now();
			return new OAuth2AuthorizedClient(registration, request.getPrincipal().getName(),
					new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at-plain", now, now.plusSeconds(3600)));
		};
	}

	@ClientRegistrationId("api")
	@HttpExchange
	interface GitHub {

		@GetExchange("/user")
		String me();

	}

	@HttpExchange
	interface Status {

		@GetExchange("/status")
		String status();

	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "github", types = { GitHub.class, Status.class })
	static class Services {

	}

}
