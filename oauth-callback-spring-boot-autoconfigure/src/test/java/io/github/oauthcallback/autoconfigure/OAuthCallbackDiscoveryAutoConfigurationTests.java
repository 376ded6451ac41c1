package io.github.oauthcallback.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.oauthcallback.ProviderDiscoveryException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

class OAuthCallbackDiscoveryAutoConfigurationTests {

	private WireMockServer provider;

	@TempDir
	private Path directory;

	private String issuer;

	@BeforeEach
	void start() {
		this.provider = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		this.provider.start();
		this.issuer = this.provider.baseUrl() + "/realms/cli";
		this.provider.stubFor(get(urlEqualTo("/realms/cli/.well-known/openid-configuration")).willReturn(okJson(
				"{\"issuer\":\"" + this.issuer + "\",\"authorization_endpoint\":\"" + this.issuer + "/authorize\","
						+ "\"token_endpoint\":\"" + this.issuer + "/token\",\"jwks_uri\":\"" + this.issuer + "/jwks\","
						+ "\"response_types_supported\":[\"code\"],\"subject_types_supported\":[\"public\"],"
						+ "\"id_token_signing_alg_values_supported\":[\"RS256\"]}")));
	}

	@AfterEach
	void stop() {
		this.provider.stop();
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
					OAuthCallbackDiscoveryAutoConfiguration.class))
			.withPropertyValues("spring.security.oauth2.client.registration.cli.client-id=cli",
					"spring.security.oauth2.client.registration.cli.client-authentication-method=none",
					"spring.security.oauth2.client.registration.cli.provider=idp",
					"spring.security.oauth2.client.provider.idp.issuer-uri=" + this.issuer,
					"oauth-callback.store.file.path=" + this.directory.resolve("app").resolve("tokens.json"));
	}

	@Test
	void theSecondStartTakesTheProviderFromTheCacheNextToTheTokenFile() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(ClientRegistrationRepository.class);
			ClientRegistration registration = context.getBean(ClientRegistrationRepository.class)
				.findByRegistrationId("cli");
			assertThat(registration.getProviderDetails().getTokenUri()).isEqualTo(this.issuer + "/token");
		});
		assertThat(discoveryRequests()).isEqualTo(1);
		assertThat(this.directory.resolve("app").resolve("discovery").resolve("idp.json")).exists();
		runner().run((context) -> {
			ClientRegistration registration = context.getBean(ClientRegistrationRepository.class)
				.findByRegistrationId("cli");
			assertThat(registration.getProviderDetails().getIssuerUri()).isEqualTo(this.issuer);
			assertThat(registration.getProviderDetails().getJwkSetUri()).isEqualTo(this.issuer + "/jwks");
		});
		assertThat(discoveryRequests()).isEqualTo(1);
	}

	@Test
	void theDirectoryAndTimeToLiveCanBeSet() {
		Path elsewhere = this.directory.resolve("elsewhere");
		ApplicationContextRunner runner = runner().withPropertyValues(
				"oauth-callback.discovery.cache.directory=" + elsewhere,
				"oauth-callback.discovery.cache.time-to-live=0");
		runner.run((context) -> assertThat(context).hasNotFailed());
		runner.run((context) -> assertThat(context).hasNotFailed());
		assertThat(elsewhere.resolve("idp.json")).exists();
		assertThat(discoveryRequests()).isEqualTo(2);
	}

	@Test
	void turnedOffSpringBootsMapperDiscoversAtEveryStart() {
		ApplicationContextRunner runner = runner().withPropertyValues("oauth-callback.discovery.cache.enabled=false");
		runner.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(ClientRegistrationRepository.class)
			.hasBean("clientRegistrationRepository"));
		runner.run((context) -> assertThat(context).hasNotFailed());
		assertThat(discoveryRequests()).isEqualTo(2);
		assertThat(this.directory.resolve("app").resolve("discovery")).doesNotExist();
	}

	@Test
	void anApplicationsOwnRepositoryWins() {
		ClientRegistration own = ClientRegistration.withRegistrationId("own")
			.clientId("own")
			.authorizationGrantType(org.springframework.security.oauth2.core.AuthorizationGrantType.CLIENT_CREDENTIALS)
			.tokenUri("https://idp.example/token")
			.build();
		runner().withBean(ClientRegistrationRepository.class, () -> new InMemoryClientRegistrationRepository(own))
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ClientRegistrationRepository.class);
				assertThat(context.getBean(ClientRegistrationRepository.class).findByRegistrationId("cli")).isNull();
			});
		assertThat(discoveryRequests()).isZero();
	}

	@Test
	void withoutRegistrationsNothingIsRegistered() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
					OAuthCallbackDiscoveryAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ClientRegistrationRepository.class));
	}

	@Test
	void aNegativeTimeToLiveIsRefused() {
		runner().withPropertyValues("oauth-callback.discovery.cache.time-to-live=-1h").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("oauth-callback.discovery.cache.time-to-live"))
				.hasMessageContaining("must not be negative");
		});
	}

	@Test
	void aTimeoutThatIsNotPositiveIsRefused() {
		runner().withPropertyValues("oauth-callback.discovery.timeout=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("oauth-callback.discovery.timeout"))
				.hasMessageContaining("must be positive");
		});
	}

	@Test
	void aProviderThatCannotBeDiscoveredIsReportedAsStartUpFailure() throws Exception {
		this.provider.stop();
		runner().run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new OAuthCallbackFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("Discovery of provider 'idp' at " + this.issuer,
					"provider.idp.issuer-uri");
			assertThat(analysis.getAction()).contains("oauth-callback.discovery.cache");
			assertThat(analysis.getCause()).isSameAs(context.getStartupFailure());
			assertThat(org.springframework.core.NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.isInstanceOf(java.net.ConnectException.class);
			Throwable cause = context.getStartupFailure();
			while (cause != null && !(cause instanceof ProviderDiscoveryException)) {
				cause = cause.getCause();
			}
			assertThat(cause).isInstanceOf(ProviderDiscoveryException.class);
		});
		assertThat(Files.exists(this.directory.resolve("app").resolve("discovery"))).isFalse();
	}

	private int discoveryRequests() {
		return this.provider.countRequestsMatching(getRequestedFor(urlPathMatching(".*/\\.well-known/.*")).build())
			.getCount();
	}

	@Test
	void notWithoutSpringSecuritysOAuth2Client() {
		new ApplicationContextRunner().withClassLoader(new FilteredClassLoader(ClientRegistrationRepository.class))
			.withConfiguration(AutoConfigurations.of(OAuthCallbackDiscoveryAutoConfiguration.class))
			.withPropertyValues("spring.security.oauth2.client.registration.cli.client-id=cli",
					"spring.security.oauth2.client.registration.cli.provider=idp",
					"spring.security.oauth2.client.provider.idp.issuer-uri=" + this.issuer)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(InMemoryClientRegistrationRepository.class));
		assertThat(discoveryRequests()).isZero();
	}
}
