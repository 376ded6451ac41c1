package io.github.oauthcallback.autoconfigure;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.oauthcallback.client.OAuthCallbackHttpServiceGroupConfigurer;
import io.github.oauthcallback.client.OAuthCallbackRestClients;
import io.github.oauthcallback.internal.TokenOriginException;
import io.github.oauthcallback.support.CapturedLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.client.support.OAuth2RestClientHttpServiceGroupConfigurer;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.service.registry.HttpServiceGroupConfigurer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link OAuthCallbackRestClientAutoConfiguration}: {@link OAuthCallbackRestClients}, the HTTP Service configurer and
 * the declared {@code RestClient} beans (these tests were {@code DeclaredRestClientsRegistrarTests}), each replaceable,
 * and all of them working through an {@link OAuth2AuthorizedClientManager} of the application's own.
 */
class OAuthCallbackRestClientAutoConfigurationTests {

	private static final String NOTICE = "replaces the starter's: RestClients and HTTP Service interfaces made by the "
			+ "starter send its tokens, but return a 401 as it is";

	private WireMockServer api;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
				OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class,
				OAuthCallbackClientManagerAutoConfiguration.class, OAuthCallbackRestClientAutoConfiguration.class))
		.withPropertyValues("spring.security.oauth2.client.registration.demo.client-id=cli",
				"spring.security.oauth2.client.registration.demo.authorization-grant-type=authorization_code",
				"spring.security.oauth2.client.registration.demo.client-authentication-method=none",
				"spring.security.oauth2.client.registration.demo.redirect-uri=http://127.0.0.1/callback",
				"spring.security.oauth2.client.registration.demo.provider=demo",
				"spring.security.oauth2.client.provider.demo.authorization-uri=https://idp.example/authorize",
				"spring.security.oauth2.client.provider.demo.token-uri=https://idp.example/token",
				"oauth-callback.store.type=memory", "oauth-callback.login.account=ada",
				"oauth-callback.clients.api.registration=demo",
				"oauth-callback.clients.api.base-url=https://api.example", "oauth-callback.clients.other.registration=demo");

	@BeforeEach
	void start() {
		this.api = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		this.api.start();
	}

	@AfterEach
	void stop() {
		this.api.stop();
	}

	private ApplicationContextRunner runnerOnTheApi() {
		return this.runner.withPropertyValues("oauth-callback.clients.api.base-url=" + this.api.baseUrl());
	}

	@Test
	void beansWithDefaults() {
		try (CapturedLogs logs = new CapturedLogs()) {
			this.runner.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeanNamesForType(OAuthCallbackRestClients.class))
					.containsExactly("oauthCallbackRestClients");
				assertThat(context.getBeanNamesForType(OAuthCallbackHttpServiceGroupConfigurer.class))
					.containsExactly("oauthCallbackHttpServiceGroupConfigurer");
			});
			assertThat(logs.text()).doesNotContain(NOTICE);
		}
	}

	@Test
	void eachDeclaredClientBecomesABean() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeanNamesForType(RestClient.class)).containsExactlyInAnyOrder("apiRestClient",
					"otherRestClient");
		});
	}

	@Test
	void applicationBeanOfTheSameNameWinsAndTheDeclaredClientIsSkipped() {
		RestClient own = RestClient.create("https://own.example");
		try (CapturedLogs logs = new CapturedLogs()) {
			this.runner.withBean("apiRestClient", RestClient.class, () -> own).run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean("apiRestClient")).isSameAs(own);
				assertThat(context.getBeanNamesForType(RestClient.class)).containsExactlyInAnyOrder("apiRestClient",
						"otherRestClient");
				assertThat(context.getBean("otherRestClient")).isNotSameAs(own);
			});
			assertThat(logs.text()).contains("DEBUG " + DeclaredRestClientsRegistrar.class.getName()
					+ " Not registering oauth-callback.clients.api: the application defines a bean named 'apiRestClient'");
		}
	}

	@Test
	void applicationBeanOfAnotherTypeWithThatNameAlsoWins() {
		this.runner.withBean("apiRestClient", String.class, () -> "not a client").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean("apiRestClient")).isEqualTo("not a client");
			assertThat(context.getBeanNamesForType(RestClient.class)).containsExactly("otherRestClient");
		});
	}

	@Test
	void restClientsBackOffAndTheDeclaredClientsAreBuiltWithTheApplicationsOnes() {
		this.api.stubFor(get(urlEqualTo("/me")).withHeader("Authorization", equalTo("Bearer at-of-mine"))
			.willReturn(ok("ada")));
		runnerOnTheApi().withUserConfiguration(OwnRestClients.class).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean("oauthCallbackRestClients");
			assertThat(context.getBeanNamesForType(OAuthCallbackRestClients.class)).containsExactly("ownRestClients");
			RestClient client = context.getBean("apiRestClient", RestClient.class);
			assertThat(client.get().uri("/me").retrieve().body(String.class)).isEqualTo("ada");
		});
	}

	@Test
	void httpServiceConfigurerBacksOffForOneOfTheApplication() {
		this.runner.withUserConfiguration(OwnHttpServiceConfigurer.class).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean("oauthCallbackHttpServiceGroupConfigurer");
			assertThat(context.getBeanNamesForType(OAuthCallbackHttpServiceGroupConfigurer.class))
				.containsExactly("ownConfigurer");
		});
	}

	@Test
	void httpServiceConfigurerBacksOffForSpringSecuritysConfigurer() {
		this.runner
			.withBean("springConfigurer", OAuth2RestClientHttpServiceGroupConfigurer.class,
					() -> OAuth2RestClientHttpServiceGroupConfigurer.from((request) -> null))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(OAuthCallbackHttpServiceGroupConfigurer.class)
				.hasSingleBean(OAuth2RestClientHttpServiceGroupConfigurer.class)
				.hasSingleBean(OAuthCallbackRestClients.class));
	}

	@Test
	void withoutHttpServiceGroupsThereIsNoConfigurer() {
		this.runner.withClassLoader(new FilteredClassLoader(HttpServiceGroupConfigurer.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(OAuthCallbackHttpServiceGroupConfigurer.class)
				.hasSingleBean(OAuthCallbackRestClients.class));
	}

	@Test
	void withoutAClientManagerNothingIsDefined() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
					OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class,
					OAuthCallbackRestClientAutoConfiguration.class))
			.withPropertyValues("spring.security.oauth2.client.registration.demo.client-id=cli",
					"spring.security.oauth2.client.registration.demo.authorization-grant-type=authorization_code",
					"spring.security.oauth2.client.registration.demo.client-authentication-method=none",
					"spring.security.oauth2.client.registration.demo.redirect-uri=http://127.0.0.1/callback",
					"spring.security.oauth2.client.registration.demo.provider=demo",
					"spring.security.oauth2.client.provider.demo.authorization-uri=https://idp.example/authorize",
					"spring.security.oauth2.client.provider.demo.token-uri=https://idp.example/token",
					"oauth-callback.store.type=memory", "oauth-callback.clients.api.registration=demo")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(OAuthCallbackRestClients.class)
				.doesNotHaveBean(OAuthCallbackHttpServiceGroupConfigurer.class)
				.doesNotHaveBean(RestClient.class));
	}

	@Test
	void withoutTheStartersLoginNothingIsDefinedEvenWithAManager() {
		this.runner.withClassLoader(new FilteredClassLoader(JwtDecoderFactory.class))
			.withUserConfiguration(PlainManager.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(OAuth2AuthorizedClientManager.class)
				.doesNotHaveBean(OAuthCallbackRestClients.class)
				.doesNotHaveBean(OAuthCallbackHttpServiceGroupConfigurer.class)
				.doesNotHaveBean(RestClient.class));
	}

	/**
	 * The helpers only need {@code authorize}: with the application's own manager they send its tokens. The retry
	 * after a 401 needs the starter's manager, so the 401 reaches the caller, which start-up explains once.
	 */
	@Test
	void aPlainManagerOfTheApplicationKeepsTheHelpersWorkingWithoutTheRetryAfterA401() {
		this.api.stubFor(get(urlEqualTo("/me")).withHeader("Authorization", equalTo("Bearer at-plain"))
			.willReturn(ok("ada")));
		this.api.stubFor(get(urlEqualTo("/refused")).willReturn(aResponse().withStatus(401)));
		try (CapturedLogs logs = new CapturedLogs()) {
			runnerOnTheApi().withUserConfiguration(PlainManager.class).run((context) -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean("oauthCallbackAuthorizedClientManager")
					.hasSingleBean(OAuthCallbackRestClients.class)
					.hasSingleBean(OAuthCallbackHttpServiceGroupConfigurer.class);
				List<String> requests = context.getBean(PlainManager.class).requests;
				RestClient declared = context.getBean("apiRestClient", RestClient.class);
				assertThat(declared.get().uri("/me").retrieve().body(String.class)).isEqualTo("ada");
				RestClient built = RestClient.builder()
					.baseUrl(this.api.baseUrl())
					.apply(context.getBean(OAuthCallbackRestClients.class).client("demo", "bob"))
					.build();
				assertThat(built.get().uri("/me").retrieve().body(String.class)).isEqualTo("ada");
				assertThat(requests).containsExactly("demo/ada", "demo/bob");
				assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class)
					.isThrownBy(() -> declared.get().uri("/refused").retrieve().toBodilessEntity());
				this.api.verify(1, getRequestedFor(urlEqualTo("/refused")));
				assertThat(requests).as("no second token after the 401").hasSize(3);
			});
			String text = logs.text();
			assertThat(text).containsOnlyOnce(NOTICE)
				.contains("INFO " + OAuthCallbackRestClientAutoConfiguration.class.getName()
						+ " The application's OAuth2AuthorizedClientManager (" + PlainManager.class.getName());
		}
	}

	/**
	 * A declared client's token goes only to its base URL's origin: an absolute or protocol-relative URI naming
	 * another host (or the same host over another scheme or port) fails with a typed error naming the allowed origin,
	 * and that host sees no request and no token. The same holds for a client built with the base URL given to
	 * {@code OAuthCallbackRestClients.client(registration, account, baseUrl)}.
	 */
	@Test
	void aDeclaredClientSendsItsTokenOnlyToItsBaseUrlsOrigin() {
		WireMockServer evil = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		evil.start();
		try {
			this.api.stubFor(get(urlEqualTo("/me")).withHeader("Authorization", equalTo("Bearer at-plain"))
				.willReturn(ok("ada")));
			evil.stubFor(get(urlEqualTo("/x")).willReturn(ok("stolen")));
			String evilOrigin = "127.0.0.1:" + evil.port();
			runnerOnTheApi().withUserConfiguration(PlainManager.class).run((context) -> {
				RestClient declared = context.getBean("apiRestClient", RestClient.class);
				RestClient built = RestClient.builder()
					.apply(context.getBean(OAuthCallbackRestClients.class).client("demo", "bob", this.api.baseUrl()))
					.build();
				String allowed = "http://localhost:" + this.api.port();
				for (RestClient client : List.of(declared, built)) {
					assertThat(client.get().uri("/me").retrieve().body(String.class)).isEqualTo("ada");
					for (String uri : List.of("http://" + evilOrigin + "/x", "//" + evilOrigin + "/x",
							"https://localhost:" + this.api.port() + "/me", "http://127.0.0.1:" + this.api.port() + "/me")) {
						assertThatExceptionOfType(TokenOriginException.class)
							.as(uri)
							.isThrownBy(() -> client.get().uri(uri).retrieve().toBodilessEntity())
							.withMessageContaining("only to " + allowed + ", the origin of its base URL")
							.withMessageContaining("registration 'demo'")
							.withMessageNotContaining("at-plain")
							.withMessageNotContaining("/x");
					}
				}
				assertThat(evil.getAllServeEvents()).as("the other host got no request").isEmpty();
				assertThat(context.getBean(PlainManager.class).requests).as("no token fetched for a refused request")
					.containsExactly("demo/ada", "demo/bob");
			});
		}
		finally {
			evil.stop();
		}
	}

	@Test
	void aDeclaredClientsBaseUrlWithoutAnOriginIsRefusedAtStartUp() {
		this.runner.withPropertyValues("oauth-callback.clients.api.base-url=/relative/only").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("oauth-callback.clients.api.base-url")
				.hasMessageContaining("absolute http or https URL with a host");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnRestClients {

		@Bean
		OAuthCallbackRestClients ownRestClients(ClientRegistrationRepository registrations) {
			return new OAuthCallbackRestClients((request) -> token(registrations, request.getClientRegistrationId(),
					request.getPrincipal().getName(), "at-of-mine"), "ada");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnHttpServiceConfigurer {

		@Bean
		OAuthCallbackHttpServiceGroupConfigurer ownConfigurer() {
			return new OAuthCallbackHttpServiceGroupConfigurer((request) -> null, "ada");
		}

	}

	/** An application's manager that is not the starter's: it hands out {@code at-plain} and records the requests. */
	@Configuration(proxyBeanMethods = false)
	static class PlainManager implements OAuth2AuthorizedClientManager {

		final List<String> requests = new CopyOnWriteArrayList<>();

		private final ClientRegistrationRepository registrations;

		PlainManager(ClientRegistrationRepository registrations) {
			this.registrations = registrations;
		}

		@Override
		public OAuth2AuthorizedClient authorize(OAuth2AuthorizeRequest request) {
			this.requests.add(request.getClientRegistrationId() + "/" + request.getPrincipal().getName());
			return token(this.registrations, request.getClientRegistrationId(), request.getPrincipal().getName(),
					"at-plain");
		}

	}

	static OAuth2AuthorizedClient token(ClientRegistrationRepository registrations, String registrationId,
			String account, String value) {
		Instant now = Instant.now();
		return new OAuth2AuthorizedClient(registrations.findByRegistrationId(registrationId), account,
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, value, now, now.plusSeconds(3600)));
	}

}
