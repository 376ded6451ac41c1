package io.github.oauthcallback.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.oauthcallback.AuthorizationErrorException;
import io.github.oauthcallback.OidcAuthorizedClient;
import io.github.oauthcallback.authorize.CachingIdTokenDecoderFactory;
import io.github.oauthcallback.authorize.LoopbackAuthorizer;
import io.github.oauthcallback.autoconfigure.OAuthCallbackAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackClientAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackStoreAutoConfiguration;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.support.CapturedLogs;
import io.github.oauthcallback.support.ListenerResources;
import io.github.oauthcallback.support.TestAuthorizationServer;
import io.github.oauthcallback.support.UserAgentBrowser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Logs in from the auto-configured {@link LoopbackAuthorizer} against a real Spring Authorization Server, with a
 * user agent that logs in and approves (or denies) consent over real HTTP. Every log line written meanwhile is
 * captured and must not contain any code, state, verifier, token or secret.
 */
class LoopbackLoginEndToEndTests {

	private static TestAuthorizationServer server;

	private static CapturedLogs logs;

	private static final List<String> secrets = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void startServer() {
		server = TestAuthorizationServer.start();
		// After the server: Spring Boot's logging system resets Logback when an application starts.
		logs = new CapturedLogs();
	}

	@AfterAll
	static void stopServerAndCheckLogs() throws Exception {
		String text = logs.text();
		int events = logs.size();
		logs.close();
		server.close();
		List<String> all = new ArrayList<>(secrets);
		all.addAll(TestAuthorizationServer.tokenRequestSecrets());
		all.add(TestAuthorizationServer.CONFIDENTIAL_SECRET);
		assertThat(events).isPositive();
		assertThat(text).contains("Logged in to 'public'");
		assertThat(all).hasSizeGreaterThan(20);
		assertThat(all).allSatisfy((secret) -> assertThat(text).doesNotContain(secret));
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
	}

	private ApplicationContextRunner runner(BrowserLauncher browser, String registrationId, String clientId,
			String secret, String method, String scopes) {
		String registration = "spring.security.oauth2.client.registration." + registrationId + ".";
		List<String> properties = new ArrayList<>(List.of(registration + "client-id=" + clientId,
				registration + "client-authentication-method=" + method, registration + "scope=" + scopes,
				registration + "redirect-uri=http://127.0.0.1/callback", registration + "provider=test",
				"spring.security.oauth2.client.provider.test.issuer-uri=" + server.issuer(),
				"oauth-callback.account=ada-cli"));
		if (secret != null) {
			properties.add(registration + "client-secret=" + secret);
		}
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(OAuth2ClientAutoConfiguration.class, OAuthCallbackAutoConfiguration.class))
			.withBean(BrowserLauncher.class, () -> browser)
			.withPropertyValues(properties.toArray(String[]::new));
	}

	private OAuth2AuthorizedClient login(ApplicationContextRunner runner, String registrationId,
			UserAgentBrowser browser) throws Exception {
		List<OAuth2AuthorizedClient> result = new ArrayList<>();
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			OAuth2AuthorizedClient client = context.getBean(LoopbackAuthorizer.class).authorize(registrationId);
			OAuth2AuthorizedClient stored = context.getBean(OAuth2AuthorizedClientService.class)
				.loadAuthorizedClient(registrationId, "ada-cli");
			assertThat(stored).isNotNull();
			assertThat(stored.getAccessToken().getTokenValue()).isEqualTo(client.getAccessToken().getTokenValue());
			result.add(client);
		});
		OAuth2AuthorizedClient client = result.get(0);
		remember(client);
		secrets.addAll(browser.secretsSeen());
		assertThat(browser.callbackResponse().statusCode()).isEqualTo(200);
		assertThat(browser.callbackResponse().body()).contains("Signed in");
		assertThat(server.isActive(client.getAccessToken().getTokenValue())).isTrue();
		assertThat(client.getPrincipalName()).isEqualTo("ada-cli");
		return client;
	}

	private static void remember(OAuth2AuthorizedClient client) {
		secrets.add(client.getAccessToken().getTokenValue());
		if (client.getRefreshToken() != null) {
			secrets.add(client.getRefreshToken().getTokenValue());
		}
		assertThat(client.toString()).doesNotContain(client.getAccessToken().getTokenValue());
	}

	@Test
	void publicClientWithPkceOnly() throws Exception {
		UserAgentBrowser browser = UserAgentBrowser.approving();
		OAuth2AuthorizedClient client = login(runner(browser, "public", "public-cli", null, "none", "read"), "public",
				browser);
		assertThat(client.getAccessToken().getScopes()).contains("read");
		assertThat(browser.authorizationUri().getQuery()).contains("code_challenge_method=S256")
			.doesNotContain("nonce=");
	}

	@Test
	void publicClientWithOpenidValidatesTheIdToken() throws Exception {
		UserAgentBrowser browser = UserAgentBrowser.approving();
		RecordingDecoderFactory decoders = new RecordingDecoderFactory();
		OAuth2AuthorizedClient client = login(runner(browser, "public-oidc", "public-cli", null, "none", "openid,profile")
			.withBean(RecordingDecoderFactory.class, () -> decoders), "public-oidc", browser);
		assertThat(decoders.decoded).hasSize(1);
		Jwt idToken = decoders.decoded.get(0);
		assertThat(idToken.getIssuer().toString()).isEqualTo(server.issuer());
		assertThat(idToken.getAudience()).contains("public-cli");
		assertThat(idToken.getSubject()).isEqualTo(TestAuthorizationServer.USER);
		assertThat(idToken.getClaimAsString("nonce")).isNotBlank();
		assertThat(browser.authorizationUri().getQuery()).contains("nonce=" + idToken.getClaimAsString("nonce"));
		secrets.add(idToken.getTokenValue());
		assertThat(client).isInstanceOfSatisfying(OidcAuthorizedClient.class, (oidc) -> {
			assertThat(oidc.getIdToken().getTokenValue()).isEqualTo(idToken.getTokenValue());
			assertThat(oidc.getIdToken().getSubject()).isEqualTo(TestAuthorizationServer.USER);
		});
	}

	@Test
	void confidentialClientWithOpenidGetsARefreshToken() throws Exception {
		UserAgentBrowser browser = UserAgentBrowser.approving();
		OAuth2AuthorizedClient client = login(runner(browser, "confidential", "confidential-cli",
				TestAuthorizationServer.CONFIDENTIAL_SECRET, "client_secret_basic", "openid,read"), "confidential",
				browser);
		assertThat(client.getRefreshToken()).isNotNull();
		assertThat(browser.authorizationUri().getQuery()).contains("code_challenge=");
	}

	@Test
	void confidentialClientWithSecretPost() throws Exception {
		UserAgentBrowser browser = UserAgentBrowser.approving();
		OAuth2AuthorizedClient client = login(runner(browser, "confidential-post", "confidential-cli",
				TestAuthorizationServer.CONFIDENTIAL_SECRET, "client_secret_post", "read"), "confidential-post",
				browser);
		assertThat(client.getRefreshToken()).isNotNull();
	}

	@Test
	void approvedConsent() throws Exception {
		UserAgentBrowser browser = UserAgentBrowser.approving();
		OAuth2AuthorizedClient client = login(
				runner(browser, "consenting", "consenting-cli", null, "none", "openid,profile,read"), "consenting",
				browser);
		assertThat(client.getAccessToken().getScopes()).contains("profile", "read");
	}

	@Test
	void deniedConsentIsATypedError() throws Exception {
		UserAgentBrowser browser = new UserAgentBrowser(TestAuthorizationServer.USER, TestAuthorizationServer.PASSWORD,
				false, false);
		runner(browser, "consenting", "consenting-cli", null, "none", "read").run((context) -> assertThatExceptionOfType(
				AuthorizationErrorException.class)
			.isThrownBy(() -> context.getBean(LoopbackAuthorizer.class).authorize("consenting"))
			.satisfies((ex) -> {
				assertThat(ex.getError()).isEqualTo("access_denied");
				assertThat(ex.getMessage()).contains("'consenting'", "declined");
			}));
		secrets.addAll(browser.secretsSeen());
		assertThat(browser.callbackResponse().body()).contains("Sign-in failed");
	}

	@Test
	void forgedCallbackArrivingFirstIsIgnored() throws Exception {
		UserAgentBrowser browser = new UserAgentBrowser(TestAuthorizationServer.USER, TestAuthorizationServer.PASSWORD,
				true, true);
		login(runner(browser, "public", "public-cli", null, "none", "read"), "public", browser);
		assertThat(browser.forgedResponse().statusCode()).isEqualTo(400);
	}

	@Test
	void loginIsKeptInTheFileStoreAndANewContextUsesItWithoutABrowser(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("tokens.json");
		UserAgentBrowser browser = UserAgentBrowser.approving();
		AutoConfigurations store = AutoConfigurations.of(OAuthCallbackStoreAutoConfiguration.class);
		OAuth2AuthorizedClient first = login(runner(browser, "public", "public-cli", null, "none", "openid,read")
			.withConfiguration(store)
			.withPropertyValues("oauth-callback.store.file.path=" + file), "public", browser);
		assertThat(file).exists();
		AtomicInteger browsersOpened = new AtomicInteger();
		runner((uri) -> {
			browsersOpened.incrementAndGet();
			throw new IllegalStateException("the second run must not open a browser");
		}, "public", "public-cli", null, "none", "openid,read")
			.withConfiguration(store)
			.withConfiguration(AutoConfigurations.of(OAuthCallbackClientAutoConfiguration.class))
			.withPropertyValues("oauth-callback.store.file.path=" + file, "oauth-callback.interactive=always",
					"oauth-callback.timeout=5s")
			.run((context) -> {
				// What an application calls: the client manager, which would start a browser login if nothing usable
				// were stored.
				OAuth2AuthorizedClient stored = context.getBean(OAuth2AuthorizedClientManager.class)
					.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("public").principal("ada-cli").build());
				assertThat(stored.getAccessToken().getTokenValue()).isEqualTo(first.getAccessToken().getTokenValue());
				assertThat(stored).isInstanceOf(OidcAuthorizedClient.class);
				assertThat(server.isActive(stored.getAccessToken().getTokenValue())).isTrue();
			});
		assertThat(browsersOpened).hasValue(0);
	}

	@Test
	void publicClientThatForgotMethodNoneFailsAtStartUpAfterDiscovery() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(OAuth2ClientAutoConfiguration.class, OAuthCallbackAutoConfiguration.class))
			.withPropertyValues("spring.security.oauth2.client.registration.forgetful.client-id=public-cli",
					"spring.security.oauth2.client.registration.forgetful.scope=read",
					"spring.security.oauth2.client.registration.forgetful.provider=test",
					"spring.security.oauth2.client.provider.test.issuer-uri=" + server.issuer())
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(io.github.oauthcallback.InvalidConfigurationException.class)
				.hasMessageContaining("Registration 'forgetful' has no client-secret")
				.hasMessageContaining("client_secret_basic")
				.hasMessageContaining("registration.forgetful.client-authentication-method=none"));
	}

	/** Records every ID token decoded, and replaces the auto-configured factory. */
	static final class RecordingDecoderFactory implements JwtDecoderFactory<ClientRegistration> {

		final List<Jwt> decoded = new CopyOnWriteArrayList<>();

		private final CachingIdTokenDecoderFactory delegate = new CachingIdTokenDecoderFactory();

		@Override
		public JwtDecoder createDecoder(ClientRegistration registration) {
			JwtDecoder decoder = this.delegate.createDecoder(registration);
			return (token) -> {
				Jwt jwt = decoder.decode(token);
				this.decoded.add(jwt);
				return jwt;
			};
		}

	}

}
