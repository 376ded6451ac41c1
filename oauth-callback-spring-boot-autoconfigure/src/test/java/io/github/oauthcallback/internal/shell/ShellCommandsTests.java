package io.github.oauthcallback.internal.shell;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.HashSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.autoconfigure.OAuthCallbackClientManagerAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackLoginAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackShellAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackStoreAutoConfiguration;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.support.CallbackBrowser;
import io.github.oauthcallback.support.GatedTokenEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import io.github.oauthcallback.support.TestThreads;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.shell.core.NonInteractiveShellRunner;
import org.springframework.shell.core.command.Command;
import org.springframework.shell.core.command.CommandRegistry;
import org.springframework.shell.core.command.DefaultCommandParser;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spring Shell commands, run through Spring Shell's own parser and non-interactive runner.
 */
class ShellCommandsTests {

	private WireMockServer wireMock;

	@BeforeEach
	void start() {
		this.wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		this.wireMock.start();
		this.wireMock.stubFor(post(urlEqualTo("/token"))
			.willReturn(okJson("{\"access_token\":\"AT-SHELL\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
					+ "\"scope\":\"read\"}")));
	}

	@AfterEach
	void stop() {
		this.wireMock.stop();
	}

	private ApplicationContextRunner runner() {
		return runner(this.wireMock.baseUrl() + "/token");
	}

	private ApplicationContextRunner runner(String tokenUri) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
					OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class,
					OAuthCallbackShellAutoConfiguration.class))
			.withBean(BrowserLauncher.class, () -> new CallbackBrowser("code-shell"))
			.withPropertyValues("spring.security.oauth2.client.registration.api.client-id=cli",
					"spring.security.oauth2.client.registration.api.authorization-grant-type=authorization_code",
					"spring.security.oauth2.client.registration.api.client-authentication-method=none",
					"spring.security.oauth2.client.registration.api.redirect-uri=http://127.0.0.1/callback",
					"spring.security.oauth2.client.registration.api.scope=read",
					"spring.security.oauth2.client.registration.api.provider=stub",
					"spring.security.oauth2.client.provider.stub.authorization-uri=" + this.wireMock.baseUrl()
							+ "/authorize",
					"spring.security.oauth2.client.provider.stub.token-uri=" + tokenUri,
					"oauth-callback.store.type=memory", "oauth-callback.login.account=ada");
	}

	private static String run(AssertableApplicationContext context, String... line) throws Exception {
		CommandRegistry registry = new CommandRegistry(new HashSet<>(context.getBeansOfType(Command.class).values()));
		StringWriter out = new StringWriter();
		new NonInteractiveShellRunner(new DefaultCommandParser(registry), registry, new PrintWriter(out)).run(line);
		return out.toString();
	}

	@Test
	void loginStatusAndLogout() {
		loginStatusAndLogout(runner());
	}

	@Test
	void loginStatusAndLogoutThroughTheClientManager() {
		loginStatusAndLogout(
				runner().withConfiguration(AutoConfigurations.of(OAuthCallbackClientManagerAutoConfiguration.class)));
	}

	@Test
	void logoutPrintsOneLinePerLoginSayingWhetherItsTokensWereRevoked() {
		this.wireMock.stubFor(post(urlEqualTo("/revoke")).willReturn(aResponse().withStatus(200)));
		runner().withConfiguration(AutoConfigurations.of(OAuthCallbackClientManagerAutoConfiguration.class))
			.withPropertyValues("oauth-callback.registrations.api.revocation-uri=" + this.wireMock.baseUrl() + "/revoke")
			.run((context) -> {
				run(context, "login");
				assertThat(run(context, "logout")).contains("Removed the login of 'api' for account 'ada'.",
						"Revoked the access token at the provider.");
				run(context, "login");
				run(context, "login", "api", "--account", "bob");
				this.wireMock.stubFor(post(urlEqualTo("/revoke")).willReturn(aResponse().withStatus(503)));
				assertThat(run(context, "logout", "--all")).contains("Removed 2 stored login(s)",
						"api / ada: Warning: Could not revoke the access token at the provider (HTTP 503, "
								+ "server_error): it may still be valid at the provider until it expires.",
						"api / bob: Warning: Could not revoke")
					.doesNotContain("AT-SHELL");
				assertThat(run(context, "status")).contains("(0 login(s))");
			});
		this.wireMock.verify(3, postRequestedFor(urlEqualTo("/revoke")).withRequestBody(containing("token=AT-SHELL")));
	}

	/**
	 * What an application's own client manager costs the commands (docs/refresh.md): logins and logouts go to the store
	 * directly, and logout revokes nothing even with a revocation endpoint and oauth-callback.logout.revoke on.
	 */
	@Test
	void withTheApplicationsOwnManagerLogoutRevokesNothingAndSaysSo() {
		this.wireMock.stubFor(post(urlEqualTo("/revoke")).willReturn(aResponse().withStatus(200)));
		runner().withConfiguration(AutoConfigurations.of(OAuthCallbackClientManagerAutoConfiguration.class))
			.withBean("myManager", OAuth2AuthorizedClientManager.class, () -> (request) -> null)
			.withPropertyValues("oauth-callback.registrations.api.revocation-uri=" + this.wireMock.baseUrl() + "/revoke",
					"oauth-callback.logout.revoke=true")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(OAuthCallbackAuthorizedClientManager.class);
				assertThat(run(context, "login")).contains("Logged in to 'api' as account 'ada'");
				assertThat(run(context, "logout")).contains("Removed the login of 'api' for account 'ada'.",
						"Not revoked at the provider (the application's own client manager is in use)");
			});
		this.wireMock.verify(0, postRequestedFor(urlEqualTo("/revoke")));
	}

	@Test
	void logoutWaitsForARefreshUnderWaySoTheRefreshCannotBringTheLoginBack() throws Exception {
		try (GatedTokenEndpoint endpoint = new GatedTokenEndpoint()) {
			endpoint.respond(200, "{\"access_token\":\"AT-REFRESHED\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
			runner(endpoint.tokenUri())
				.withConfiguration(AutoConfigurations.of(OAuthCallbackClientManagerAutoConfiguration.class))
				.run((context) -> {
					var registration = context.getBean(ClientRegistrationRepository.class).findByRegistrationId("api");
					Instant expired = Instant.now().minusSeconds(60);
					context.getBean(TokenStore.class)
						.saveAuthorizedClient(new OAuth2AuthorizedClient(registration, "ada",
								new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "AT-OLD",
										expired.minusSeconds(3600), expired),
								new OAuth2RefreshToken("RT-OLD", expired.minusSeconds(3600))), Accounts.principal("ada"));
					CompletableFuture<OAuth2AuthorizedClient> refresh = CompletableFuture
						.supplyAsync(() -> context.getBean(OAuthCallbackAuthorizedClientManager.class)
							.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("api").principal("ada").build()), TestThreads.POOL);
					assertThat(endpoint.arrived.await(10, TimeUnit.SECONDS)).isTrue();
					CompletableFuture<String> logout = CompletableFuture.supplyAsync(() -> {
						try {
							return run(context, "logout");
						}
						catch (Exception ex) {
							throw new IllegalStateException(ex);
						}
					}, TestThreads.POOL);
					// Gives a logout that ignores the lock time to finish before the refresh stores its result.
					Thread.sleep(500);
					endpoint.release.countDown();
					refresh.get(10, TimeUnit.SECONDS);
					assertThat(logout.get(10, TimeUnit.SECONDS)).contains("Removed the login of 'api' for account 'ada'");
					assertThat(run(context, "status")).contains("(0 login(s))");
				});
		}
	}

	@Test
	void deviceLogins() {
		deviceLogins(runner());
	}

	@Test
	void deviceLoginsThroughTheClientManager() {
		deviceLogins(
				runner().withConfiguration(AutoConfigurations.of(OAuthCallbackClientManagerAutoConfiguration.class)));
	}

	/** {@code login tv} for a device-grant registration, {@code login api --device} for a browser-login one. */
	private void deviceLogins(ApplicationContextRunner runner) {
		this.wireMock.stubFor(post(urlEqualTo("/device_authorization"))
			.willReturn(okJson("{\"device_code\":\"DC-SHELL-device-code\",\"user_code\":\"SHEL-LCOD\","
					+ "\"verification_uri\":\"https://idp.example/device\",\"expires_in\":300,\"interval\":1}")));
		String tv = "spring.security.oauth2.client.registration.tv.";
		runner
			.withPropertyValues(tv + "client-id=tv", tv + "client-authentication-method=none",
					tv + "authorization-grant-type=urn:ietf:params:oauth:grant-type:device_code", tv + "scope=read",
					tv + "provider=stub",
					"oauth-callback.registrations.tv.device-authorization-uri=" + this.wireMock.baseUrl()
							+ "/device_authorization",
					"oauth-callback.registrations.api.device-authorization-uri=" + this.wireMock.baseUrl()
							+ "/device_authorization")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(run(context, "login", "tv")).contains("Logged in to 'tv' as account 'ada': scopes read");
				assertThat(run(context, "login", "api", "--device"))
					.contains("Logged in to 'api' as account 'ada': scopes read");
				this.wireMock.verify(2, postRequestedFor(urlEqualTo("/device_authorization")));
				this.wireMock.verify(postRequestedFor(urlEqualTo("/token"))
					.withRequestBody(containing("device_code=DC-SHELL-device-code"))
					.withRequestBody(containing("client_id=cli")));
				assertThat(run(context, "status")).contains("(2 login(s))", "api / ada", "tv / ada");
			});
	}

	private void loginStatusAndLogout(ApplicationContextRunner runner) {
		runner.run((context) -> {
			assertThat(context.getBeansOfType(Command.class)).containsOnlyKeys("oauthCallbackLoginCommand",
					"oauthCallbackLogoutCommand", "oauthCallbackStatusCommand");
			assertThat(run(context, "status")).contains("Store: memory", "(0 login(s))");
			assertThat(run(context, "login")).contains("Logged in to 'api' as account 'ada': scopes read")
				.doesNotContain("AT-SHELL");
			assertThat(run(context, "login", "api", "--account", "bob")).contains("as account 'bob'");
			assertThat(run(context, "status")).contains("(2 login(s))", "api / ada: scopes read", "api / bob")
				.doesNotContain("AT-SHELL");
			assertThat(run(context, "logout", "--account", "bob")).contains("Removed the login of 'api' for account 'bob'");
			assertThat(run(context, "logout", "nosuch")).contains("No login of 'nosuch' is stored");
			assertThat(run(context, "logout", "--all")).contains("Removed 1 stored login(s)", "api / ada");
			assertThat(run(context, "status")).contains("(0 login(s))");
		});
	}

}
