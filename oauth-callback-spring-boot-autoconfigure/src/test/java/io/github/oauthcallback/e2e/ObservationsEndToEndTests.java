package io.github.oauthcallback.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.oauthcallback.AuthorizationErrorException;
import io.github.oauthcallback.ReauthorizationRequiredException;
import io.github.oauthcallback.TokenRefreshException;
import io.github.oauthcallback.TokenStoreException;
import io.github.oauthcallback.authorize.AuthorizationOptions;
import io.github.oauthcallback.authorize.DeviceAuthorizer;
import io.github.oauthcallback.autoconfigure.OAuthCallbackClientManagerAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackLoginAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackStoreAutoConfiguration;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.internal.observation.ErrorCodes;
import io.github.oauthcallback.internal.observation.ObservedError;
import io.github.oauthcallback.internal.observation.Outcome;
import io.github.oauthcallback.internal.tokenendpoint.LazyTokenResponseClient;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.support.DeviceApprover;
import io.github.oauthcallback.support.StubRegistration;
import io.github.oauthcallback.support.TestAuthorizationServer;
import io.github.oauthcallback.support.UserAgentBrowser;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The observations of logins, refreshes, token requests, revocations and store operations, recorded by a
 * {@link TestObservationRegistry} given to the auto-configurations as the application's registry, against the
 * in-process Spring Authorization Server (and, for a provider that cannot be reached, a closed port). After every test
 * each observation recorded is checked to carry only the documented keys with values from the documented sets, and no
 * token, code, secret, account or file path in a tag, its contextual name or its error's message.
 */
class ObservationsEndToEndTests {

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.";

	private static final String ACCOUNT = "ada-cli";

	private static TestAuthorizationServer server;

	/** Every value that must never reach an observation: tokens and codes seen in a test, secrets, accounts. */
	private final List<String> secrets = new CopyOnWriteArrayList<>(List.of(ACCOUNT, TestAuthorizationServer.USER,
			TestAuthorizationServer.PASSWORD, TestAuthorizationServer.CONFIDENTIAL_SECRET,
			TestAuthorizationServer.REFRESHING_SECRET, TestAuthorizationServer.SERVICE_SECRET,
			TestAuthorizationServer.DEVICE_SECRET));

	private final TestObservationRegistry registry = TestObservationRegistry.create();

	@TempDir
	Path dir;

	@BeforeAll
	static void startServer() {
		server = TestAuthorizationServer.start();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	private ApplicationContextRunner runner(BrowserLauncher browser) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
					OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class,
					OAuthCallbackClientManagerAutoConfiguration.class))
			.withBean(BrowserLauncher.class, () -> browser)
			.withBean(ObservationRegistry.class, () -> this.registry)
			.withPropertyValues("spring.security.oauth2.client.provider.test.issuer-uri=" + server.issuer(),
					"oauth-callback.store.file.path=" + this.dir.resolve("tokens.json"),
					"oauth-callback.discovery.cache.enabled=false", "oauth-callback.login.account=" + ACCOUNT,
					"oauth-callback.login.interactive=never", "oauth-callback.token-endpoint.retry.attempts=1")
			.withPropertyValues(registration("basic", "confidential-cli", TestAuthorizationServer.CONFIDENTIAL_SECRET,
					"client_secret_basic", "authorization_code"))
			.withPropertyValues(registration("refreshing", "refreshing-cli", TestAuthorizationServer.REFRESHING_SECRET,
					"client_secret_basic", "authorization_code"))
			.withPropertyValues(registration("service", "service-cli", TestAuthorizationServer.SERVICE_SECRET,
					"client_secret_post", "client_credentials"))
			.withPropertyValues(registration("device", TestAuthorizationServer.DEVICE_CLIENT, null, "none",
					"urn:ietf:params:oauth:grant-type:device_code"));
	}

	private static String[] registration(String id, String clientId, String secret, String method, String grant) {
		String prefix = REGISTRATION + id + ".";
		List<String> properties = new ArrayList<>(List.of(prefix + "client-id=" + clientId,
				prefix + "client-secret=" + ((secret != null) ? secret : ""),
				prefix + "client-authentication-method=" + method, prefix + "authorization-grant-type=" + grant,
				prefix + "scope=read", prefix + "provider=test"));
		if (grant.equals("authorization_code")) {
			properties.add(prefix + "redirect-uri=http://127.0.0.1/callback");
		}
		return properties.toArray(String[]::new);
	}

	@AfterEach
	void noObservationCarriesASecretOrAnAccountOrAnUndocumentedValue() {
		List<Observation.Context> contexts = contexts();
		assertThat(contexts).as("observations recorded").isNotEmpty();
		for (Observation.Context context : contexts) {
			if (HTTP_CLIENT.equals(context.getName())) {
				httpClientObservationCarriesNoSecret(context);
				continue;
			}
			assertThat(context.getHighCardinalityKeyValues()).as(context.getName()).isEmpty();
			Map<String, String> tags = tags(context);
			assertThat(DOCUMENTED.keySet()).as(context.getName()).containsAll(tags.keySet());
			tags.forEach((key, value) -> assertThat(DOCUMENTED.get(key)).as(context.getName() + " " + key)
				.contains(value));
			assertThat(CONTEXTUAL_NAMES).as(context.getName()).contains(context.getContextualName());
			String shown = context.getName() + " " + context.getContextualName() + " " + tags + " "
					+ ((context.getError() != null) ? context.getError().getMessage() : "");
			assertThat(shown).doesNotContain(this.dir.toString());
			for (String secret : this.secrets) {
				assertThat(shown).doesNotContain(secret);
			}
		}
	}

	/**
	 * Spring Framework's observation of the same HTTP calls (the registry reaches provider calls, ADR 0013): only its
	 * documented keys, and no token, code, secret, account or path in any of its values, its URL included.
	 */
	private void httpClientObservationCarriesNoSecret(Observation.Context context) {
		Map<String, String> values = tags(context);
		for (KeyValue keyValue : context.getHighCardinalityKeyValues()) {
			values.put(keyValue.getKey(), keyValue.getValue());
		}
		assertThat(HTTP_CLIENT_KEYS).as(context.getName()).containsAll(values.keySet());
		String shown = context.getContextualName() + " " + values + " "
				+ ((context.getError() != null) ? context.getError().getMessage() : "");
		assertThat(shown).doesNotContain(this.dir.toString());
		for (String secret : this.secrets) {
			assertThat(shown).doesNotContain(secret);
		}
	}

	private static final String HTTP_CLIENT = "http.client.requests";

	/** docs/observability.md: the tags of {@code http.client.requests}, and its high-cardinality {@code http.url}. */
	private static final Set<String> HTTP_CLIENT_KEYS = Set.of("method", "uri", "status", "outcome", "client.name",
			"exception", "http.url");

	/** docs/observability.md: the keys and their values (registration ids are the ones configured here). */
	private static final Map<String, Set<String>> DOCUMENTED = Map.of("oauth.callback.registration",
			Set.of("basic", "refreshing", "service", "device", "api", "none"), "oauth.callback.grant",
			Set.of("authorization_code", "refresh_token", "client_credentials", "device_code"),
			"oauth.callback.login.way", Set.of("browser", "print", "device"), "oauth.callback.outcome",
			Set.of("success", "error_response", "unreachable", "timeout", "io_failure", "cancelled", "failure"),
			"oauth.callback.error",
			Set.of("none", "other", "invalid_grant", "access_denied", "authorization_pending", "slow_down",
					"invalid_client"),
			"oauth.callback.token.type", Set.of("refresh_token", "access_token"), "oauth.callback.store.type",
			Set.of("file", "jdbc", "memory", "application", "custom"), "oauth.callback.store.operation",
			Set.of("load", "save", "remove", "list", "remove_all"));

	private static final Set<String> CONTEXTUAL_NAMES = Set.of("oauth-callback login", "oauth-callback refresh",
			"oauth-callback token authorization_code", "oauth-callback token refresh_token",
			"oauth-callback token client_credentials", "oauth-callback token device_code",
			"oauth-callback revoke refresh_token", "oauth-callback revoke access_token", "oauth-callback store load",
			"oauth-callback store save", "oauth-callback store remove", "oauth-callback store list",
			"oauth-callback store remove_all");

	@Test
	void aBrowserLoginIsObservedWithItsCodeExchangeAndSaveAndALogoutWithItsRevocations() {
		UserAgentBrowser user = UserAgentBrowser.approving();
		runner(user).run((context) -> {
			OAuthCallbackAuthorizedClientManager manager = context.getBean(OAuthCallbackAuthorizedClientManager.class);
			OAuth2AuthorizedClient client = manager.login("basic", AuthorizationOptions.defaults());
			keepSecret(client);
			this.secrets.addAll(user.secretsSeen());
			awaitStopped("oauth.callback.login", 1);

			assertThat(only("oauth.callback.login")).containsExactlyInAnyOrderEntriesOf(Map.of(
					"oauth.callback.registration", "basic", "oauth.callback.grant", "authorization_code",
					"oauth.callback.login.way", "browser", "oauth.callback.outcome", "success",
					"oauth.callback.error", "none"));
			assertThat(only("oauth.callback.token.request")).containsExactlyInAnyOrderEntriesOf(
					Map.of("oauth.callback.registration", "basic", "oauth.callback.grant", "authorization_code",
							"oauth.callback.outcome", "success", "oauth.callback.error", "none"));
			assertThat(named("oauth.callback.store")).extracting(ObservationsEndToEndTests::tags)
				.contains(Map.of("oauth.callback.registration", "basic", "oauth.callback.store.type", "file",
						"oauth.callback.store.operation", "save", "oauth.callback.outcome", "success"));
			TestObservationRegistryAssert.assertThat(this.registry)
				.hasObservationWithNameEqualTo("oauth.callback.login")
				.that()
				.hasContextualNameEqualTo("oauth-callback login")
				.hasBeenStarted()
				.hasBeenStopped()
				.doesNotHaveError();
			this.registry.clear();

			assertThat(manager.logout("basic", ACCOUNT)).isPresent();

			assertThat(named("oauth.callback.revocation")).extracting(ObservationsEndToEndTests::tags)
				.containsExactly(
						Map.of("oauth.callback.registration", "basic", "oauth.callback.token.type", "refresh_token",
								"oauth.callback.outcome", "success", "oauth.callback.error", "none"),
						Map.of("oauth.callback.registration", "basic", "oauth.callback.token.type", "access_token",
								"oauth.callback.outcome", "success", "oauth.callback.error", "none"));
			assertThat(named("oauth.callback.store")).extracting(ObservationsEndToEndTests::tags)
				.contains(Map.of("oauth.callback.registration", "basic", "oauth.callback.store.type", "file",
						"oauth.callback.store.operation", "remove", "oauth.callback.outcome", "success"));
		});
	}

	@Test
	void anExpiredLoginIsRefreshedAndARefusedRefreshTokenIsAnObservedFailure() {
		UserAgentBrowser user = UserAgentBrowser.approving();
		runner(user).run((context) -> {
			OAuthCallbackAuthorizedClientManager manager = context.getBean(OAuthCallbackAuthorizedClientManager.class);
			TokenStore store = context.getBean(TokenStore.class);
			OAuth2AuthorizedClient login = manager.login("refreshing", AuthorizationOptions.defaults());
			keepSecret(login);
			this.secrets.addAll(user.secretsSeen());
			awaitStopped("oauth.callback.login", 1);
			this.registry.clear();

			store.saveAuthorizedClient(expired(login, login.getRefreshToken()), Accounts.principal(ACCOUNT));
			OAuth2AuthorizedClient refreshed = manager.authorize(request("refreshing"));
			keepSecret(refreshed);
			assertThat(refreshed.getAccessToken().getTokenValue()).isNotEqualTo(login.getAccessToken().getTokenValue());
			assertThat(only("oauth.callback.refresh")).containsExactlyInAnyOrderEntriesOf(Map.of(
					"oauth.callback.registration", "refreshing", "oauth.callback.outcome", "success",
					"oauth.callback.error", "none"));
			assertThat(only("oauth.callback.token.request")).containsExactlyInAnyOrderEntriesOf(
					Map.of("oauth.callback.registration", "refreshing", "oauth.callback.grant", "refresh_token",
							"oauth.callback.outcome", "success", "oauth.callback.error", "none"));
			this.registry.clear();

			// The provider refuses a refresh token it does not know: invalid_grant.
			store.saveAuthorizedClient(expired(refreshed, new OAuth2RefreshToken("unknown-refresh-token-value", null)),
					Accounts.principal(ACCOUNT));
			this.secrets.add("unknown-refresh-token-value");
			assertThatExceptionOfType(ReauthorizationRequiredException.class)
				.isThrownBy(() -> manager.authorize(request("refreshing")));
			Map<String, String> refused = Map.of("oauth.callback.registration", "refreshing",
					"oauth.callback.outcome", "error_response", "oauth.callback.error", "invalid_grant");
			assertThat(only("oauth.callback.refresh")).containsExactlyInAnyOrderEntriesOf(refused);
			Map<String, String> refusedRequest = new LinkedHashMap<>(refused);
			refusedRequest.put("oauth.callback.grant", "refresh_token");
			assertThat(only("oauth.callback.token.request")).containsExactlyInAnyOrderEntriesOf(refusedRequest);
			TestObservationRegistryAssert.assertThat(this.registry)
				.hasObservationWithNameEqualTo("oauth.callback.refresh")
				.that()
				.hasBeenStopped()
				.assertThatError()
				.isInstanceOf(ObservedError.class)
				.hasMessageEndingWith(" (error_response, invalid_grant)");
		});
	}

	@Test
	void clientCredentialsRequestsAreTokenRequestObservations() {
		runner(UserAgentBrowser.approving()).run((context) -> {
			OAuth2AuthorizedClient client = context.getBean(OAuthCallbackAuthorizedClientManager.class)
				.authorize(request("service"));
			keepSecret(client);
			assertThat(only("oauth.callback.token.request")).containsExactlyInAnyOrderEntriesOf(
					Map.of("oauth.callback.registration", "service", "oauth.callback.grant", "client_credentials",
							"oauth.callback.outcome", "success", "oauth.callback.error", "none"));
			assertThat(named("oauth.callback.refresh")).isEmpty();
			assertThat(named("oauth.callback.login")).isEmpty();
		});
	}

	@Test
	void aDeniedDeviceLoginIsAFailedLoginObservationAndItsPollsAreTokenRequests() {
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		runner((uri) -> {
			Thread thread = new Thread(() -> {
				try {
					DeviceApprover.deny(uri);
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			});
			thread.setDaemon(true);
			thread.start();
		}).run((context) -> {
			assertThatExceptionOfType(AuthorizationErrorException.class)
				.isThrownBy(() -> context.getBean(DeviceAuthorizer.class).authorize("device"));
			assertThat(failures).isEmpty();
			awaitStopped("oauth.callback.login", 1);
			assertThat(only("oauth.callback.login")).containsExactlyInAnyOrderEntriesOf(Map.of(
					"oauth.callback.registration", "device", "oauth.callback.grant", "device_code",
					"oauth.callback.login.way", "device", "oauth.callback.outcome", "error_response",
					"oauth.callback.error", "access_denied"));
			TestObservationRegistryAssert.assertThat(this.registry)
				.hasObservationWithNameEqualTo("oauth.callback.login")
				.that()
				.assertThatError()
				.isInstanceOf(ObservedError.class)
				.hasMessage("AuthorizationErrorException (error_response, access_denied)");
			// The last poll is the provider's access_denied; any before it were authorization_pending.
			List<Map<String, String>> polls = named("oauth.callback.token.request").stream()
				.map(ObservationsEndToEndTests::tags)
				.toList();
			assertThat(polls).isNotEmpty().last().isEqualTo(Map.of("oauth.callback.registration", "device",
					"oauth.callback.grant", "device_code", "oauth.callback.outcome", "error_response",
					"oauth.callback.error", "access_denied"));
			assertThat(polls).allSatisfy((poll) -> assertThat(poll).containsEntry("oauth.callback.grant", "device_code"));
		});
	}

	@Test
	void aTokenEndpointThatCannotBeReachedIsAnUnreachableOutcome() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		StubRegistration
			.runner("https://idp.example/authorize", "http://127.0.0.1:" + closedPort + "/token")
			.withBean(ObservationRegistry.class, () -> this.registry)
			.withPropertyValues("oauth-callback.store.type=memory", "oauth-callback.login.interactive=never",
					"oauth-callback.token-endpoint.retry.attempts=1")
			.run((context) -> {
				StubRegistration.seed(context, "at-secret-value-1", Instant.now().minusSeconds(60), "rt-secret-value-1");
				this.secrets.addAll(List.of("at-secret-value-1", "rt-secret-value-1", "ada"));
				assertThatExceptionOfType(TokenRefreshException.class)
					.isThrownBy(() -> StubRegistration.authorize(context));
				Map<String, String> unreachable = Map.of("oauth.callback.registration", "api",
						"oauth.callback.outcome", Outcome.UNREACHABLE.value(), "oauth.callback.error", ErrorCodes.NONE);
				assertThat(only("oauth.callback.refresh")).containsExactlyInAnyOrderEntriesOf(unreachable);
				Map<String, String> request = new LinkedHashMap<>(unreachable);
				request.put("oauth.callback.grant", "refresh_token");
				assertThat(only("oauth.callback.token.request")).containsExactlyInAnyOrderEntriesOf(request);
				assertThat(named("oauth.callback.store")).extracting(ObservationsEndToEndTests::tags)
					.contains(Map.of("oauth.callback.registration", "api", "oauth.callback.store.type", "memory",
							"oauth.callback.store.operation", "load", "oauth.callback.outcome", "success"));
			});
	}

	@Test
	void aTokenFileThatCannotBeReadIsAFailedStoreObservation() throws IOException {
		Path file = this.dir.resolve("tokens.json");
		Files.writeString(file, "{\"version\":1,\"entries\":[{\"registrationId\":\"basic\", SECRET-TOKEN");
		this.secrets.add("SECRET-TOKEN");
		runner(UserAgentBrowser.approving()).run((context) -> {
			assertThatExceptionOfType(TokenStoreException.class)
				.isThrownBy(() -> context.getBean(OAuthCallbackAuthorizedClientManager.class)
					.authorize(request("basic")));
			assertThat(only("oauth.callback.store")).containsExactlyInAnyOrderEntriesOf(
					Map.of("oauth.callback.registration", "basic", "oauth.callback.store.type", "file",
							"oauth.callback.store.operation", "load", "oauth.callback.outcome", "failure"));
			TestObservationRegistryAssert.assertThat(this.registry)
				.hasObservationWithNameEqualTo("oauth.callback.store")
				.that()
				.hasBeenStopped()
				.assertThatError()
				.isInstanceOf(ObservedError.class)
				.hasMessage("UnusableFileException (failure, none)");
			assertThat(named("oauth.callback.token.request")).isEmpty();
		});
	}

	@Test
	void theTokenClientsStayLazyWhenObserved() {
		runner(UserAgentBrowser.approving()).run((context) -> {
			assertThat(context.getBean("oauthCallbackRefreshTokenResponseClient",
					OAuth2AccessTokenResponseClient.class))
				.isInstanceOfSatisfying(LazyTokenResponseClient.class, (lazy) -> assertThat(lazy.created()).isFalse());
			// Something must be recorded for the check after each test: a store read.
			context.getBean(OAuthCallbackAuthorizedClientManager.class).logout("basic", ACCOUNT);
			assertThat(named("oauth.callback.store")).isNotEmpty();
		});
	}

	private void keepSecret(OAuth2AuthorizedClient client) {
		this.secrets.add(client.getAccessToken().getTokenValue());
		if (client.getRefreshToken() != null) {
			this.secrets.add(client.getRefreshToken().getTokenValue());
		}
	}

	private static OAuth2AuthorizeRequest request(String registrationId) {
		return OAuth2AuthorizeRequest.withClientRegistrationId(registrationId).principal(ACCOUNT).build();
	}

	private static OAuth2AuthorizedClient expired(OAuth2AuthorizedClient client, OAuth2RefreshToken refreshToken) {
		Instant now = Instant.now();
		OAuth2AccessToken token = client.getAccessToken();
		return new OAuth2AuthorizedClient(client.getClientRegistration(), client.getPrincipalName(),
				new OAuth2AccessToken(token.getTokenType(), token.getTokenValue(), now.minusSeconds(3600),
						now.minusSeconds(600), token.getScopes()),
				refreshToken);
	}

	private void awaitStopped(String name, int count) {
		// A login's future completes before the observation attached to it is stopped.
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> TestObservationRegistryAssert.assertThat(this.registry)
				.hasNumberOfObservationsWithNameEqualTo(name, count)
				.hasObservationWithNameEqualTo(name)
				.that()
				.hasBeenStopped());
	}

	private List<Observation.Context> contexts() {
		List<Observation.Context> all = new ArrayList<>();
		TestObservationRegistryAssert.assertThat(this.registry).hasHandledContextsThatSatisfy(all::addAll);
		return all;
	}

	private List<Observation.Context> named(String name) {
		return contexts().stream().filter((context) -> name.equals(context.getName())).toList();
	}

	private Map<String, String> only(String name) {
		List<Observation.Context> named = named(name);
		assertThat(named).as(name).hasSize(1);
		return tags(named.get(0));
	}

	private static Map<String, String> tags(Observation.Context context) {
		Map<String, String> tags = new LinkedHashMap<>();
		for (KeyValue keyValue : context.getLowCardinalityKeyValues()) {
			tags.put(keyValue.getKey(), keyValue.getValue());
		}
		return tags;
	}

}
