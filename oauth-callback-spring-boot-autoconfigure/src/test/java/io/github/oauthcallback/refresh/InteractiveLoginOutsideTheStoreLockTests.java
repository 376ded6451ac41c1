package io.github.oauthcallback.refresh;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.authorize.AuthorizationOptions;
import io.github.oauthcallback.authorize.DeviceAuthorizer;
import io.github.oauthcallback.authorize.LoopbackAuthorizer;
import io.github.oauthcallback.autoconfigure.OAuthCallbackClientManagerAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackLoginAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackStoreAutoConfiguration;
import io.github.oauthcallback.store.TestDatabases;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.support.TestThreads;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A browser login started by the client manager saves its result from the listener's thread. With the JDBC store the
 * manager must not hold the login's row lock meanwhile, or that save waits for a lock its own caller holds (on
 * PostgreSQL, forever). The login saves here from another thread, as the real listener does.
 */
class InteractiveLoginOutsideTheStoreLockTests {

	private static final AtomicInteger logins = new AtomicInteger();

	@Test
	void onH2() {
		expiredLoginWithoutRefreshTokenIsReplacedByABrowserLogin(() -> TestDatabases.h2("deferred"));
	}

	@Test
	void onPostgres() {
		expiredLoginWithoutRefreshTokenIsReplacedByABrowserLogin(TestDatabases::postgres);
	}

	/** A device login polls for minutes and saves from its poller's thread: the same rule (ADR 0002). */
	@Test
	void deviceLoginOnH2() {
		expiredLoginIsReplaced(() -> TestDatabases.h2("deferred-device"), "urn:ietf:params:oauth:grant-type:device_code");
	}

	@Test
	void deviceLoginOnPostgres() {
		expiredLoginIsReplaced(TestDatabases::postgres, "urn:ietf:params:oauth:grant-type:device_code");
	}

	private void expiredLoginWithoutRefreshTokenIsReplacedByABrowserLogin(Supplier<HikariDataSource> database) {
		expiredLoginIsReplaced(database, "authorization_code");
	}

	private void expiredLoginIsReplaced(Supplier<HikariDataSource> database, String grantType) {
		HikariDataSource dataSource = database.get();
		String table = "deferred_" + Long.toHexString(System.nanoTime());
		try {
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
						OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class,
						OAuthCallbackClientManagerAutoConfiguration.class))
				// Not the pool itself: the context would close it before the table is dropped.
				.withBean(DataSource.class, () -> new DelegatingDataSource(dataSource))
				.withUserConfiguration(ThreadedLogin.class)
				.withPropertyValues("spring.security.oauth2.client.registration.api.client-id=cli",
						"spring.security.oauth2.client.registration.api.authorization-grant-type=" + grantType,
						"spring.security.oauth2.client.registration.api.client-authentication-method=none",
						"spring.security.oauth2.client.registration.api.redirect-uri=http://127.0.0.1/callback",
						"spring.security.oauth2.client.registration.api.provider=stub",
						"spring.security.oauth2.client.provider.stub.authorization-uri=http://127.0.0.1:9/authorize",
						"spring.security.oauth2.client.provider.stub.token-uri=http://127.0.0.1:9/token",
						"oauth-callback.store.type=jdbc", "oauth-callback.store.jdbc.initialize-schema=always",
						"oauth-callback.store.jdbc.table-name=" + table, "oauth-callback.store.lock-timeout=20s",
						"oauth-callback.login.interactive=always", "oauth-callback.login.account=ada",
						"oauth-callback.registrations.api.device-authorization-uri=http://127.0.0.1:9/device")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					var registration = context.getBean(ClientRegistrationRepository.class).findByRegistrationId("api");
					Instant past = Instant.now().minusSeconds(60);
					context.getBean(TokenStore.class)
						.saveAuthorizedClient(new OAuth2AuthorizedClient(registration, "ada",
								new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at-expired",
										past.minusSeconds(3600), past, Set.of("read"))),
								Accounts.principal("ada"));
					int before = logins.get();
					OAuth2AuthorizedClient client = assertTimeoutPreemptively(Duration.ofSeconds(15),
							() -> context.getBean(OAuth2AuthorizedClientManager.class)
								.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("api").principal("ada").build()),
							"the browser login's save waited for a lock held by its own caller");
					assertThat(client.getAccessToken().getTokenValue()).isEqualTo("at-from-browser");
					assertThat(logins.get()).isEqualTo(before + 1);
					OAuth2AuthorizedClient stored = context.getBean(TokenStore.class).loadAuthorizedClient("api", "ada");
					assertThat(stored.getAccessToken().getTokenValue()).isEqualTo("at-from-browser");
				});
		}
		finally {
			// Closing the pool first ends a transaction left waiting by a failed run, so the drop cannot hang.
			dataSource.close();
			try (HikariDataSource cleanup = database.get()) {
				TestDatabases.drop(cleanup, table);
			}
		}
	}

	/** A login that, like the real listener, saves its result from another thread. */
	@Configuration(proxyBeanMethods = false)
	static class ThreadedLogin {

		@Bean
		DeviceAuthorizer threadedDeviceLogin(ObjectProvider<TokenStore> store,
				ClientRegistrationRepository registrations) {
			LoopbackAuthorizer login = threadedLogin(store, registrations);
			return new DeviceAuthorizer() {

				@Override
				public OAuth2AuthorizedClient authorize(String registrationId, AuthorizationOptions options) {
					return login.authorize(registrationId, options);
				}

				@Override
				public CompletableFuture<OAuth2AuthorizedClient> authorizeAsync(String registrationId,
						AuthorizationOptions options) {
					return login.authorizeAsync(registrationId, options);
				}

				@Override
				public boolean supports(String registrationId) {
					return true;
				}

			};
		}

		@Bean
		LoopbackAuthorizer threadedLogin(ObjectProvider<TokenStore> store, ClientRegistrationRepository registrations) {
			return new LoopbackAuthorizer() {

				@Override
				public OAuth2AuthorizedClient authorize(String registrationId, AuthorizationOptions options) {
					return authorizeAsync(registrationId, options).join();
				}

				@Override
				public CompletableFuture<OAuth2AuthorizedClient> authorizeAsync(String registrationId,
						AuthorizationOptions options) {
					return CompletableFuture.supplyAsync(() -> {
						Instant now = Instant.now();
						OAuth2AuthorizedClient client = new OAuth2AuthorizedClient(
								registrations.findByRegistrationId(registrationId), options.account(),
								new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at-from-browser", now,
										now.plusSeconds(3600), Set.of("read")));
						store.getObject().saveAuthorizedClient(client, Accounts.principal(options.account()));
						logins.incrementAndGet();
						return client;
					}, TestThreads.POOL);
				}

			};
		}

	}

}
