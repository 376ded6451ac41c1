package io.github.oauthcallback.internal.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLHandshakeException;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.oauthcallback.ProviderDiscoveryException;
import io.github.oauthcallback.TokenRefreshException;
import io.github.oauthcallback.autoconfigure.OAuthCallbackClientManagerAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackDiscoveryAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackLoginAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackStoreAutoConfiguration;
import io.github.oauthcallback.internal.Causes;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientObservationAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.observation.ClientRequestObservationConvention;
import org.springframework.http.client.observation.DefaultClientRequestObservationConvention;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.web.client.RestClient;

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
 * Every provider call (discovery and the token endpoint here) goes through Spring Boot's HTTP client set-up, against
 * an HTTPS WireMock provider whose certificate comes from a private CA ({@code src/test/resources/tls}) that no JVM
 * trusts: {@code spring.http.clients.*} (SSL bundle, timeouts), Boot's {@code http.client.requests} observations and
 * the proxy of a {@code ClientHttpRequestFactoryBuilder} bean apply; the application's {@code RestClientCustomizer}s
 * (headers, interceptors, status handlers) and redirects do not; an {@code https} issuer's plain {@code http}
 * endpoints are refused.
 */
class ProviderHttpClientSettingsTests {

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.api.";

	private static final String SECRET = "svc-Secret-8842";

	private static final String API_KEY = "app-Api-Key-5521";

	private WireMockServer provider;

	private String issuer;

	@TempDir
	private Path directory;

	@BeforeEach
	void start() throws IOException {
		this.provider = httpsServer();
		this.provider.start();
		this.issuer = "https://127.0.0.1:" + this.provider.httpsPort() + "/realms/cli";
		serveProvider(this.provider, this.issuer, "/realms/cli");
	}

	/** An HTTPS WireMock with the certificate of the private CA. */
	private static WireMockServer httpsServer() throws IOException {
		String keystore = new ClassPathResource("tls/idp.p12").getFile().getAbsolutePath();
		return new WireMockServer(options().bindAddress("127.0.0.1")
			.httpDisabled(true)
			.dynamicHttpsPort()
			.keystorePath(keystore)
			.keystoreType("PKCS12")
			.keystorePassword("changeit")
			.keyManagerPassword("changeit"));
	}

	@AfterEach
	void stop() {
		this.provider.stop();
	}

	private static void serveProvider(WireMockServer server, String issuer, String path) {
		server.stubFor(get(urlEqualTo(path + "/.well-known/openid-configuration")).willReturn(okJson("{\"issuer\":\""
				+ issuer + "\",\"authorization_endpoint\":\"" + issuer + "/authorize\",\"token_endpoint\":\"" + issuer
				+ "/token\",\"jwks_uri\":\"" + issuer + "/jwks\",\"response_types_supported\":[\"code\"],"
				+ "\"subject_types_supported\":[\"public\"],\"id_token_signing_alg_values_supported\":[\"RS256\"],"
				+ "\"token_endpoint_auth_methods_supported\":[\"client_secret_basic\"]}")));
		server.stubFor(post(urlEqualTo(path + "/token"))
			.willReturn(okJson("{\"access_token\":\"at-over-tls\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
	}

	/** Spring Boot's SSL, HTTP client and RestClient auto-configurations and the starter's, one service client. */
	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, HttpClientAutoConfiguration.class,
					ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class,
					OAuth2ClientAutoConfiguration.class, OAuthCallbackDiscoveryAutoConfiguration.class,
					OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class,
					OAuthCallbackClientManagerAutoConfiguration.class))
			.withPropertyValues(REGISTRATION + "client-id=svc", REGISTRATION + "client-secret=" + SECRET,
					REGISTRATION + "client-authentication-method=client_secret_basic",
					REGISTRATION + "authorization-grant-type=client_credentials", REGISTRATION + "scope=read",
					REGISTRATION + "provider=idp", "spring.security.oauth2.client.provider.idp.issuer-uri=" + this.issuer,
					"spring.ssl.bundle.pem.idp-ca.truststore.certificate=classpath:tls/ca.crt",
					"oauth-callback.store.type=memory", "oauth-callback.login.account=ada",
					"oauth-callback.login.interactive=never",
					"oauth-callback.discovery.cache.directory=" + this.directory.resolve("discovery"),
					"oauth-callback.token-endpoint.retry.attempts=1");
	}

	private static OAuth2AuthorizedClient authorize(AssertableApplicationContext context) {
		return context.getBean(OAuth2AuthorizedClientManager.class)
			.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("api").principal("ada").build());
	}

	@Test
	void discoveryAndATokenCallTrustThePrivateCaOfTheSslBundle() {
		runner().withPropertyValues("spring.http.clients.ssl.bundle=idp-ca").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(authorize(context).getAccessToken().getTokenValue()).isEqualTo("at-over-tls");
		});
		this.provider.verify(1, getRequestedFor(urlEqualTo("/realms/cli/.well-known/openid-configuration")));
		this.provider.verify(1, postRequestedFor(urlEqualTo("/realms/cli/token")).withHeader("Authorization",
				equalTo("Basic " + Base64.getEncoder().encodeToString(("svc:" + SECRET).getBytes()))));
	}

	@Test
	void withoutTheBundleDiscoveryFailsWithAnErrorThatNamesTheBundleSetting() {
		runner().run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = Causes.first(context.getStartupFailure(), ProviderDiscoveryException.class::isInstance);
			assertThat(failure).isNotNull();
			assertThat(failure.getMessage()).contains("Discovery of provider 'idp' at " + this.issuer,
					"The TLS handshake failed (SSLHandshakeException)", "spring.http.clients.ssl.bundle",
					"spring.ssl.bundle.pem.<name>.truststore.certificate");
			assertThat(Causes.first(failure, SSLHandshakeException.class::isInstance)).isNotNull();
		});
		this.provider.verify(0, getRequestedFor(urlEqualTo("/realms/cli/.well-known/openid-configuration")));
	}

	@Test
	void withoutTheBundleATokenCallFailsWithAnErrorThatNamesTheBundleSetting() {
		// the endpoints given, so only the token call meets the untrusted certificate
		runner().withPropertyValues(REGISTRATION + "provider=plain",
				"spring.security.oauth2.client.provider.plain.token-uri=" + this.issuer + "/token").run((context) -> {
					assertThat(context).hasNotFailed();
					assertThatExceptionOfType(TokenRefreshException.class).isThrownBy(() -> authorize(context))
						.satisfies((ex) -> assertThat(ex.getMessage()).contains("registration 'api'",
								"could not be reached (SSLHandshakeException)", "spring.http.clients.ssl.bundle")
							.doesNotContain(SECRET));
				});
		this.provider.verify(0, postRequestedFor(urlEqualTo("/realms/cli/token")));
	}

	@Test
	void theApplicationsRestClientCustomizersReachNeitherDiscoveryNorTokenCalls() {
		AtomicInteger intercepted = new AtomicInteger();
		this.provider.stubFor(get(urlEqualTo("/realms/cli/api")).willReturn(okJson("{}")));
		runner().withPropertyValues("spring.http.clients.ssl.bundle=idp-ca")
			.withBean(RestClientCustomizer.class, () -> (builder) -> builder.defaultHeader("X-Api-Key", API_KEY)
				.requestInterceptor((request, body, execution) -> {
					intercepted.incrementAndGet();
					request.getHeaders().setBearerAuth(API_KEY);
					return execution.execute(request, body);
				}))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(authorize(context).getAccessToken().getTokenValue()).isEqualTo("at-over-tls");
				// the application's own clients do get the customizer
				context.getBean(RestClient.Builder.class).build().get().uri(this.issuer + "/api").retrieve().toBodilessEntity();
			});
		assertThat(intercepted).hasValue(1);
		this.provider.verify(1, getRequestedFor(urlEqualTo("/realms/cli/api")).withHeader("X-Api-Key", equalTo(API_KEY)));
		this.provider.verify(1, getRequestedFor(urlEqualTo("/realms/cli/.well-known/openid-configuration"))
			.withoutHeader("X-Api-Key")
			.withoutHeader("Authorization"));
		this.provider.verify(1, postRequestedFor(urlEqualTo("/realms/cli/token")).withoutHeader("X-Api-Key")
			.withHeader("Authorization", equalTo("Basic " + Base64.getEncoder().encodeToString(("svc:" + SECRET).getBytes()))));
	}

	@Test
	void theApplicationsDefaultStatusHandlerDoesNotHideTheTokenEndpointsError() {
		this.provider.stubFor(post(urlEqualTo("/realms/cli/token")).willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_client\",\"error_description\":\"client disabled\"}")));
		runner().withPropertyValues("spring.http.clients.ssl.bundle=idp-ca")
			.withBean(RestClientCustomizer.class,
					() -> (builder) -> builder.defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
						throw new ApplicationStatusHandlerException();
					}))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> authorize(context))
					.satisfies((ex) -> {
						assertThat(Causes.first(ex, ApplicationStatusHandlerException.class::isInstance)).isNull();
						assertThat(ex).hasMessageContaining("invalid_client");
					});
			});
		this.provider.verify(1, postRequestedFor(urlEqualTo("/realms/cli/token")));
	}

	/** Thrown by an application's status handler: must never be what a token call ends with. */
	static final class ApplicationStatusHandlerException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		ApplicationStatusHandlerException() {
			super("the application's status handler");
		}

	}

	@Test
	void discoveryFollowsNoRedirectAndSaysWhichAddressToConfigure() throws IOException {
		// https to https: a redirect the HTTP client would follow (the JDK client never follows https to http)
		WireMockServer other = httpsServer();
		other.start();
		try {
			String elsewhere = "https://127.0.0.1:" + other.httpsPort() + "/realms/cli";
			serveProvider(other, elsewhere, "/realms/cli");
			this.provider.stubFor(get(urlEqualTo("/realms/cli/.well-known/openid-configuration"))
				.willReturn(aResponse().withStatus(302)
					.withHeader("Location", elsewhere + "/.well-known/openid-configuration?from=old")));
			// Boot's settings say follow: discovery still does not
			runner().withPropertyValues("spring.http.clients.ssl.bundle=idp-ca", "spring.http.clients.redirects=follow")
				.withBean(RestClientCustomizer.class, () -> (builder) -> builder.defaultHeader("X-Api-Key", API_KEY))
				.run((context) -> {
					assertThat(context).hasFailed();
					Throwable failure = Causes.first(context.getStartupFailure(),
							ProviderDiscoveryException.class::isInstance);
					assertThat(failure).isNotNull();
					assertThat(failure.getMessage()).contains("Discovery of provider 'idp' at " + this.issuer,
							"answered GET " + this.issuer + "/.well-known/openid-configuration with 302",
							"a redirect to " + elsewhere + "/.well-known/openid-configuration.",
							"Discovery follows no redirect",
							"Set spring.security.oauth2.client.provider.idp.issuer-uri to the final address",
							"(here probably " + elsewhere + ")")
						.doesNotContain("from=old");
				});
			assertThat(other.getAllServeEvents()).isEmpty();
		}
		finally {
			other.stop();
		}
	}

	@Test
	void anHttpsIssuersPlainHttpTokenEndpointIsRejected() {
		this.provider.stubFor(get(urlEqualTo("/realms/cli/.well-known/openid-configuration")).willReturn(okJson(
				"{\"issuer\":\"" + this.issuer + "\",\"authorization_endpoint\":\"" + this.issuer
						+ "/authorize\",\"token_endpoint\":\"http://idp.oauth-callback.invalid/realms/cli/token\","
						+ "\"jwks_uri\":\"" + this.issuer + "/jwks\",\"response_types_supported\":[\"code\"],"
						+ "\"subject_types_supported\":[\"public\"],\"id_token_signing_alg_values_supported\":[\"RS256\"]}")));
		runner().withPropertyValues("spring.http.clients.ssl.bundle=idp-ca").run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = Causes.first(context.getStartupFailure(), ProviderDiscoveryException.class::isInstance);
			assertThat(failure).isNotNull();
			assertThat(failure.getMessage()).contains("Discovery of provider 'idp' at " + this.issuer,
					"names token_endpoint http://idp.oauth-callback.invalid/realms/cli/token, a plain http address",
					"the issuer is https", "token-uri");
		});
	}

	@Test
	void anHttpsIssuersLoopbackHttpEndpointIsAccepted() {
		WireMockServer local = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		local.start();
		try {
			serveProvider(local, "unused", "");
			this.provider.stubFor(get(urlEqualTo("/realms/cli/.well-known/openid-configuration")).willReturn(okJson(
					"{\"issuer\":\"" + this.issuer + "\",\"authorization_endpoint\":\"" + this.issuer
							+ "/authorize\",\"token_endpoint\":\"http://localhost:" + local.port() + "/token\","
							+ "\"jwks_uri\":\"" + this.issuer + "/jwks\",\"response_types_supported\":[\"code\"],"
							+ "\"subject_types_supported\":[\"public\"],\"id_token_signing_alg_values_supported\":[\"RS256\"]}")));
			runner().withPropertyValues("spring.http.clients.ssl.bundle=idp-ca").run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(authorize(context).getAccessToken().getTokenValue()).isEqualTo("at-over-tls");
			});
		}
		finally {
			local.stop();
		}
	}

	@Test
	void springBootsHttpClientObservationsRecordDiscoveryAndTokenCalls() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		// Only the registry: no RestClientCustomizer installs the observations on provider calls
		runner().withPropertyValues("spring.http.clients.ssl.bundle=idp-ca")
			.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class))
			.withBean(TestObservationRegistry.class, () -> registry)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				authorize(context);
			});
		TestObservationRegistryAssert.assertThat(registry)
			.hasNumberOfObservationsWithNameEqualTo("http.client.requests", 2);
		TestObservationRegistryAssert.assertThat(registry)
			.hasAnObservation((observation) -> observation.hasNameEqualTo("http.client.requests")
				.hasLowCardinalityKeyValue("method", "POST")
				.hasLowCardinalityKeyValue("status", "200")
				.hasLowCardinalityKeyValue("client.name", "127.0.0.1"));
		TestObservationRegistryAssert.assertThat(registry)
			.hasAnObservation((observation) -> observation.hasNameEqualTo("http.client.requests")
				.hasLowCardinalityKeyValue("method", "GET")
				.hasLowCardinalityKeyValue("status", "200"));
	}

	@Test
	void withBootsRestClientObservationsTooEachProviderCallIsRecordedOnceUnderTheApplicationsConvention() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		runner().withPropertyValues("spring.http.clients.ssl.bundle=idp-ca")
			.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
					RestClientObservationAutoConfiguration.class))
			.withBean(TestObservationRegistry.class, () -> registry)
			.withBean(ClientRequestObservationConvention.class,
					() -> new DefaultClientRequestObservationConvention("idp.calls"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				authorize(context);
			});
		TestObservationRegistryAssert.assertThat(registry).hasNumberOfObservationsWithNameEqualTo("idp.calls", 2);
		TestObservationRegistryAssert.assertThat(registry)
			.hasNumberOfObservationsWithNameEqualTo("http.client.requests", 0);
	}

	@Test
	void discoveryTakesTheReadTimeoutOfTheHttpClientSettings() {
		this.provider.stubFor(get(urlEqualTo("/realms/cli/.well-known/openid-configuration"))
			.willReturn(aResponse().withFixedDelay(3_000).withStatus(404)));
		// The discovery timeout would wait for the slow answer; the settings' read timeout does not.
		runner().withPropertyValues("spring.http.clients.ssl.bundle=idp-ca", "spring.http.clients.read-timeout=300ms",
				"oauth-callback.discovery.timeout=30s")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = Causes.first(context.getStartupFailure(),
						ProviderDiscoveryException.class::isInstance);
				assertThat(failure).isNotNull();
				assertThat(failure.getMessage()).contains("HttpTimeoutException", "spring.http.clients.*")
					.doesNotContain("the discovery timeout");
			});
	}

	@Test
	void discoveryGoesThroughTheProxyOfTheApplicationsRequestFactoryBuilder() {
		WireMockServer proxy = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		proxy.start();
		try {
			// a host no resolver knows: only the proxy can answer for it
			String hidden = "http://idp.oauth-callback.invalid/realms/cli";
			serveProvider(proxy, hidden, "/realms/cli");
			runner().withPropertyValues("spring.security.oauth2.client.provider.idp.issuer-uri=" + hidden)
				.withBean(ClientHttpRequestFactoryBuilder.class, () -> ClientHttpRequestFactoryBuilder.jdk()
					.withProxySelector(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxy.port()))))
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThat(authorize(context).getAccessToken().getTokenValue()).isEqualTo("at-over-tls");
				});
			proxy.verify(1, getRequestedFor(urlEqualTo("/realms/cli/.well-known/openid-configuration"))
				.withHeader("Host", equalTo("idp.oauth-callback.invalid")));
			proxy.verify(1, postRequestedFor(urlEqualTo("/realms/cli/token")));
		}
		finally {
			proxy.stop();
		}
	}

}
