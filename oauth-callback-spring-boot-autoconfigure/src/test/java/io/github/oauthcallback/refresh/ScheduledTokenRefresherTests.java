package io.github.oauthcallback.refresh;

import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.internal.refresh.ScheduledTokenRefresher;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.ReauthorizationRequiredException;
import io.github.oauthcallback.TokenStoreException;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.store.InMemoryTokenStore;
import io.github.oauthcallback.store.TokenStore.LockedLogin;
import io.github.oauthcallback.store.StoredLogin;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.support.StubRegistration;
import io.github.oauthcallback.support.CapturedLogs;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The scheduled (background) refresh: it never opens a browser, it really runs on its scheduler, its concurrency is
 * bounded, and failures are logged once without secrets.
 */
class ScheduledTokenRefresherTests {

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

	private ApplicationContextRunner runnerFor(String tokenUri, String... properties) {
		return StubRegistration.runner(this.wireMock.baseUrl() + "/authorize", tokenUri)
			.withPropertyValues("oauth-callback.store.type=memory", "oauth-callback.token-endpoint.retry.backoff=10ms")
			.withPropertyValues(properties);
	}

	private ApplicationContextRunner runner(String... properties) {
		return runnerFor(this.wireMock.baseUrl() + "/token", properties);
	}

	static void seed(AssertableApplicationContext context, String account, String access, Instant expiresAt,
			String refresh) {
		var registration = context.getBean(ClientRegistrationRepository.class).findByRegistrationId("api");
		Instant issued = expiresAt.minusSeconds(3600);
		context.getBean(TokenStore.class)
			.saveAuthorizedClient(new OAuth2AuthorizedClient(registration, account,
					new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, access, issued, expiresAt, Set.of("read")),
					(refresh != null) ? new OAuth2RefreshToken(refresh, issued) : null), Accounts.principal(account));
	}

	@Test
	void backgroundRefreshNeverOpensABrowserEvenWhenTheRunIsInteractive() {
		this.wireMock.stubFor(post(urlEqualTo("/token")).willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_grant\"}")));
		List<Object> opened = new CopyOnWriteArrayList<>();
		CapturedLogs logs = new CapturedLogs();
		try {
			runner("oauth-callback.login.interactive=always", "oauth-callback.refresh.scheduled.enabled=true",
					"oauth-callback.refresh.scheduled.interval=1h", "oauth-callback.refresh.scheduled.window=5m")
				.withBean(BrowserLauncher.class, () -> opened::add)
				.run((context) -> {
					// The schedule's first sweep runs at start, on the scheduler's thread; on a loaded machine it
					// could start after the seeding below and take the refresh this test makes itself. The sweeps
					// are run by hand here.
					context.getBean(ScheduledTokenRefresher.class).stop();
					OAuthCallbackAuthorizedClientManager manager = context
						.getBean(OAuthCallbackAuthorizedClientManager.class);
					seed(context, "ada", "at-old", Instant.now().plusSeconds(120), "rt-refused-1");
					assertThatExceptionOfType(ReauthorizationRequiredException.class)
						.isThrownBy(() -> manager.refresh("api", "ada", Duration.ofMinutes(5)))
						.withMessageContaining("invalid_grant")
						.withMessageContaining("background refresh")
						.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("rt-refused-1", "at-old"));
					assertThat((Object) context.getBean(TokenStore.class).loadAuthorizedClient("api", "ada"))
						.as("the refused login is removed")
						.isNull();

					seed(context, "bob", "at-bob", Instant.now().plusSeconds(120), "rt-refused-2");
					ScheduledTokenRefresher.Sweep sweep = context.getBean(ScheduledTokenRefresher.class).sweep();
					assertThat(sweep.due()).isEqualTo(1);
					assertThat(sweep.failed()).isEqualTo(1);
					assertThat((Object) context.getBean(TokenStore.class).loadAuthorizedClient("api", "bob")).isNull();
					assertThat(context.getBean(ScheduledTokenRefresher.class).sweep().due())
						.as("nothing left to retry")
						.isZero();
				});
			assertThat(opened).as("no browser was opened").isEmpty();
			this.wireMock.verify(2, postRequestedFor(urlEqualTo("/token")));
			String text = logs.text();
			assertThat(text).contains("Scheduled refresh of 'api' for account 'bob' failed")
				.doesNotContain("rt-refused-1", "rt-refused-2", "at-old", "at-bob");
			assertThat(occurrences(text, "Scheduled refresh of 'api' for account 'bob' failed")).isOne();
		}
		finally {
			logs.close();
		}
	}

	@Test
	void schedulerReallyRefreshesAndCanBeStoppedAndStartedAgain() {
		this.wireMock.stubFor(post(urlEqualTo("/token")).willReturn(okJson(
				"{\"access_token\":\"at-new\",\"token_type\":\"Bearer\",\"expires_in\":7200}")));
		runner("oauth-callback.refresh.scheduled.enabled=true", "oauth-callback.refresh.scheduled.interval=100ms",
				"oauth-callback.refresh.scheduled.window=1h")
			.run((context) -> {
				TokenStore store = context.getBean(TokenStore.class);
				ScheduledTokenRefresher refresher = context.getBean(ScheduledTokenRefresher.class);
				assertThat(refresher.isRunning()).isTrue();
				seed(context, "ada", "at-ada", Instant.now().plusSeconds(600), "rt-ada");
				Awaitility.await()
					.atMost(Duration.ofSeconds(20))
					.until(() -> "at-new".equals(accessToken(store, "ada")));

				refresher.stop();
				assertThat(refresher.isRunning()).isFalse();
				refresher.start();
				assertThat(refresher.isRunning()).isTrue();
				seed(context, "bob", "at-bob", Instant.now().plusSeconds(600), "rt-bob");
				Awaitility.await()
					.atMost(Duration.ofSeconds(20))
					.until(() -> "at-new".equals(accessToken(store, "bob")));
			});
	}

	@Test
	void refreshesRunConcurrentlyButNeverMoreThanTheBound() throws Exception {
		try (CountingTokenEndpoint endpoint = new CountingTokenEndpoint(300)) {
			runnerFor(endpoint.tokenUri()).run((context) -> {
				for (int i = 0; i < 8; i++) {
					seed(context, "user-" + i, "at-" + i, Instant.now().plusSeconds(600), "rt-" + i);
				}
				ScheduledTokenRefresher refresher = new ScheduledTokenRefresher(context.getBean(TokenStore.class),
						context.getBean(OAuthCallbackAuthorizedClientManager.class), null, Duration.ofHours(1),
						Duration.ofHours(1), 3, Clock.systemUTC());
				ScheduledTokenRefresher.Sweep sweep = refresher.sweep();
				assertThat(sweep).isEqualTo(new ScheduledTokenRefresher.Sweep(8, 8, 0));
				assertThat(endpoint.requests()).isEqualTo(8);
				assertThat(endpoint.maxInFlight()).as("refreshes overlap, up to the bound").isBetween(2, 3);
			});
		}
	}

	@Test
	void failingLoginIsLoggedOnceWithoutSecretsWhileItKeepsFailing() {
		this.wireMock.stubFor(post(urlEqualTo("/token")).withRequestBody(containing("refresh_token=rt-bad-secret"))
			.willReturn(aResponse().withStatus(400)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"error\":\"invalid_client\"}")));
		this.wireMock.stubFor(post(urlEqualTo("/token")).withRequestBody(containing("refresh_token=rt-good"))
			.willReturn(okJson("{\"access_token\":\"at-good-new\",\"token_type\":\"Bearer\",\"expires_in\":7200,"
					+ "\"refresh_token\":\"rt-good-new\"}")));
		CapturedLogs logs = new CapturedLogs();
		try {
			runner("oauth-callback.refresh.scheduled.enabled=true", "oauth-callback.refresh.scheduled.interval=50ms",
					"oauth-callback.refresh.scheduled.window=1h")
				.run((context) -> {
					seed(context, "bad", "at-bad-secret", Instant.now().plusSeconds(600), "rt-bad-secret");
					seed(context, "good", "at-good", Instant.now().plusSeconds(600), "rt-good");
					Awaitility.await()
						.atMost(Duration.ofSeconds(20))
						.until(() -> this.wireMock
							.findAll(postRequestedFor(urlEqualTo("/token"))
								.withRequestBody(containing("refresh_token=rt-bad-secret")))
							.size() >= 4);
					context.getBean(ScheduledTokenRefresher.class).stop();
					OAuth2AuthorizedClient kept = context.getBean(TokenStore.class).loadAuthorizedClient("api", "bad");
					assertThat(kept.getRefreshToken().getTokenValue()).as("kept for a later try").isEqualTo("rt-bad-secret");
				});
			String text = logs.text();
			assertThat(occurrences(text, "Scheduled refresh of 'api' for account 'bad' failed")).isOne();
			assertThat(occurrences(text, "Scheduled refresh of 'api' for account 'bad' still fails")).isPositive();
			assertThat(text).contains("invalid_client")
				.doesNotContain("rt-bad-secret", "at-bad-secret", "rt-good", "at-good", "Unexpected error occurred");
		}
		finally {
			logs.close();
		}
	}

	@Test
	void storeFailureIsLoggedOnceWithoutAStackTraceUntilTheStoreWorksAgain() {
		InMemoryTokenStore memory = new InMemoryTokenStore();
		FailingStore store = new FailingStore(memory);
		OAuthCallbackAuthorizedClientManager manager = new OAuthCallbackAuthorizedClientManager(
				new InMemoryClientRegistrationRepository(ClientRegistration.withRegistrationId("api")
					.clientId("cli")
					.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
					.redirectUri("http://127.0.0.1/callback")
					.authorizationUri("https://idp.example/authorize")
					.tokenUri("https://idp.example/token")
					.build()),
				memory, (context) -> null, Duration.ofSeconds(60), "ada", Clock.systemUTC());
		ScheduledTokenRefresher refresher = new ScheduledTokenRefresher(store, manager, null, Duration.ofMillis(20),
				Duration.ofMinutes(5), 2, Clock.systemUTC());
		CapturedLogs logs = new CapturedLogs();
		try {
			refresher.start();
			Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> store.listings.get() >= 5);
			store.failing = false;
			int listed = store.listings.get();
			Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> store.listings.get() >= listed + 2);
			refresher.stop();
			String text = logs.text();
			assertThat(occurrences(text, "Scheduled refresh cannot list the stored logins")).isOne();
			assertThat(occurrences(text, "Scheduled refresh still cannot list the stored logins")).isPositive();
			assertThat(occurrences(text, "Scheduled refresh can list the stored logins again")).isOne();
			assertThat(text).as("no stack trace, no scheduler error")
				.doesNotContain("\n  io.github.oauthcallback.TokenStoreException", "Unexpected error occurred");
		}
		finally {
			refresher.stop();
			logs.close();
		}
	}

	@Test
	void unexpectedRefreshFailureIsLoggedWithASafeDescription() {
		ClientRegistration registration = ClientRegistration.withRegistrationId("api")
			.clientId("cli")
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("http://127.0.0.1/callback")
			.authorizationUri("https://idp.example/authorize")
			.tokenUri("https://idp.example/token")
			.build();
		InMemoryTokenStore store = new InMemoryTokenStore();
		// A provider chain that fails in a way nobody planned for, quoting the refresh token in its message.
		OAuthCallbackAuthorizedClientManager manager = new OAuthCallbackAuthorizedClientManager(
				new InMemoryClientRegistrationRepository(registration), store, (context) -> {
					throw new IllegalStateException("cannot use " + context.getAuthorizedClient().getRefreshToken()
						.getTokenValue());
				}, Duration.ofSeconds(60), "ada", Clock.systemUTC());
		Instant expiresAt = Instant.now().plusSeconds(60);
		store.saveAuthorizedClient(new OAuth2AuthorizedClient(registration, "ada",
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at-1", expiresAt.minusSeconds(3600), expiresAt),
				new OAuth2RefreshToken("rt2Secret0123456789abcdef", expiresAt.minusSeconds(3600))),
				Accounts.principal("ada"));
		ScheduledTokenRefresher refresher = new ScheduledTokenRefresher(store, manager, null, Duration.ofMinutes(1),
				Duration.ofMinutes(5), 1, Clock.systemUTC());
		try (CapturedLogs logs = new CapturedLogs()) {
			assertThat(refresher.sweep()).isEqualTo(new ScheduledTokenRefresher.Sweep(1, 0, 1));
			assertThat(logs.text()).contains("Scheduled refresh of 'api' for account 'ada' failed: "
					+ "IllegalStateException: cannot use [redacted]")
				.doesNotContain("rt2Secret0123456789abcdef");
		}
	}

	private static String accessToken(TokenStore store, String account) {
		OAuth2AuthorizedClient client = store.loadAuthorizedClient("api", account);
		return (client != null) ? client.getAccessToken().getTokenValue() : null;
	}

	static int occurrences(String text, String part) {
		int count = 0;
		for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
			count++;
		}
		return count;
	}

	/** A store whose listing fails while {@code failing} is set. */
	static final class FailingStore implements TokenStore {

		final AtomicInteger listings = new AtomicInteger();

		volatile boolean failing = true;

		private final TokenStore delegate;

		FailingStore(TokenStore delegate) {
			this.delegate = delegate;
		}

		@Override
		public List<StoredLogin> logins() {
			this.listings.incrementAndGet();
			if (this.failing) {
				throw new TokenStoreException("test-store", "The test store cannot be read right now.");
			}
			return this.delegate.logins();
		}

		@Override
		public Optional<StoredLogin> logout(String registrationId, String account) {
			return this.delegate.logout(registrationId, account);
		}

		@Override
		public List<StoredLogin> logoutAll() {
			return this.delegate.logoutAll();
		}

		@Override
		public <T> T exclusively(String registrationId, String account,
				Function<? super LockedLogin, T> action) {
			return this.delegate.exclusively(registrationId, account, action);
		}

		@Override
		public String location() {
			return "test-store";
		}

		@Override
		public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(String clientRegistrationId,
				String principalName) {
			return this.delegate.loadAuthorizedClient(clientRegistrationId, principalName);
		}

		@Override
		public void saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, Authentication principal) {
			this.delegate.saveAuthorizedClient(authorizedClient, principal);
		}

		@Override
		public void removeAuthorizedClient(String clientRegistrationId, String principalName) {
			this.delegate.removeAuthorizedClient(clientRegistrationId, principalName);
		}

	}

	/** A token endpoint that answers each refresh after a delay and records how many were in flight at once. */
	static final class CountingTokenEndpoint implements AutoCloseable {

		private final HttpServer server;

		private final AtomicInteger inFlight = new AtomicInteger();

		private final AtomicInteger maxInFlight = new AtomicInteger();

		private final AtomicInteger requests = new AtomicInteger();

		private final long delayMillis;

		CountingTokenEndpoint(long delayMillis) throws IOException {
			this.delayMillis = delayMillis;
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
			this.server.setExecutor(Executors.newFixedThreadPool(16));
			this.server.createContext("/token", this::token);
			this.server.start();
		}

		String tokenUri() {
			return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/token";
		}

		int requests() {
			return this.requests.get();
		}

		int maxInFlight() {
			return this.maxInFlight.get();
		}

		private void token(HttpExchange exchange) throws IOException {
			exchange.getRequestBody().readAllBytes();
			int now = this.inFlight.incrementAndGet();
			this.maxInFlight.accumulateAndGet(now, Math::max);
			this.requests.incrementAndGet();
			try {
				Thread.sleep(this.delayMillis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				this.inFlight.decrementAndGet();
			}
			byte[] body = "{\"access_token\":\"at-new\",\"token_type\":\"Bearer\",\"expires_in\":7200}"
				.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		}

		@Override
		public void close() {
			this.server.stop(0);
			((ExecutorService) this.server.getExecutor()).shutdownNow();
		}

	}

}
