package io.github.oauthcallback.refresh;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.github.oauthcallback.ReauthorizationRequiredException;
import io.github.oauthcallback.TokenRefreshException;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.client.OAuthCallbackRestClients;
import io.github.oauthcallback.internal.Causes;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.support.StubRegistration;
import io.github.oauthcallback.support.TokenEndpointAnswers;
import io.github.oauthcallback.support.CallbackBrowser;
import io.github.oauthcallback.support.CapturedLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import io.github.oauthcallback.support.TestThreads;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.github.oauthcallback.support.StubRegistration.authorize;
import static io.github.oauthcallback.support.StubRegistration.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The auto-configured client manager against a WireMock token endpoint: single flight, rotation, failures,
 * interactivity, and the RestClient integration's 401 retry.
 */
class ManagerRefreshTests {

	/** A registration {@code service} of a batch job's service account (client credentials). */
	private static final String[] SERVICE_ACCOUNT = { "spring.security.oauth2.client.registration.service.client-id=svc",
			"spring.security.oauth2.client.registration.service.client-secret=svc-secret",
			"spring.security.oauth2.client.registration.service.authorization-grant-type=client_credentials",
			"spring.security.oauth2.client.registration.service.provider=stub" };

	private WireMockServer wireMock;

	@BeforeEach
	void start() {
		this.wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().containerThreads(300));
		this.wireMock.start();
	}

	@AfterEach
	void stop() {
		this.wireMock.stop();
	}

	private ApplicationContextRunner runner(String... properties) {
		return StubRegistration.runner(this.wireMock.baseUrl() + "/authorize", this.wireMock.baseUrl() + "/token")
			.withPropertyValues("oauth-callback.store.type=memory", "oauth-callback.login.interactive=never",
					"oauth-callback.token-endpoint.retry.backoff=10ms", "oauth-callback.login.command=my-cli login {registration}")
			.withPropertyValues(properties);
	}

	private void tokenEndpoint(String body) {
		this.wireMock.stubFor(post(urlEqualTo("/token")).willReturn(okJson(body)));
	}

	private static final Instant PAST = Instant.now().minusSeconds(60);

	@Test
	void validStoredTokenIsUsedWithoutCallingTheTokenEndpoint() {
		runner().run((context) -> {
			seed(context, "at-valid", Instant.now().plusSeconds(3600), "rt");
			assertThat(authorize(context).getAccessToken().getTokenValue()).isEqualTo("at-valid");
			this.wireMock.verify(0, postRequestedFor(urlEqualTo("/token")));
		});
	}

	@Test
	void tokenWithinTheClockSkewIsRefreshed() {
		tokenEndpoint("{\"access_token\":\"at-new\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
		runner("oauth-callback.refresh.clock-skew=120s").run((context) -> {
			seed(context, "at-old", Instant.now().plusSeconds(90), "rt-old");
			OAuth2AuthorizedClient client = authorize(context);
			assertThat(client.getAccessToken().getTokenValue()).isEqualTo("at-new");
			assertThat(client.getRefreshToken().getTokenValue()).as("kept when the response has none")
				.isEqualTo("rt-old");
			this.wireMock.verify(postRequestedFor(urlEqualTo("/token"))
				.withRequestBody(containing("grant_type=refresh_token"))
				.withRequestBody(containing("refresh_token=rt-old")));
		});
	}

	@Test
	void twoHundredFiftySixConcurrentCallersCauseOneRefresh() throws Exception {
		this.wireMock.stubFor(post(urlEqualTo("/token")).willReturn(okJson(
				"{\"access_token\":\"at-new\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"refresh_token\":\"rt-new\"}")
			.withFixedDelay(200)));
		runner().run((context) -> {
			seed(context, "at-old", PAST, "rt-old");
			ExecutorService threads = Executors.newFixedThreadPool(256);
			CountDownLatch go = new CountDownLatch(1);
			try {
				List<Future<OAuth2AuthorizedClient>> results = new ArrayList<>();
				for (int i = 0; i < 256; i++) {
					results.add(threads.submit(() -> {
						go.await();
						return authorize(context);
					}));
				}
				go.countDown();
				for (Future<OAuth2AuthorizedClient> result : results) {
					OAuth2AuthorizedClient client = result.get(60, TimeUnit.SECONDS);
					assertThat(client.getAccessToken().getTokenValue()).isEqualTo("at-new");
					assertThat(client.getRefreshToken().getTokenValue()).isEqualTo("rt-new");
				}
			}
			finally {
				threads.shutdownNow();
			}
			this.wireMock.verify(1, postRequestedFor(urlEqualTo("/token")));
			OAuth2AuthorizedClient stored = context.getBean(TokenStore.class).loadAuthorizedClient("api", "ada");
			assertThat(stored.getRefreshToken().getTokenValue()).isEqualTo("rt-new");
		});
	}

	@Test
	void responseWithoutExpiresInIsNotExpiredAfterOneSecond() {
		tokenEndpoint("{\"access_token\":\"at-new\",\"token_type\":\"Bearer\"}");
		runner().run((context) -> {
			seed(context, "at-old", PAST, "rt-old");
			OAuth2AuthorizedClient client = authorize(context);
			assertThat(client.getAccessToken().getExpiresAt()).isAfter(Instant.now().plus(Duration.ofDays(3000)));
			authorize(context);
			this.wireMock.verify(1, postRequestedFor(urlEqualTo("/token")));
		});
	}

	@Test
	void refusedRefreshTokenRemovesTheLoginAndABatchRunFailsFastWithTheCommandToRun() {
		this.wireMock.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_grant\"}")));
		runner().run((context) -> {
			seed(context, "at-old", PAST, "rt-old");
			assertThatExceptionOfType(ReauthorizationRequiredException.class).isThrownBy(() -> authorize(context))
				.satisfies((ex) -> {
					assertThat(ex.getRegistrationId()).isEqualTo("api");
					assertThat(ex.getAccount()).isEqualTo("ada");
					assertThat(ex.getMessage()).contains("'api'", "'ada'", "invalid_grant", "my-cli login api",
							"may not open a browser");
				});
			assertThat((OAuth2AuthorizedClient) context.getBean(TokenStore.class).loadAuthorizedClient("api", "ada"))
				.isNull();
		});
	}

	@Test
	void refusedRefreshNeverRemovesALoginSavedMeanwhileBySomeoneElse() {
		// The provider refuses the old refresh token; while its answer is on the way, a process that does not take
		// part in the locking stores a newer login.
		this.wireMock.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_grant\"}")
			.withFixedDelay(2000)));
		runner().run((context) -> {
			seed(context, "at-old", PAST, "rt-old");
			CompletableFuture<OAuth2AuthorizedClient> refresh = CompletableFuture.supplyAsync(() -> authorize(context), TestThreads.POOL);
			// The refresh request has reached the provider, whose answer takes 2 s: the newer login is stored now.
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (this.wireMock.findAll(postRequestedFor(urlEqualTo("/token"))).isEmpty()
					&& System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			seed(context, "at-newer", Instant.now().plusSeconds(3600), "rt-newer");
			assertThat(refresh.get(10, TimeUnit.SECONDS).getAccessToken().getTokenValue()).isEqualTo("at-newer");
			OAuth2AuthorizedClient kept = context.getBean(TokenStore.class).loadAuthorizedClient("api", "ada");
			assertThat(kept).as("the newer login survives").isNotNull();
			assertThat(kept.getRefreshToken().getTokenValue()).isEqualTo("rt-newer");
			this.wireMock.verify(1, postRequestedFor(urlEqualTo("/token")));
		});
	}

	@Test
	void interactiveRunLogsInAgainAfterARefusedRefreshToken() {
		this.wireMock.stubFor(post(urlEqualTo("/token")).inScenario("login")
			.whenScenarioStateIs(Scenario.STARTED)
			.withRequestBody(containing("grant_type=refresh_token"))
			.willReturn(aResponse().withStatus(400)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"error\":\"invalid_grant\"}")));
		this.wireMock.stubFor(post(urlEqualTo("/token")).withRequestBody(containing("grant_type=authorization_code"))
			.willReturn(okJson("{\"access_token\":\"at-login\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
		CallbackBrowser browser = new CallbackBrowser("code-1");
		runner("oauth-callback.login.interactive=always").withBean(BrowserLauncher.class, () -> browser).run((context) -> {
			seed(context, "at-old", PAST, "rt-old");
			assertThat(authorize(context).getAccessToken().getTokenValue()).isEqualTo("at-login");
			assertThat(browser.authorizationUri()).isNotNull();
		});
	}

	@Test
	void noStoredLoginInABatchRunFailsFastWithoutABrowser() {
		List<Object> opened = new CopyOnWriteArrayList<>();
		runner().withBean(BrowserLauncher.class, () -> opened::add).run((context) -> {
			assertThatExceptionOfType(ReauthorizationRequiredException.class).isThrownBy(() -> authorize(context))
				.withMessageContaining("no login is stored");
			assertThat(opened).isEmpty();
		});
	}

	@Test
	void transientFailuresAreRetriedThenSucceed() {
		TokenEndpointAnswers.inOrder(this.wireMock, aResponse().withStatus(503), aResponse().withStatus(502),
				okJson("{\"access_token\":\"at-new\",\"token_type\":\"Bearer\",\"expires_in\":3600}"));
		runner().run((context) -> {
			seed(context, "at-old", PAST, "rt-old");
			assertThat(authorize(context).getAccessToken().getTokenValue()).isEqualTo("at-new");
			this.wireMock.verify(3, postRequestedFor(urlEqualTo("/token")));
		});
	}

	@Test
	void persistentServerErrorKeepsTheStoredLogin() {
		this.wireMock.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(503)));
		runner("oauth-callback.token-endpoint.retry.attempts=2").run((context) -> {
			seed(context, "at-old", PAST, "rt-old");
			assertThatExceptionOfType(TokenRefreshException.class).isThrownBy(() -> authorize(context))
				.satisfies((ex) -> {
					assertThat(ex.getErrorCode()).isEqualTo("server_error");
					assertThat(ex.getMessage()).contains("'api'", "kept").doesNotContain("rt-old");
				});
			this.wireMock.verify(2, postRequestedFor(urlEqualTo("/token")));
			OAuth2AuthorizedClient kept = context.getBean(TokenStore.class).loadAuthorizedClient("api", "ada");
			assertThat(kept.getRefreshToken().getTokenValue()).isEqualTo("rt-old");
		});
	}

	@Test
	void refusedConnectionIsRetriedBoundedlyAndTheLoginIsKept() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		CapturedLogs logs = new CapturedLogs();
		try {
			runner("oauth-callback.token-endpoint.retry.attempts=3",
					"spring.security.oauth2.client.provider.stub.token-uri=http://127.0.0.1:" + closedPort + "/token")
				.run((context) -> {
					seed(context, "at-old", PAST, "rt-old");
					assertThatExceptionOfType(TokenRefreshException.class).isThrownBy(() -> authorize(context))
						.satisfies((ex) -> assertThat(ex.getMessage()).contains("could not be reached", "kept")
							.doesNotContain("rt-old", "at-old"));
					OAuth2AuthorizedClient kept = context.getBean(TokenStore.class).loadAuthorizedClient("api", "ada");
					assertThat(kept.getRefreshToken().getTokenValue()).isEqualTo("rt-old");
				});
			String text = logs.text();
			assertThat(text).contains("attempt 2 of 3", "attempt 3 of 3").doesNotContain("attempt 4", "rt-old");
		}
		finally {
			logs.close();
		}
	}

	@Test
	void connectionResetAfterSendingIsSentOnceMoreAndTheLoginIsKept() {
		this.wireMock.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
		runner("oauth-callback.token-endpoint.retry.attempts=3").run((context) -> {
			seed(context, "at-old", PAST, "rt-old");
			assertThatExceptionOfType(TokenRefreshException.class).isThrownBy(() -> authorize(context))
				.satisfies((ex) -> assertThat(ex.getMessage()).contains("kept").doesNotContain("rt-old"));
			this.wireMock.verify(2, postRequestedFor(urlEqualTo("/token")));
			OAuth2AuthorizedClient kept = context.getBean(TokenStore.class).loadAuthorizedClient("api", "ada");
			assertThat(kept.getRefreshToken().getTokenValue()).isEqualTo("rt-old");
		});
	}

	@Test
	void refusalAfterALostAnswerRemovesTheLoginAndSaysWhy() {
		TokenEndpointAnswers.inOrder(this.wireMock, aResponse().withFault(Fault.EMPTY_RESPONSE),
				TokenEndpointAnswers.invalidGrant());
		runner().run((context) -> {
			seed(context, "at-old", PAST, "rt-old");
			assertThatExceptionOfType(ReauthorizationRequiredException.class).isThrownBy(() -> authorize(context))
				.withMessageContaining("answer that was lost");
			assertThat((OAuth2AuthorizedClient) context.getBean(TokenStore.class).loadAuthorizedClient("api", "ada"))
				.isNull();
		});
	}

	@Test
	void invalidRetrySettingsFailAtStartUpNamingTheProperty() {
		runner("oauth-callback.token-endpoint.retry.attempts=20").run((context) -> assertThat(context).hasFailed()
			.getFailure()
			.rootCause()
			.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
					(ex) -> assertThat(ex.getName()).isEqualTo("oauth-callback.token-endpoint.retry.attempts"))
			.hasMessageContaining("with value '20'")
			.hasMessageContaining("between 1 and 10"));
		runner("oauth-callback.token-endpoint.retry.backoff=2m").run((context) -> assertThat(context).hasFailed()
			.getFailure()
			.rootCause()
			.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
					(ex) -> assertThat(ex.getName()).isEqualTo("oauth-callback.token-endpoint.retry.backoff"))
			.hasMessageContaining("between 0 and 1m"));
		runner("oauth-callback.token-endpoint.retry.max-backoff=1ms").run((context) -> assertThat(context).hasFailed()
			.getFailure()
			.rootCause()
			.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
					(ex) -> assertThat(ex.getName()).isEqualTo("oauth-callback.token-endpoint.retry.max-backoff"))
			.hasMessageContaining("at least oauth-callback.token-endpoint.retry.backoff"));
		runner("oauth-callback.refresh.scheduled.concurrency=0").run((context) -> assertThat(context).hasFailed()
			.getFailure()
			.rootCause()
			.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
					(ex) -> assertThat(ex.getName()).isEqualTo("oauth-callback.refresh.scheduled.concurrency"))
			.hasMessageContaining("between 1 and 64"));
	}

	@Test
	void restClientSendsTheTokenAndRetriesOnceAfterA401() {
		tokenEndpoint("{\"access_token\":\"at-new\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
		this.wireMock.stubFor(get(urlEqualTo("/api/me")).withHeader("Authorization", equalTo("Bearer at-revoked"))
			.willReturn(aResponse().withStatus(401)));
		this.wireMock.stubFor(get(urlEqualTo("/api/me")).withHeader("Authorization", equalTo("Bearer at-new"))
			.willReturn(okJson("{\"login\":\"ada\"}")));
		runner().run((context) -> {
			seed(context, "at-revoked", Instant.now().plusSeconds(3600), "rt-old");
			Consumer<RestClient.Builder> oauth = context.getBean(OAuthCallbackRestClients.class).client("api");
			RestClient client = RestClient.builder().baseUrl(this.wireMock.baseUrl()).apply(oauth).build();
			assertThat(client.get().uri("/api/me").retrieve().body(String.class)).contains("ada");
			this.wireMock.verify(2, getRequestedFor(urlEqualTo("/api/me")));
			this.wireMock.verify(1, postRequestedFor(urlEqualTo("/token")));
		});
	}

	@Test
	void secondUnauthorizedIsReturnedToTheCaller() {
		tokenEndpoint("{\"access_token\":\"at-new\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
		this.wireMock.stubFor(get(urlEqualTo("/api/me")).willReturn(aResponse().withStatus(401)));
		runner().run((context) -> {
			seed(context, "at-revoked", Instant.now().plusSeconds(3600), "rt-old");
			RestClient client = RestClient.builder()
				.baseUrl(this.wireMock.baseUrl())
				.apply(context.getBean(OAuthCallbackRestClients.class).client("api"))
				.build();
			assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class)
				.isThrownBy(() -> client.get().uri("/api/me").retrieve().body(String.class));
			this.wireMock.verify(2, getRequestedFor(urlEqualTo("/api/me")));
		});
	}

	@Test
	void declaredClientIsARestClientBeanWithBaseUrlAndToken() {
		this.wireMock.stubFor(get(urlEqualTo("/api/me")).withHeader("Authorization", equalTo("Bearer at-valid"))
			.willReturn(okJson("{\"login\":\"ada\"}")));
		runner("oauth-callback.clients.github.registration=api",
				"oauth-callback.clients.github.base-url=" + this.wireMock.baseUrl() + "/api")
			.run((context) -> {
				seed(context, "at-valid", Instant.now().plusSeconds(3600), null);
				RestClient github = context.getBean("githubRestClient", RestClient.class);
				assertThat(github.get().uri("/me").retrieve().body(String.class)).contains("ada");
			});
	}

	@Test
	void unknownRegistrationIsATypedErrorNamingTheDeclaredOnes() {
		runner().run((context) -> assertThatExceptionOfType(io.github.oauthcallback.UnknownRegistrationException.class)
			.isThrownBy(() -> context.getBean(OAuth2AuthorizedClientManager.class)
				.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("nope").principal("ada").build()))
			.withMessageContaining("'nope'")
			.withMessageContaining("declared: api")
			.withMessageContaining("spring.security.oauth2.client.registration.nope")
			.satisfies((ex) -> assertThat(ex.getDeclared()).containsExactly("api")));
	}

	@Test
	void clientCredentialsRegistrationsGetTheirTokenWithoutALogin() {
		this.wireMock.stubFor(post(urlEqualTo("/token")).withRequestBody(containing("grant_type=client_credentials"))
			.willReturn(okJson("{\"access_token\":\"at-service\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
		this.wireMock.stubFor(get(urlEqualTo("/api/jobs")).withHeader("Authorization", equalTo("Bearer at-service"))
			.willReturn(okJson("[]")));
		runner(SERVICE_ACCOUNT)
			.run((context) -> {
				RestClient client = RestClient.builder()
					.baseUrl(this.wireMock.baseUrl())
					.apply(context.getBean(OAuthCallbackRestClients.class).client("service"))
					.build();
				assertThat(client.get().uri("/api/jobs").retrieve().body(String.class)).isEqualTo("[]");
				assertThat(client.get().uri("/api/jobs").retrieve().body(String.class)).isEqualTo("[]");
				this.wireMock.verify(1, postRequestedFor(urlEqualTo("/token")));
			});
	}

	@Test
	void clientCredentialsRequestsAreRetriedLikeRefreshes() {
		TokenEndpointAnswers.inOrder(this.wireMock, aResponse().withStatus(503).withHeader("Retry-After", "0"),
				aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
				okJson("{\"access_token\":\"at-service\",\"token_type\":\"Bearer\",\"expires_in\":3600}"));
		runner(SERVICE_ACCOUNT)
			.run((context) -> {
				OAuth2AuthorizedClient service = context.getBean(OAuth2AuthorizedClientManager.class)
					.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("service").principal("ada").build());
				assertThat(service.getAccessToken().getTokenValue()).isEqualTo("at-service");
				this.wireMock.verify(3, postRequestedFor(urlEqualTo("/token")));
			});
	}

	@Test
	void declaredClientWithoutRegistrationFailsClearly() {
		runner("oauth-callback.clients.github.base-url=https://api.github.com")
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidConfigurationPropertyValueException ex = Causes.find(context.getStartupFailure(),
						InvalidConfigurationPropertyValueException.class);
				assertThat(ex).isNotNull();
				assertThat(ex.getName()).isEqualTo("oauth-callback.clients.github.registration");
				assertThat(ex).hasMessageContaining("It is required").hasMessageContaining("githubRestClient");
			});
	}

}
