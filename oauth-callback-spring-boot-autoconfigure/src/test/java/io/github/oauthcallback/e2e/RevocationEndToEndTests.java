package io.github.oauthcallback.e2e;

import java.nio.file.Path;
import java.util.List;

import io.github.oauthcallback.authorize.AuthorizationOptions;
import io.github.oauthcallback.autoconfigure.OAuthCallbackClientManagerAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackLoginAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackStoreAutoConfiguration;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager.LoggedOut;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager.LoggedOut.Revocation;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.support.TestAuthorizationServer;
import io.github.oauthcallback.support.UserAgentBrowser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Logout and re-login revoke at a real Spring Authorization Server, whose revocation endpoint the starter finds in
 * its discovered metadata ({@code revocation_endpoint}): afterwards its introspection endpoint says the revoked
 * tokens are no longer active. Confidential clients authenticate with {@code client_secret_basic} and
 * {@code client_secret_post}; the public client sends its {@code client_id} (the test server accepts that for
 * revocation, see {@link TestAuthorizationServer}).
 */
class RevocationEndToEndTests {

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

	private ApplicationContextRunner runner(String... properties) {
		UserAgentBrowser user = UserAgentBrowser.approving();
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
					OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class,
					OAuthCallbackClientManagerAutoConfiguration.class))
			.withBean(BrowserLauncher.class, () -> user::open)
			.withPropertyValues("spring.security.oauth2.client.provider.test.issuer-uri=" + server.issuer(),
					"oauth-callback.store.file.path=" + this.dir.resolve("tokens.json"),
					"oauth-callback.discovery.cache.enabled=false", "oauth-callback.login.account=ada-cli",
					"oauth-callback.login.interactive=always")
			.withPropertyValues(registration("basic", "confidential-cli", TestAuthorizationServer.CONFIDENTIAL_SECRET,
					"client_secret_basic"))
			.withPropertyValues(registration("post", "confidential-cli", TestAuthorizationServer.CONFIDENTIAL_SECRET,
					"client_secret_post"))
			.withPropertyValues(registration("public", "public-cli", null, "none"))
			.withPropertyValues(properties);
	}

	private static String[] registration(String id, String clientId, String secret, String method) {
		String prefix = "spring.security.oauth2.client.registration." + id + ".";
		return new String[] { prefix + "client-id=" + clientId,
				prefix + "client-secret=" + ((secret != null) ? secret : ""),
				prefix + "client-authentication-method=" + method, prefix + "scope=read",
				prefix + "redirect-uri=http://127.0.0.1/callback", prefix + "provider=test" };
	}

	private static OAuth2AuthorizedClient login(OAuthCallbackAuthorizedClientManager manager, String registrationId) {
		return manager.login(registrationId, AuthorizationOptions.defaults());
	}

	@Test
	void logoutRevokesTheRefreshTokenThenTheAccessTokenWithEachClientAuthentication() throws Exception {
		runner().run((context) -> {
			OAuthCallbackAuthorizedClientManager manager = context.getBean(OAuthCallbackAuthorizedClientManager.class);
			for (String registrationId : List.of("basic", "post")) {
				OAuth2AuthorizedClient client = login(manager, registrationId);
				assertThat(client.getRefreshToken()).as(registrationId).isNotNull();
				assertThat(server.isActive(client.getRefreshToken().getTokenValue())).isTrue();
				int before = TestAuthorizationServer.revocationHints().size();

				LoggedOut loggedOut = manager.logout(registrationId, "ada-cli").orElseThrow();

				assertThat(loggedOut.revocation()).as(loggedOut.description()).isEqualTo(Revocation.REVOKED);
				List<String> hints = TestAuthorizationServer.revocationHints();
				assertThat(hints.subList(before, hints.size())).containsExactly("refresh_token", "access_token");
				assertThat(server.isActive(client.getRefreshToken().getTokenValue())).as(registrationId).isFalse();
				assertThat(server.isActive(client.getAccessToken().getTokenValue())).as(registrationId).isFalse();
				assertThat((Object) context.getBean(TokenStore.class).loadAuthorizedClient(registrationId, "ada-cli"))
					.isNull();
			}
		});
	}

	@Test
	void aPublicClientRevokesWithItsClientId() throws Exception {
		runner().run((context) -> {
			OAuthCallbackAuthorizedClientManager manager = context.getBean(OAuthCallbackAuthorizedClientManager.class);
			OAuth2AuthorizedClient client = login(manager, "public");
			assertThat(server.isActive(client.getAccessToken().getTokenValue())).isTrue();
			LoggedOut loggedOut = manager.logout("public", "ada-cli").orElseThrow();
			assertThat(loggedOut.revocation()).as(loggedOut.description()).isEqualTo(Revocation.REVOKED);
			assertThat(server.isActive(client.getAccessToken().getTokenValue())).isFalse();
		});
	}

	@Test
	void logoutAllRevokesEachLogin() throws Exception {
		runner().run((context) -> {
			OAuthCallbackAuthorizedClientManager manager = context.getBean(OAuthCallbackAuthorizedClientManager.class);
			OAuth2AuthorizedClient basic = login(manager, "basic");
			OAuth2AuthorizedClient open = login(manager, "public");
			List<LoggedOut> removed = manager.logoutAll();
			assertThat(removed).extracting((loggedOut) -> loggedOut.login().registrationId())
				.containsExactlyInAnyOrder("basic", "public");
			assertThat(removed).extracting(LoggedOut::revocation).containsOnly(Revocation.REVOKED);
			assertThat(server.isActive(basic.getRefreshToken().getTokenValue())).isFalse();
			assertThat(server.isActive(basic.getAccessToken().getTokenValue())).isFalse();
			assertThat(server.isActive(open.getAccessToken().getTokenValue())).isFalse();
		});
	}

	@Test
	void revocationOffLeavesTheTokensActive() throws Exception {
		runner("oauth-callback.logout.revoke=false").run((context) -> {
			OAuthCallbackAuthorizedClientManager manager = context.getBean(OAuthCallbackAuthorizedClientManager.class);
			OAuth2AuthorizedClient client = login(manager, "basic");
			assertThat(manager.logout("basic", "ada-cli").orElseThrow().revocation()).isEqualTo(Revocation.OFF);
			assertThat(server.isActive(client.getRefreshToken().getTokenValue())).isTrue();
			assertThat(server.isActive(client.getAccessToken().getTokenValue())).isTrue();
		});
	}

	@Test
	void aNewLoginRevokesTheRefreshTokenOfTheLoginItReplaced() throws Exception {
		runner().run((context) -> {
			OAuthCallbackAuthorizedClientManager manager = context.getBean(OAuthCallbackAuthorizedClientManager.class);
			OAuth2AuthorizedClient first = login(manager, "basic");
			OAuth2AuthorizedClient second = login(manager, "basic");
			assertThat(server.isActive(first.getRefreshToken().getTokenValue())).as("replaced").isFalse();
			assertThat(server.isActive(second.getRefreshToken().getTokenValue())).as("new").isTrue();
			assertThat(server.isActive(second.getAccessToken().getTokenValue())).as("new").isTrue();
		});
	}

	@Test
	void aNewLoginKeepsTheReplacedRefreshTokenWhenTurnedOff() throws Exception {
		runner("oauth-callback.login.revoke-replaced=false").run((context) -> {
			OAuthCallbackAuthorizedClientManager manager = context.getBean(OAuthCallbackAuthorizedClientManager.class);
			OAuth2AuthorizedClient first = login(manager, "basic");
			OAuth2AuthorizedClient second = login(manager, "basic");
			assertThat(server.isActive(first.getRefreshToken().getTokenValue())).as("replaced").isTrue();
			assertThat(server.isActive(second.getRefreshToken().getTokenValue())).as("new").isTrue();
		});
	}

}
