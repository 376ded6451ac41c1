package io.github.oauthcallback.refresh;

import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager.LoggedOut;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.oauthcallback.ReauthorizationRequiredException;
import io.github.oauthcallback.TokenRefreshException;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.support.StubRegistration;
import io.github.oauthcallback.support.GatedTokenEndpoint;
import io.github.oauthcallback.support.RevocationEndpoint;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import io.github.oauthcallback.support.TestThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.event.OAuth2AuthorizedClientRefreshedEvent;

import static io.github.oauthcallback.support.StubRegistration.authorize;
import static io.github.oauthcallback.support.StubRegistration.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The manager's per-login lock: logout waits for a refresh under way, refresh events reach listeners after the save,
 * the lock map does not grow, and a refused refresh token only removes the login that holds it.
 */
class ManagerLockingTests {

	private GatedTokenEndpoint endpoint;

	@BeforeEach
	void start() throws IOException {
		this.endpoint = new GatedTokenEndpoint();
	}

	@AfterEach
	void stop() {
		this.endpoint.close();
	}

	private ApplicationContextRunner runner(String... properties) {
		return StubRegistration.runner("https://idp.example/authorize", this.endpoint.tokenUri())
			.withPropertyValues("oauth-callback.store.type=memory", "oauth-callback.login.interactive=never",
					"oauth-callback.token-endpoint.retry.backoff=10ms")
			.withPropertyValues(properties);
	}

	@Test
	void logoutDuringARefreshUnderWayIsNotUndoneByTheRefreshSave() {
		this.endpoint.respond(200, "{\"access_token\":\"at-new\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
				+ "\"refresh_token\":\"rt-new\"}");
		runner().run((context) -> {
			OAuthCallbackAuthorizedClientManager manager = context.getBean(OAuthCallbackAuthorizedClientManager.class);
			seed(context, "at-old", Instant.now().minusSeconds(60), "rt-old");
			CompletableFuture<OAuth2AuthorizedClient> refresh = CompletableFuture.supplyAsync(() -> authorize(context), TestThreads.POOL);
			assertThat(this.endpoint.arrived.await(10, TimeUnit.SECONDS)).as("the refresh reached the endpoint").isTrue();
			CompletableFuture<Optional<LoggedOut>> logout = CompletableFuture
				.supplyAsync(() -> manager.logout("api", "ada"), TestThreads.POOL);
			// Without the lock the logout would finish now, and the refresh would then store the login again.
			Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> logout.isDone() || manager.lockUsers("api", "ada") == 2);
			this.endpoint.release.countDown();
			assertThat(refresh.get(10, TimeUnit.SECONDS).getAccessToken().getTokenValue()).isEqualTo("at-new");
			assertThat(logout.get(10, TimeUnit.SECONDS)).isPresent();
			assertThat((Object) context.getBean(TokenStore.class).loadAuthorizedClient("api", "ada")).isNull();
			assertThat(manager.lockCount()).as("no lock is kept once nobody uses it").isZero();
		});
	}

	@Test
	void logoutDuringARefreshUnderWayRevokesTheTokensTheRefreshStored() throws IOException {
		this.endpoint.respond(200, "{\"access_token\":\"at-new\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
				+ "\"refresh_token\":\"rt-new\"}");
		try (RevocationEndpoint revocation = new RevocationEndpoint()) {
			runner("oauth-callback.registrations.api.revocation-uri=" + revocation.uri()).run((context) -> {
				OAuthCallbackAuthorizedClientManager manager = context
					.getBean(OAuthCallbackAuthorizedClientManager.class);
				seed(context, "at-old", Instant.now().minusSeconds(60), "rt-old");
				CompletableFuture<OAuth2AuthorizedClient> refresh = CompletableFuture
					.supplyAsync(() -> authorize(context), TestThreads.POOL);
				assertThat(this.endpoint.arrived.await(10, TimeUnit.SECONDS)).isTrue();
				CompletableFuture<Optional<LoggedOut>> logout = CompletableFuture
					.supplyAsync(() -> manager.logout("api", "ada"), TestThreads.POOL);
				Awaitility.await()
					.atMost(Duration.ofSeconds(10))
					.until(() -> logout.isDone() || manager.lockUsers("api", "ada") == 2);
				this.endpoint.release.countDown();
				assertThat(refresh.get(10, TimeUnit.SECONDS).getAccessToken().getTokenValue()).isEqualTo("at-new");
				assertThat(logout.get(10, TimeUnit.SECONDS)).hasValueSatisfying(
						(loggedOut) -> assertThat(loggedOut.revocation()).isEqualTo(LoggedOut.Revocation.REVOKED));
				// The tokens are read under the lock that the removal takes, after the refresh stored its own: the
				// ones revoked are the ones that were valid, not those the logout saw before it got its turn.
				assertThat(revocation.values("token")).containsExactly("rt-new", "at-new");
				assertThat(revocation.values("token_type_hint")).containsExactly("refresh_token", "access_token");
				assertThat((Object) context.getBean(TokenStore.class).loadAuthorizedClient("api", "ada")).isNull();
			});
		}
	}

	@Test
	void revocationRunsAfterTheLoginIsRemovedAndTheLocksAreReleased() throws IOException {
		try (RevocationEndpoint revocation = new RevocationEndpoint()) {
			runner("oauth-callback.registrations.api.revocation-uri=" + revocation.uri()).run((context) -> {
				OAuthCallbackAuthorizedClientManager manager = context
					.getBean(OAuthCallbackAuthorizedClientManager.class);
				TokenStore store = context.getBean(TokenStore.class);
				List<String> seen = new CopyOnWriteArrayList<>();
				revocation.onRequest(() -> seen.add("lock users " + manager.lockUsers("api", "ada") + ", stored "
						+ (store.loadAuthorizedClient("api", "ada") != null)));
				seed(context, "at-1", Instant.now().plusSeconds(3600), "rt-1");
				assertThat(manager.logout("api", "ada")).isPresent();
				assertThat(seen).containsExactly("lock users 0, stored false", "lock users 0, stored false");
			});
		}
	}

	@Test
	void logoutAllRemovesEveryLoginThroughTheLock() {
		runner().run((context) -> {
			OAuthCallbackAuthorizedClientManager manager = context.getBean(OAuthCallbackAuthorizedClientManager.class);
			seed(context, "at-1", Instant.now().plusSeconds(3600), "rt-1");
			assertThat(manager.logoutAll()).extracting((loggedOut) -> loggedOut.login().account()).containsExactly("ada");
			assertThat(context.getBean(TokenStore.class).logins()).isEmpty();
			assertThat(manager.logout("api", "ada")).isEmpty();
		});
	}

	@Test
	void logoutAllMovesAnUnreadableTokenFileAsideAsTheStoreDoes(@TempDir Path dir) throws IOException {
		Path file = dir.resolve("tokens.json");
		Files.writeString(file, "this is not JSON");
		runner("oauth-callback.store.type=file", "oauth-callback.store.file.path=" + file).run((context) -> {
			assertThat(context.getBean(OAuthCallbackAuthorizedClientManager.class).logoutAll()).isEmpty();
			assertThat(file).doesNotExist();
			try (Stream<Path> files = Files.list(dir)) {
				assertThat(files.map((path) -> path.getFileName().toString()))
					.anyMatch((name) -> name.startsWith("tokens.json.unusable-"));
			}
		});
	}

	@Test
	void refreshedEventReachesListenersAfterTheSave() {
		this.endpoint.release.countDown();
		this.endpoint.respond(200, "{\"access_token\":\"at-new\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
				+ "\"refresh_token\":\"rt-new\"}");
		List<String> storedWhenNotified = new CopyOnWriteArrayList<>();
		List<String> inEvent = new CopyOnWriteArrayList<>();
		runner().withBean("refreshListener", ApplicationListener.class,
				() -> (ApplicationListener<OAuth2AuthorizedClientRefreshedEvent>) (event) -> inEvent
					.add(event.getAuthorizedClient().getAccessToken().getTokenValue()))
			.run((context) -> {
				context.getSourceApplicationContext()
					.addApplicationListener((ApplicationListener<OAuth2AuthorizedClientRefreshedEvent>) (event) -> {
						OAuth2AuthorizedClient stored = context.getBean(TokenStore.class)
							.loadAuthorizedClient("api", "ada");
						storedWhenNotified.add(stored.getAccessToken().getTokenValue());
					});
				seed(context, "at-old", Instant.now().minusSeconds(60), "rt-old");
				assertThat(authorize(context).getAccessToken().getTokenValue()).isEqualTo("at-new");
			});
		assertThat(inEvent).containsExactly("at-new");
		assertThat(storedWhenNotified).as("the store already holds the refreshed login").containsExactly("at-new");
	}

	@Test
	void failedRefreshPublishesNoEvent() {
		this.endpoint.release.countDown();
		this.endpoint.respond(400, "{\"error\":\"invalid_client\"}");
		List<Object> events = new CopyOnWriteArrayList<>();
		runner().withBean("refreshListener", ApplicationListener.class,
				() -> (ApplicationListener<OAuth2AuthorizedClientRefreshedEvent>) events::add)
			.run((context) -> {
				seed(context, "at-old", Instant.now().minusSeconds(60), "rt-old");
				assertThatExceptionOfType(TokenRefreshException.class).isThrownBy(() -> authorize(context));
			});
		assertThat(events).isEmpty();
	}

	@Test
	void refusedRefreshTokenKeepsAStoredLoginWithTheSameAccessTokenButANewerRefreshToken() {
		// Someone outside the locking stores the same access token with a rotated refresh token while the old
		// refresh token is being refused: the stored login is not the one refused, so it stays.
		this.endpoint.respond(400, "{\"error\":\"invalid_grant\"}");
		this.endpoint.respond(200, "{\"access_token\":\"at-after\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
		runner().run((context) -> {
			seed(context, "at-old", Instant.now().minusSeconds(60), "rt-old");
			CompletableFuture<OAuth2AuthorizedClient> refresh = CompletableFuture.supplyAsync(() -> authorize(context), TestThreads.POOL);
			assertThat(this.endpoint.arrived.await(10, TimeUnit.SECONDS)).isTrue();
			seed(context, "at-old", Instant.now().minusSeconds(60), "rt-rotated");
			this.endpoint.release.countDown();
			// The manager then refreshes the kept login with its rotated refresh token.
			assertThat(refresh.get(10, TimeUnit.SECONDS).getAccessToken().getTokenValue()).isEqualTo("at-after");
			assertThat(this.endpoint.refreshTokens).containsExactly("rt-old", "rt-rotated");
		});
	}

	@Test
	void refusedRefreshTokenRemovesTheLoginThatHoldsIt() {
		this.endpoint.release.countDown();
		this.endpoint.respond(400, "{\"error\":\"invalid_grant\"}");
		runner().run((context) -> {
			seed(context, "at-old", Instant.now().minusSeconds(60), "rt-old");
			assertThatExceptionOfType(ReauthorizationRequiredException.class).isThrownBy(() -> authorize(context));
			assertThat((Object) context.getBean(TokenStore.class).loadAuthorizedClient("api", "ada")).isNull();
		});
	}

	@Test
	void clientCredentialsFailureIsNotCalledARefresh() {
		this.endpoint.release.countDown();
		this.endpoint.respond(401, "{\"error\":\"invalid_client\"}");
		runner("spring.security.oauth2.client.registration.service.client-id=svc",
				"spring.security.oauth2.client.registration.service.client-secret=svc-secret",
				"spring.security.oauth2.client.registration.service.authorization-grant-type=client_credentials",
				"spring.security.oauth2.client.registration.service.provider=stub")
			.run((context) -> assertThatExceptionOfType(TokenRefreshException.class)
				.isThrownBy(() -> context.getBean(OAuthCallbackAuthorizedClientManager.class)
					.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("service").principal("ada").build()))
				.satisfies((ex) -> assertThat(ex.getMessage())
					.startsWith("Getting a client-credentials token for registration 'service' failed")
					.contains("invalid_client", "client-secret")
					.doesNotContain("Refreshing", "svc-secret")));
	}

}
