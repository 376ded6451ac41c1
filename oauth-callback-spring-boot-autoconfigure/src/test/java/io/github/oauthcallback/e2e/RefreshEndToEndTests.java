package io.github.oauthcallback.e2e;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.ReauthorizationRequiredException;
import io.github.oauthcallback.autoconfigure.OAuthCallbackClientManagerAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackLoginAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackRestClientAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackScheduledRefreshAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackStoreAutoConfiguration;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.client.OAuthCallbackRestClients;
import io.github.oauthcallback.internal.refresh.ScheduledTokenRefresher;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.support.CapturedLogs;
import io.github.oauthcallback.support.TestAuthorizationServer;
import io.github.oauthcallback.support.UserAgentBrowser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.event.OAuth2AuthorizedClientRefreshedEvent;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Refresh against the in-process Spring Authorization Server, whose "refreshing-cli" client gets two-second access
 * tokens and a new refresh token on every refresh. The resource server is its OIDC UserInfo endpoint.
 */
class RefreshEndToEndTests {

	private static TestAuthorizationServer server;

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

	private ApplicationContextRunner runner(BrowserLauncher browser, String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
					OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class,
					OAuthCallbackClientManagerAutoConfiguration.class, OAuthCallbackRestClientAutoConfiguration.class,
					OAuthCallbackScheduledRefreshAutoConfiguration.class))
			.withBean(BrowserLauncher.class, () -> browser)
			.withPropertyValues("spring.security.oauth2.client.registration.refreshing.client-id=refreshing-cli",
					"spring.security.oauth2.client.registration.refreshing.client-secret="
							+ TestAuthorizationServer.REFRESHING_SECRET,
					"spring.security.oauth2.client.registration.refreshing.scope=openid,profile",
					"spring.security.oauth2.client.registration.refreshing.redirect-uri=http://127.0.0.1/callback",
					"spring.security.oauth2.client.registration.refreshing.provider=test",
					"spring.security.oauth2.client.provider.test.issuer-uri=" + server.issuer(),
					"oauth-callback.store.file.path=" + this.dir.resolve("tokens.json"),
					"oauth-callback.login.account=ada-cli", "oauth-callback.refresh.clock-skew=0s",
					"oauth-callback.login.interactive=always")
			.withPropertyValues(properties);
	}

	private static RestClient userInfo(OAuthCallbackRestClients clients) {
		return userInfo(clients, new ArrayList<>());
	}

	/**
	 * @param statuses receives the status of every request actually sent (the starter's retry included)
	 */
	private static RestClient userInfo(OAuthCallbackRestClients clients, List<Integer> statuses) {
		return RestClient.builder()
			.baseUrl(server.issuer())
			.apply(clients.client("refreshing"))
			.requestInterceptor((request, body, execution) -> {
				ClientHttpResponse response = execution.execute(request, body);
				statuses.add(response.getStatusCode().value());
				return response;
			})
			.build();
	}

	/** The starter's loggers at DEBUG ({@link CapturedLogs}); every logger at TRACE: NoSecretInLogsAtTraceTests. */
	@Test
	void firstCallLogsInThenExpiredTokensAreRefreshedWithoutABrowserAndNoTokenIsLogged() throws Exception {
		UserAgentBrowser user = UserAgentBrowser.approving();
		AtomicInteger browsersOpened = new AtomicInteger();
		List<OAuth2AuthorizedClientRefreshedEvent> refreshed = new CopyOnWriteArrayList<>();
		List<String> secrets = new CopyOnWriteArrayList<>();
		CapturedLogs logs = new CapturedLogs();
		runner((uri) -> {
			browsersOpened.incrementAndGet();
			user.open(uri);
		}).withBean(ApplicationListener.class,
				() -> (ApplicationListener<OAuth2AuthorizedClientRefreshedEvent>) refreshed::add)
			.run((context) -> {
				List<Integer> statuses = new CopyOnWriteArrayList<>();
				RestClient client = userInfo(context.getBean(OAuthCallbackRestClients.class), statuses);
				assertThat(client.get().uri("/userinfo").retrieve().body(String.class)).contains("\"sub\":\"ada\"");
				assertThat(browsersOpened).hasValue(1);
				TokenStore store = context.getBean(TokenStore.class);
				OAuth2AuthorizedClient first = store.loadAuthorizedClient("refreshing", "ada-cli");

				Thread.sleep(2500);
				assertThat(client.get().uri("/userinfo").retrieve().body(String.class)).contains("\"sub\":\"ada\"");
				OAuth2AuthorizedClient second = store.loadAuthorizedClient("refreshing", "ada-cli");
				assertThat(browsersOpened).as("no second login").hasValue(1);
				assertThat(refreshed).hasSize(1);
				assertThat(second.getAccessToken().getTokenValue())
					.isNotEqualTo(first.getAccessToken().getTokenValue());
				assertThat(second.getRefreshToken().getTokenValue()).as("rotated and stored")
					.isNotEqualTo(first.getRefreshToken().getTokenValue());
				assertThat(server.isActive(second.getAccessToken().getTokenValue())).isTrue();

				// A token the resource server refuses although it is stored as valid for an hour: one 401, a
				// refresh, one retry.
				Instant now = Instant.now();
				store.saveAuthorizedClient(new OAuth2AuthorizedClient(second.getClientRegistration(), "ada-cli",
						new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "revoked-token", now,
								now.plusSeconds(3600)),
						second.getRefreshToken()), Accounts.principal("ada-cli"));
				statuses.clear();
				assertThat(client.get().uri("/userinfo").retrieve().body(String.class)).contains("\"sub\":\"ada\"");
				assertThat(statuses).as("the resource server refused the stored token once").containsExactly(401, 200);
				assertThat(refreshed).hasSize(2);
				assertThat(browsersOpened).hasValue(1);
				OAuth2AuthorizedClient third = store.loadAuthorizedClient("refreshing", "ada-cli");
				for (OAuth2AuthorizedClient each : List.of(first, second, third)) {
					secrets.add(each.getAccessToken().getTokenValue());
					secrets.add(each.getRefreshToken().getTokenValue());
				}
				secrets.addAll(user.secretsSeen());
			});
		String text = logs.text();
		logs.close();
		assertThat(text).contains("Logged in to 'refreshing'");
		assertThat(secrets).hasSizeGreaterThanOrEqualTo(8)
			.allSatisfy((secret) -> assertThat(text).doesNotContain(secret));
	}

	@Test
	void scheduledRefreshRenewsTokensBeforeTheyExpire() {
		UserAgentBrowser user = UserAgentBrowser.approving();
		runner(user, "oauth-callback.refresh.scheduled.enabled=true", "oauth-callback.refresh.scheduled.interval=1h",
				"oauth-callback.refresh.scheduled.window=1h")
			.run((context) -> {
				RestClient client = userInfo(context.getBean(OAuthCallbackRestClients.class));
				client.get().uri("/userinfo").retrieve().toBodilessEntity();
				TokenStore store = context.getBean(TokenStore.class);
				OAuth2AuthorizedClient before = store.loadAuthorizedClient("refreshing", "ada-cli");
				ScheduledTokenRefresher refresher = context.getBean(ScheduledTokenRefresher.class);
				assertThat(refresher.isRunning()).isTrue();
				ScheduledTokenRefresher.Sweep sweep = refresher.sweep();
				assertThat(sweep.due()).isEqualTo(1);
				assertThat(sweep.refreshed()).isEqualTo(1);
				assertThat(sweep.failed()).isZero();
				OAuth2AuthorizedClient after = store.loadAuthorizedClient("refreshing", "ada-cli");
				assertThat(after.getAccessToken().getTokenValue()).isNotEqualTo(before.getAccessToken().getTokenValue());
				assertThat(server.isActive(after.getAccessToken().getTokenValue())).isTrue();
			});
	}

	@Test
	void batchRunWithoutAStoredLoginFailsFastWithTheDocumentedMessage() {
		AtomicInteger browsersOpened = new AtomicInteger();
		runner((uri) -> browsersOpened.incrementAndGet(), "oauth-callback.login.interactive=never",
				"oauth-callback.login.command=java -jar my-batch.jar login {registration}")
			.run((context) -> {
				RestClient client = userInfo(context.getBean(OAuthCallbackRestClients.class));
				long start = System.nanoTime();
				assertThatExceptionOfType(ReauthorizationRequiredException.class)
					.isThrownBy(() -> client.get().uri("/userinfo").retrieve().body(String.class))
					.withMessage("Registration 'refreshing' needs a new login for account 'ada-cli': no login is "
							+ "stored. This run may not open a browser (interactive logins are off or "
							+ "no terminal is attached). Log in once interactively, for example: java -jar my-batch.jar login refreshing, then run this "
							+ "again.");
				assertThat(System.nanoTime() - start).as("fails fast, never waits for a browser")
					.isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(30));
				assertThat(browsersOpened).hasValue(0);
			});
	}

}
