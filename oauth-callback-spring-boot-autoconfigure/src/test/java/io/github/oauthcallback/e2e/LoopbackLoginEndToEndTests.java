package io.github.oauthcallback.e2e;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.oauthcallback.AuthorizationErrorException;
import io.github.oauthcallback.OidcAuthorizedClient;
import io.github.oauthcallback.TokenExchangeException;
import io.github.oauthcallback.internal.authorize.CachingIdTokenDecoderFactory;
import io.github.oauthcallback.authorize.LoopbackAuthorizer;
import io.github.oauthcallback.autoconfigure.OAuthCallbackClientManagerAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackDiscoveryAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackLoginAutoConfiguration;
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

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.web.util.UriComponentsBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Logs in from the auto-configured {@link LoopbackAuthorizer} against a real Spring Authorization Server, with a
 * user agent that logs in and approves (or denies) consent over real HTTP. What the starter logs meanwhile (its loggers
 * at DEBUG, see {@link CapturedLogs}), and the message of every exception the failing variants throw, must not
 * contain any code, state, PKCE verifier, nonce (raw or hashed), access, refresh or ID token, or client secret of any
 * login. Every logger at TRACE is checked by {@link NoSecretInLogsAtTraceTests}.
 */
class LoopbackLoginEndToEndTests {

	private static TestAuthorizationServer server;

	private static CapturedLogs logs;

	private static final List<String> secrets = new CopyOnWriteArrayList<>();

	/** Raw nonces, PKCE verifiers and states of every code exchange, read from the authorization requests. */
	private static final List<String> exchangeSecrets = new CopyOnWriteArrayList<>();

	private static final List<String> rawNonces = new CopyOnWriteArrayList<>();

	private static final List<String> idTokens = new CopyOnWriteArrayList<>();

	/** Class and message of every exception (and its causes) the failing variants threw. */
	private static final List<String> exceptionMessages = new CopyOnWriteArrayList<>();

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
		all.addAll(exchangeSecrets);
		List<String> received = TestAuthorizationServer.tokenRequestSecrets();
		assertThat(received).as("codes and verifiers the provider's token endpoint received").hasSizeGreaterThan(10);
		all.addAll(received);
		all.add(TestAuthorizationServer.CONFIDENTIAL_SECRET);
		assertThat(events).isPositive();
		assertThat(text).contains("Logged in to 'public'");
		assertThat(all).hasSizeGreaterThan(20).doesNotContainNull();
		assertThat(rawNonces).as("raw nonces of the OpenID Connect logins").hasSizeGreaterThanOrEqualTo(4);
		assertThat(idTokens).as("ID tokens of the OpenID Connect logins").hasSizeGreaterThanOrEqualTo(4);
		assertThat(exceptionMessages).as("messages of the failing variants").isNotEmpty();
		String exceptions = String.join("\n", exceptionMessages);
		assertThat(all).allSatisfy((secret) -> {
			assertThat(text).doesNotContain(secret);
			assertThat(exceptions).doesNotContain(secret);
		});
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
	}

	private static void rememberMessages(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			exceptionMessages.add(cause.getClass().getName() + ": " + cause.getMessage());
		}
	}

	private ApplicationContextRunner runner(BrowserLauncher browser, String registrationId, String clientId,
			String secret, String method, String scopes) {
		String registration = "spring.security.oauth2.client.registration." + registrationId + ".";
		List<String> properties = new ArrayList<>(List.of(registration + "client-id=" + clientId,
				registration + "client-authentication-method=" + method, registration + "scope=" + scopes,
				registration + "redirect-uri=http://127.0.0.1/callback", registration + "provider=test",
				"spring.security.oauth2.client.provider.test.issuer-uri=" + server.issuer(),
				"oauth-callback.login.account=ada-cli"));
		if (secret != null) {
			properties.add(registration + "client-secret=" + secret);
		}
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(OAuth2ClientAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class))
			.withInitializer((context) -> context.getBeanFactory().addBeanPostProcessor(new RecordingCodeExchange()))
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
		rememberHashedNonce(browser);
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
		if (client instanceof OidcAuthorizedClient oidc) {
			idTokens.add(oidc.getIdToken().getTokenValue());
			secrets.add(oidc.getIdToken().getTokenValue());
			assertThat(client.toString()).doesNotContain(oidc.getIdToken().getTokenValue());
		}
		assertThat(client.toString()).doesNotContain(client.getAccessToken().getTokenValue());
	}

	/** The hashed nonce the authorization request carried, if any (the raw one is recorded at the exchange). */
	private static void rememberHashedNonce(UserAgentBrowser browser) {
		String nonce = UriComponentsBuilder.fromUri(browser.authorizationUri()).build().getQueryParams().getFirst("nonce");
		if (nonce != null) {
			secrets.add(URLDecoder.decode(nonce, StandardCharsets.UTF_8));
		}
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
				rememberMessages(ex);
			}));
		secrets.addAll(browser.secretsSeen());
		rememberHashedNonce(browser);
		assertThat(browser.callbackResponse().body()).contains("Sign-in failed");
	}

	@Test
	void wrongClientSecretIsATypedErrorThatQuotesNoSecret() throws Exception {
		String wrongSecret = "wrong-Secret-7243";
		UserAgentBrowser browser = UserAgentBrowser.approving();
		runner(browser, "confidential", "confidential-cli", wrongSecret, "client_secret_basic", "openid,read")
			.run((context) -> assertThatExceptionOfType(TokenExchangeException.class)
				.isThrownBy(() -> context.getBean(LoopbackAuthorizer.class).authorize("confidential"))
				.satisfies((ex) -> {
					assertThat(ex.getErrorCode()).isEqualTo("invalid_client");
					assertThat(ex.getMessage()).contains("'confidential'", "client-authentication-method");
					rememberMessages(ex);
				}));
		secrets.add(wrongSecret);
		secrets.addAll(browser.secretsSeen());
		rememberHashedNonce(browser);
		assertThat(browser.secretsSeen()).hasSize(2);
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
		// With a key the stored login is sealed, so its ID token comes back as the validated one.
		String key = "oauth-callback.store.encryption.key=" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
		OAuth2AuthorizedClient first = login(runner(browser, "public", "public-cli", null, "none", "openid,read")
			.withConfiguration(store)
			.withPropertyValues("oauth-callback.store.file.path=" + file, key), "public", browser);
		assertThat(file).exists();
		AtomicInteger browsersOpened = new AtomicInteger();
		runner((uri) -> {
			browsersOpened.incrementAndGet();
			throw new IllegalStateException("the second run must not open a browser");
		}, "public", "public-cli", null, "none", "openid,read")
			.withConfiguration(store)
			.withConfiguration(AutoConfigurations.of(OAuthCallbackClientManagerAutoConfiguration.class))
			.withPropertyValues("oauth-callback.store.file.path=" + file, "oauth-callback.login.interactive=always",
					"oauth-callback.login.timeout=5s", key)
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
	void aStartWithAStoredLoginMakesNoDiscoveryCall(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("tokens.json");
		UserAgentBrowser browser = UserAgentBrowser.approving();
		AutoConfigurations storeAndCache = AutoConfigurations.of(OAuthCallbackStoreAutoConfiguration.class,
				OAuthCallbackDiscoveryAutoConfiguration.class, OAuthCallbackClientManagerAutoConfiguration.class);
		int before = TestAuthorizationServer.discoveryRequests();
		OAuth2AuthorizedClient first = login(runner(browser, "public", "public-cli", null, "none", "openid,read")
			.withConfiguration(storeAndCache)
			.withPropertyValues("oauth-callback.store.file.path=" + file), "public", browser);
		assertThat(TestAuthorizationServer.discoveryRequests()).as("the first start discovers").isEqualTo(before + 1);
		assertThat(dir.resolve("discovery").resolve("test.json")).exists();
		runner((uri) -> {
			throw new IllegalStateException("the second run must not open a browser");
		}, "public", "public-cli", null, "none", "openid,read").withConfiguration(storeAndCache)
			.withPropertyValues("oauth-callback.store.file.path=" + file, "oauth-callback.login.interactive=always")
			.run((context) -> {
				OAuth2AuthorizedClient stored = context.getBean(OAuth2AuthorizedClientManager.class)
					.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("public").principal("ada-cli").build());
				assertThat(stored.getAccessToken().getTokenValue()).isEqualTo(first.getAccessToken().getTokenValue());
				assertThat(stored).as("without a key the stored ID token is not presented as validated")
					.isNotInstanceOf(OidcAuthorizedClient.class);
				assertThat(stored.getClientRegistration().getProviderDetails().getIssuerUri())
					.isEqualTo(server.issuer());
			});
		assertThat(TestAuthorizationServer.discoveryRequests()).as("the second start made no discovery call")
			.isEqualTo(before + 1);
	}

	@Test
	void publicClientThatForgotMethodNoneFailsAtStartUpAfterDiscovery() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(OAuth2ClientAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class))
			.withPropertyValues("spring.security.oauth2.client.registration.forgetful.client-id=public-cli",
					"spring.security.oauth2.client.registration.forgetful.scope=read",
					"spring.security.oauth2.client.registration.forgetful.provider=test",
					"spring.security.oauth2.client.provider.test.issuer-uri=" + server.issuer())
			.run((context) -> {
				assertThat(context).hasFailed()
					.getFailure()
					.rootCause()
					.isInstanceOf(io.github.oauthcallback.InvalidRegistrationException.class)
					.hasMessageContaining("Registration 'forgetful' has no client-secret")
					.hasMessageContaining("client_secret_basic")
					.hasMessageContaining("registration.forgetful.client-authentication-method=none");
				rememberMessages(context.getStartupFailure());
			});
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

	/**
	 * Wraps the auto-configured code-exchange client to read, from each authorization request it exchanges, what only
	 * the starter ever holds: the raw nonce and the PKCE verifier (and the state and code).
	 */
	static final class RecordingCodeExchange implements BeanPostProcessor {

		@Override
		@SuppressWarnings("unchecked")
		public Object postProcessAfterInitialization(Object bean, String beanName) {
			if (!"oauthCallbackAuthorizationCodeTokenResponseClient".equals(beanName)) {
				return bean;
			}
			return new Recording((OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest>) bean);
		}

		private record Recording(OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> delegate)
				implements OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> {

			@Override
			public OAuth2AccessTokenResponse getTokenResponse(OAuth2AuthorizationCodeGrantRequest grantRequest) {
				OAuth2AuthorizationRequest request = grantRequest.getAuthorizationExchange().getAuthorizationRequest();
				String verifier = request.getAttribute(PkceParameterNames.CODE_VERIFIER);
				assertThat(verifier).isNotBlank();
				exchangeSecrets.add(verifier);
				exchangeSecrets.add(request.getState());
				exchangeSecrets.add(grantRequest.getAuthorizationExchange().getAuthorizationResponse().getCode());
				String nonce = request.getAttribute(OidcParameterNames.NONCE);
				if (nonce != null) {
					rawNonces.add(nonce);
					exchangeSecrets.add(nonce);
					exchangeSecrets.add((String) request.getAdditionalParameters().get(OidcParameterNames.NONCE));
				}
				return this.delegate.getTokenResponse(grantRequest);
			}

			@Override
			public String toString() {
				return "Recording[" + this.delegate.getClass().getName() + "]";
			}

		}

	}

}
