package io.github.oauthcallback.refresh;

import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.zaxxer.hikari.HikariDataSource;
import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.store.FileTokenStore;
import io.github.oauthcallback.store.JdbcTokenStore;
import io.github.oauthcallback.store.TestDatabases;
import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.internal.store.TokenTableSchema;
import io.github.oauthcallback.support.TestThreads;
import io.github.oauthcallback.support.TokenEndpointAnswers;
import io.github.oauthcallback.internal.tokenendpoint.TokenRequestRetriesForTests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.transaction.support.TransactionTemplate;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A refresh that backs off (the provider answers 503 with {@code Retry-After}) does not hold the login's store lock
 * while it waits: another node (JDBC store on H2) or another process (file store) takes the lock meanwhile, and a
 * login it stores is then used, without a second token request with the old refresh token. The wait is a gate the
 * test opens, not time.
 */
class BackOffOutsideTheStoreLockTests {

	private static final String REFRESHED = "{\"access_token\":\"at-mine\",\"token_type\":\"Bearer\","
			+ "\"expires_in\":3600,\"refresh_token\":\"rt-mine\"}";

	@TempDir
	Path dir;

	private WireMockServer wireMock;

	private final GatedSleeper sleeper = new GatedSleeper();

	private InMemoryClientRegistrationRepository registrations;

	@BeforeEach
	void start() {
		this.wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		this.wireMock.start();
		TokenEndpointAnswers.inOrder(this.wireMock, aResponse().withStatus(503).withHeader("Retry-After", "7"),
				okJson(REFRESHED));
		this.registrations = new InMemoryClientRegistrationRepository(
				RefreshWorker.registration(this.wireMock.baseUrl() + "/token"));
	}

	@AfterEach
	void stop() {
		this.sleeper.release.countDown();
		this.wireMock.stop();
	}

	@Test
	void anotherNodeOnTheJdbcStoreTakesTheLockDuringTheBackOffAndItsRefreshIsUsed() throws Exception {
		try (HikariDataSource dataSource = TestDatabases.h2("backoff")) {
			String table = "backoff_" + Long.toHexString(System.nanoTime());
			TokenTableSchema.initialize(dataSource, table, DatabaseInitializationMode.ALWAYS);
			TokenStore store = jdbcStore(dataSource, table);
			TokenStore otherNode = jdbcStore(dataSource, table);
			seed(store, "at-old", "rt-old");
			CompletableFuture<OAuth2AuthorizedClient> refresh = refreshInBackground(store);
			awaitBackOff();
			CompletableFuture<Void> other = CompletableFuture.runAsync(() -> otherNode.exclusively("api", "ada", (locked) -> {
				otherNode.saveAuthorizedClient(StoreLockWorker.fresh(registration(), "at-other", "rt-other"),
						Accounts.principal("ada"));
				return null;
			}), TestThreads.POOL);
			assertThat(other).as("the other node got the login's row lock while the refresh waited")
				.succeedsWithin(Duration.ofSeconds(20));
			this.sleeper.release.countDown();
			assertOtherLoginUsedWithoutASecondRequest(refresh, store);
			TestDatabases.drop(dataSource, table);
		}
	}

	@Test
	void anotherProcessOnTheFileStoreTakesTheLockDuringTheBackOffAndItsRefreshIsUsed() throws Exception {
		Path file = this.dir.resolve("tokens.json");
		TokenStore store = new FileTokenStore(file, this.registrations, TokenCipher.none());
		seed(store, "at-old", "rt-old");
		CompletableFuture<OAuth2AuthorizedClient> refresh = refreshInBackground(store);
		awaitBackOff();
		Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
				StoreLockWorker.class.getName(), file.toString(), this.wireMock.baseUrl() + "/token")
			.redirectErrorStream(true)
			.start();
		try {
			assertThat(other.waitFor(60, TimeUnit.SECONDS))
				.as("the other process got the login's file lock while the refresh waited")
				.isTrue();
			String output = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(other.exitValue()).as(output).isZero();
			assertThat(output).contains("SAVED");
		}
		finally {
			other.destroyForcibly();
		}
		this.sleeper.release.countDown();
		assertOtherLoginUsedWithoutASecondRequest(refresh, store);
	}

	@Test
	void loginStoredDuringTheBackOffThatStillNeedsARefreshIsRefreshedWithItsOwnRefreshToken() throws Exception {
		TokenStore store = new FileTokenStore(this.dir.resolve("tokens.json"), this.registrations, TokenCipher.none());
		seed(store, "at-old", "rt-old");
		CompletableFuture<OAuth2AuthorizedClient> refresh = refreshInBackground(store);
		awaitBackOff();
		CompletableFuture<Void> other = CompletableFuture
			.runAsync(() -> store.exclusively("api", "ada", (locked) -> seed(store, "at-rotated", "rt-rotated")),
					TestThreads.POOL);
		assertThat(other).succeedsWithin(Duration.ofSeconds(20));
		this.sleeper.release.countDown();
		assertThat(refresh.get(30, TimeUnit.SECONDS).getAccessToken().getTokenValue()).isEqualTo("at-mine");
		this.wireMock.verify(2, postRequestedFor(urlEqualTo("/token")));
		this.wireMock.verify(1, postRequestedFor(urlEqualTo("/token")).withRequestBody(containing("refresh_token=rt-old")));
		this.wireMock.verify(1,
				postRequestedFor(urlEqualTo("/token")).withRequestBody(containing("refresh_token=rt-rotated")));
	}

	private CompletableFuture<OAuth2AuthorizedClient> refreshInBackground(TokenStore store) {
		OAuthCallbackAuthorizedClientManager manager = RefreshWorker.manager(this.registrations, store,
				TokenRequestRetriesForTests.sleepingWith(3, Duration.ofMillis(10), Duration.ofSeconds(30), this.sleeper));
		return CompletableFuture.supplyAsync(() -> manager.authorize(
				OAuth2AuthorizeRequest.withClientRegistrationId("api").principal(Accounts.principal("ada")).build()),
				TestThreads.POOL);
	}

	private void awaitBackOff() throws InterruptedException {
		assertThat(this.sleeper.waiting.await(30, TimeUnit.SECONDS)).as("the refresh backs off after the 503")
			.isTrue();
		assertThat(this.sleeper.waits).as("the provider's Retry-After").containsExactly(7000L);
		this.wireMock.verify(1, postRequestedFor(urlEqualTo("/token")).withRequestBody(containing("refresh_token=rt-old")));
	}

	private void assertOtherLoginUsedWithoutASecondRequest(CompletableFuture<OAuth2AuthorizedClient> refresh,
			TokenStore store) throws Exception {
		OAuth2AuthorizedClient result = refresh.get(30, TimeUnit.SECONDS);
		assertThat(result.getAccessToken().getTokenValue()).isEqualTo("at-other");
		assertThat(result.getRefreshToken().getTokenValue()).isEqualTo("rt-other");
		this.wireMock.verify(1, postRequestedFor(urlEqualTo("/token")));
		OAuth2AuthorizedClient stored = store.loadAuthorizedClient("api", "ada");
		assertThat(stored.getRefreshToken().getTokenValue()).isEqualTo("rt-other");
		assertThat(this.sleeper.waits).as("no further back-off").hasSize(1);
	}

	private ClientRegistration registration() {
		return this.registrations.findByRegistrationId("api");
	}

	private TokenStore jdbcStore(HikariDataSource dataSource, String table) {
		return new JdbcTokenStore(new JdbcTemplate(dataSource),
				new TransactionTemplate(new DataSourceTransactionManager(dataSource)), this.registrations,
				TokenCipher.none(), table, () -> "test");
	}

	/** Stores an expired login of {@code ada}, as a run finds it when its access token is due for a refresh. */
	private Void seed(TokenStore store, String access, String refresh) {
		Instant past = Instant.now().minusSeconds(10);
		store.saveAuthorizedClient(new OAuth2AuthorizedClient(registration(), "ada",
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, access, past.minusSeconds(3600), past,
						Set.of()),
				new OAuth2RefreshToken(refresh, past.minusSeconds(3600))), Accounts.principal("ada"));
		return null;
	}

	/** A back-off that records its waits and lasts until the test releases it. */
	private static final class GatedSleeper implements TokenRequestRetriesForTests.Sleeper {

		final List<Long> waits = new CopyOnWriteArrayList<>();

		final CountDownLatch waiting = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@Override
		public void sleep(long millis) throws InterruptedException {
			this.waits.add(millis);
			this.waiting.countDown();
			this.release.await();
		}

	}

}
