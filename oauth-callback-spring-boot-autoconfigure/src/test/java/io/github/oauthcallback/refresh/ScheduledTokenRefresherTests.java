package io.github.oauthcallback.refresh;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.oauthcallback.Accounts;
import io.github.oauthcallback.ReauthorizationRequiredException;
import io.github.oauthcallback.autoconfigure.OAuthCallbackAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackClientAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackStoreAutoConfiguration;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.support.CapturedLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
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
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
					OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackAutoConfiguration.class,
					OAuthCallbackClientAutoConfiguration.class))
			.withPropertyValues("spring.security.oauth2.client.registration.api.client-id=cli",
					"spring.security.oauth2.client.registration.api.authorization-grant-type=authorization_code",
					"spring.security.oauth2.client.registration.api.client-authentication-method=none",
					"spring.security.oauth2.client.registration.api.redirect-uri=http://127.0.0.1/callback",
					"spring.security.oauth2.client.registration.api.provider=stub",
					"spring.security.oauth2.client.provider.stub.authorization-uri=" + this.wireMock.baseUrl()
							+ "/authorize",
					"spring.security.oauth2.client.provider.stub.token-uri=" + tokenUri,
					"oauth-callback.store.type=memory", "oauth-callback.account=ada",
					"oauth-callback.refresh.backoff=10ms")
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
			runner("oauth-callback.interactive=always", "oauth-callback.refresh.scheduled.enabled=true",
					"oauth-callback.refresh.scheduled.interval=1h", "oauth-callback.refresh.scheduled.window=5m")
				.withBean(BrowserLauncher.class, () -> opened::add)
				.run((context) -> {
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

	static int occurrences(String text, String part) {
		int count = 0;
		for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
			count++;
		}
		return count;
	}

}
