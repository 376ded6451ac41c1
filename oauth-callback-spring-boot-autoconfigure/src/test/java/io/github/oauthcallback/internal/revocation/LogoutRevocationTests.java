package io.github.oauthcallback.internal.revocation;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager.LoggedOut;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager.LoggedOut.Revocation;
import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.support.CapturedLogs;
import io.github.oauthcallback.support.StubRegistration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.github.oauthcallback.support.StubRegistration.seed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Logout revocation (RFC 7009) through the auto-configured client manager against WireMock: what is sent (hints,
 * order, each client authentication method), and that every failure removes the login all the same and is reported
 * as a warning saying the token may still be valid, without any token value. The end-to-end counterpart against
 * Spring Authorization Server is {@code RevocationEndToEndTests}.
 */
class LogoutRevocationTests {

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.api.";

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

	private ApplicationContextRunner runner(String... properties) {
		return StubRegistration.runner("https://idp.example/authorize", this.wireMock.baseUrl() + "/token")
			.withPropertyValues("oauth-callback.store.type=memory", "oauth-callback.login.interactive=never",
					"oauth-callback.registrations.api.revocation-uri=" + this.wireMock.baseUrl() + "/revoke")
			.withPropertyValues(properties);
	}

	private static Optional<LoggedOut> logout(AssertableApplicationContext context) {
		return context.getBean(OAuthCallbackAuthorizedClientManager.class).logout("api", "ada");
	}

	private void answer(int status, String body) {
		this.wireMock.stubFor(post(urlEqualTo("/revoke")).willReturn(
				aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
	}

	@Test
	void publicClientRevokesTheRefreshTokenThenTheAccessTokenWithClientIdInTheBody() {
		answer(200, "");
		runner().run((context) -> {
			seed(context, "at-secret-value-1", Instant.now().plusSeconds(3600), "rt-secret-value-1");
			LoggedOut loggedOut = logout(context).orElseThrow();
			assertThat(loggedOut.revocation()).isEqualTo(Revocation.REVOKED);
			assertThat(loggedOut.description()).isEqualTo("Revoked the refresh token and the access token at the provider.");
			assertThat(loggedOut.login().account()).isEqualTo("ada");
		});
		List<String> bodies = this.wireMock.findAll(postRequestedFor(urlEqualTo("/revoke")))
			.stream()
			.map((request) -> request.getBodyAsString())
			.toList();
		assertThat(bodies).containsExactly("token=rt-secret-value-1&token_type_hint=refresh_token&client_id=cli",
				"token=at-secret-value-1&token_type_hint=access_token&client_id=cli");
		this.wireMock.verify(2, postRequestedFor(urlEqualTo("/revoke")).withHeader("Authorization", absent())
			.withHeader("Content-Type", containing("application/x-www-form-urlencoded")));
	}

	@Test
	void aLoginWithoutRefreshTokenRevokesItsAccessToken() {
		answer(200, "");
		runner().run((context) -> {
			seed(context, "at-secret-value-1", Instant.now().plusSeconds(3600), null);
			assertThat(logout(context).orElseThrow().description())
				.isEqualTo("Revoked the access token at the provider.");
		});
		this.wireMock.verify(1, postRequestedFor(urlEqualTo("/revoke")));
	}

	@Test
	void clientSecretBasicSendsUrlEncodedCredentialsInTheHeaderAndNoClientIdInTheBody() {
		answer(200, "");
		String secret = "s3cr:t/+&ü";
		runner(REGISTRATION + "client-id=cli:one", REGISTRATION + "client-secret=" + secret,
				REGISTRATION + "client-authentication-method=client_secret_basic")
			.run((context) -> {
				seed(context, "at-secret-value-1", Instant.now().plusSeconds(3600), "rt-secret-value-1");
				assertThat(logout(context).orElseThrow().revocation()).isEqualTo(Revocation.REVOKED);
			});
		String credentials = URLEncoder.encode("cli:one", StandardCharsets.UTF_8) + ":"
				+ URLEncoder.encode(secret, StandardCharsets.UTF_8);
		this.wireMock.verify(2, postRequestedFor(urlEqualTo("/revoke"))
			.withHeader("Authorization",
					equalTo("Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8))))
			.withRequestBody(equalTo("token=rt-secret-value-1&token_type_hint=refresh_token")
				.or(equalTo("token=at-secret-value-1&token_type_hint=access_token"))));
	}

	@Test
	void clientSecretPostSendsTheCredentialsInTheBodyAndNoHeader() {
		answer(200, "");
		runner(REGISTRATION + "client-secret=s3cret&x", REGISTRATION + "client-authentication-method=client_secret_post")
			.run((context) -> {
				seed(context, "at-secret-value-1", Instant.now().plusSeconds(3600), "rt-secret-value-1");
				assertThat(logout(context).orElseThrow().revocation()).isEqualTo(Revocation.REVOKED);
			});
		this.wireMock.verify(1, postRequestedFor(urlEqualTo("/revoke")).withHeader("Authorization", absent())
			.withRequestBody(equalTo(
					"token=rt-secret-value-1&token_type_hint=refresh_token&client_id=cli&client_secret=s3cret%26x")));
		this.wireMock.verify(2, postRequestedFor(urlEqualTo("/revoke")));
	}

	/** RFC 7009 section 2.2.1: 503 means the token is still valid; the logout does not wait to retry. */
	@Test
	void serviceUnavailableWithRetryAfterRemovesTheLoginWarnsAndIsNotRetried() {
		this.wireMock.stubFor(post(urlEqualTo("/revoke")).willReturn(aResponse().withStatus(503)
			.withHeader("Retry-After", "2")
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"temporarily_unavailable\",\"error_description\":\"at-secret-value-1\"}")));
		try (CapturedLogs logs = new CapturedLogs()) {
			runner().run((context) -> {
				seed(context, "at-secret-value-1", Instant.now().plusSeconds(3600), "rt-secret-value-1");
				LoggedOut loggedOut = logout(context).orElseThrow();
				assertThat(loggedOut.revocation()).isEqualTo(Revocation.FAILED);
				assertThat(loggedOut.description()).isEqualTo("Could not revoke the tokens at the provider (refresh "
						+ "token: HTTP 503, temporarily_unavailable, asked to retry after 2 s; access token: HTTP 503, "
						+ "temporarily_unavailable, asked to retry after 2 s): they may still be valid at the "
						+ "provider until they expire.");
				assertNotStored(context);
			});
			assertThat(logs.text()).contains("WARN io.github.oauthcallback.internal.revocation.LoginRevocation "
					+ "Logged out of 'api' (account 'ada') here, but: Could not revoke the tokens")
				.doesNotContain("secret-value");
		}
		this.wireMock.verify(2, postRequestedFor(urlEqualTo("/revoke")));
	}

	@Test
	void aConnectionFailureRemovesTheLoginAndWarns() {
		this.wireMock.stubFor(post(urlEqualTo("/revoke")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
		try (CapturedLogs logs = new CapturedLogs()) {
			runner().run((context) -> {
				seed(context, "at-secret-value-1", Instant.now().plusSeconds(3600), "rt-secret-value-1");
				LoggedOut loggedOut = logout(context).orElseThrow();
				assertThat(loggedOut.revocation()).isEqualTo(Revocation.FAILED);
				assertThat(loggedOut.description()).contains("the connection failed")
					.endsWith("they may still be valid at the provider until they expire.");
				assertNotStored(context);
			});
			assertThat(logs.text()).contains("WARN").doesNotContain("secret-value");
		}
	}

	@Test
	void anUnreachableEndpointRemovesTheLoginAndWarns() {
		ApplicationContextRunner runner = runner();
		this.wireMock.stop();
		runner.run((context) -> {
			seed(context, "at-secret-value-1", Instant.now().plusSeconds(3600), "rt-secret-value-1");
			LoggedOut loggedOut = logout(context).orElseThrow();
			assertThat(loggedOut.revocation()).isEqualTo(Revocation.FAILED);
			assertThat(loggedOut.description()).contains("could not connect");
			assertNotStored(context);
		});
	}

	/** RFC 7009 section 2.2.1: a server that revokes refresh tokens only refuses the access token. */
	@Test
	void unsupportedTokenTypeForTheAccessTokenSaysItStaysValidUntilItExpires() {
		this.wireMock.stubFor(post(urlEqualTo("/revoke")).withRequestBody(containing("token_type_hint=refresh_token"))
			.willReturn(aResponse().withStatus(200)));
		this.wireMock.stubFor(post(urlEqualTo("/revoke")).withRequestBody(containing("token_type_hint=access_token"))
			.willReturn(aResponse().withStatus(400)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"error\":\"unsupported_token_type\"}")));
		runner().run((context) -> {
			seed(context, "at-secret-value-1", Instant.now().plusSeconds(3600), "rt-secret-value-1");
			LoggedOut loggedOut = logout(context).orElseThrow();
			assertThat(loggedOut.revocation()).isEqualTo(Revocation.FAILED);
			assertThat(loggedOut.description()).isEqualTo("Revoked the refresh token at the provider, but not the "
					+ "access token (HTTP 400, unsupported_token_type): it may still be valid at the provider until it "
					+ "expires.");
			assertNotStored(context);
		});
	}

	@Test
	void invalidClientRemovesTheLoginAndWarns() {
		this.wireMock.stubFor(post(urlEqualTo("/revoke")).inScenario("refresh then access")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(400)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"error\":\"invalid_client\"}"))
			.willSetStateTo("access"));
		this.wireMock.stubFor(post(urlEqualTo("/revoke")).inScenario("refresh then access")
			.whenScenarioStateIs("access")
			.willReturn(aResponse().withStatus(200)));
		runner().run((context) -> {
			seed(context, "at-secret-value-1", Instant.now().plusSeconds(3600), "rt-secret-value-1");
			LoggedOut loggedOut = logout(context).orElseThrow();
			assertThat(loggedOut.revocation()).isEqualTo(Revocation.FAILED);
			assertThat(loggedOut.description()).isEqualTo("Revoked the access token at the provider, but not the "
					+ "refresh token (HTTP 400, invalid_client): it may still be valid at the provider until it "
					+ "expires.");
			assertNotStored(context);
		});
	}

	@Test
	void aProviderWithoutEndpointIsSkippedWithOneInfoLineAndNoRequest() {
		try (CapturedLogs logs = new CapturedLogs()) {
			StubRegistration.runner("https://idp.example/authorize", this.wireMock.baseUrl() + "/token")
				.withPropertyValues("oauth-callback.store.type=memory")
				.run((context) -> {
					seed(context, "at-secret-value-1", Instant.now().plusSeconds(3600), "rt-secret-value-1");
					LoggedOut loggedOut = logout(context).orElseThrow();
					assertThat(loggedOut.revocation()).isEqualTo(Revocation.NO_ENDPOINT);
					assertThat(loggedOut.description()).contains("no revocation endpoint",
							"oauth-callback.registrations.api.revocation-uri", "stay valid at the provider");
					assertNotStored(context);
				});
			assertThat(logs.text().lines().filter((line) -> line.startsWith("INFO")
					&& line.contains("LoginRevocation"))).hasSize(1);
			assertThat(logs.text()).doesNotContain("WARN");
		}
		this.wireMock.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void theEndpointOfTheDiscoveredMetadataIsUsedWhenNoneIsConfigured() {
		answer(200, "");
		ClientRegistration discovered = ClientRegistration.withRegistrationId("api")
			.clientId("cli")
			.clientAuthenticationMethod(org.springframework.security.oauth2.core.ClientAuthenticationMethod.NONE)
			.authorizationGrantType(org.springframework.security.oauth2.core.AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("http://127.0.0.1/callback")
			.authorizationUri("https://idp.example/authorize")
			.tokenUri(this.wireMock.baseUrl() + "/token")
			.providerConfigurationMetadata(java.util.Map.of("revocation_endpoint", this.wireMock.baseUrl() + "/revoke"))
			.build();
		StubRegistration.runner("https://idp.example/authorize", this.wireMock.baseUrl() + "/token")
			.withPropertyValues("oauth-callback.store.type=memory")
			.withBean(ClientRegistrationRepository.class,
					() -> new org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository(
							discovered))
			.run((context) -> {
				seed(context, "at-secret-value-1", Instant.now().plusSeconds(3600), "rt-secret-value-1");
				assertThat(logout(context).orElseThrow().revocation()).isEqualTo(Revocation.REVOKED);
			});
		this.wireMock.verify(2, postRequestedFor(urlEqualTo("/revoke")));
	}

	@Test
	void revocationOffRemovesTheLoginWithoutAnyRequest() {
		runner("oauth-callback.logout.revoke=false").run((context) -> {
			seed(context, "at-secret-value-1", Instant.now().plusSeconds(3600), "rt-secret-value-1");
			LoggedOut loggedOut = logout(context).orElseThrow();
			assertThat(loggedOut.revocation()).isEqualTo(Revocation.OFF);
			assertThat(loggedOut.description()).contains("oauth-callback.logout.revoke is false");
			assertNotStored(context);
		});
		this.wireMock.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void logoutAllRevokesEachLogin() {
		answer(200, "");
		runner().run((context) -> {
			seed(context, "at-ada", Instant.now().plusSeconds(3600), "rt-ada");
			ClientRegistration registration = context.getBean(ClientRegistrationRepository.class)
				.findByRegistrationId("api");
			Instant now = Instant.now();
			context.getBean(TokenStore.class)
				.saveAuthorizedClient(new OAuth2AuthorizedClient(registration, "bob",
						new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at-bob", now, now.plusSeconds(60)),
						new OAuth2RefreshToken("rt-bob", now)), Accounts.principal("bob"));
			List<LoggedOut> removed = context.getBean(OAuthCallbackAuthorizedClientManager.class).logoutAll();
			assertThat(removed).extracting((loggedOut) -> loggedOut.login().account())
				.containsExactlyInAnyOrder("ada", "bob");
			assertThat(removed).extracting(LoggedOut::revocation).containsOnly(Revocation.REVOKED);
			assertThat(context.getBean(TokenStore.class).logins()).isEmpty();
		});
		List<String> tokens = this.wireMock.findAll(postRequestedFor(urlEqualTo("/revoke")))
			.stream()
			.map((request) -> request.getBodyAsString().split("&")[0])
			.toList();
		assertThat(tokens).containsExactlyInAnyOrder("token=rt-ada", "token=at-ada", "token=rt-bob", "token=at-bob");
	}

	private static void assertNotStored(AssertableApplicationContext context) {
		assertThat((Object) context.getBean(TokenStore.class).loadAuthorizedClient("api", "ada")).isNull();
	}

}
