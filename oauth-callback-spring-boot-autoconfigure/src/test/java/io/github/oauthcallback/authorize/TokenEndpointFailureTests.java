package io.github.oauthcallback.authorize;

import io.github.oauthcallback.internal.authorize.CachingIdTokenDecoderFactory;
import io.github.oauthcallback.internal.authorize.DefaultLoopbackAuthorizer;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import io.github.oauthcallback.AuthorizationCancelledException;
import io.github.oauthcallback.AuthorizationTimeoutException;
import io.github.oauthcallback.InvalidRegistrationException;
import io.github.oauthcallback.OAuthCallbackException;
import io.github.oauthcallback.TokenExchangeException;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.internal.loopback.ListenerSettings;
import io.github.oauthcallback.support.CallbackBrowser;
import io.github.oauthcallback.support.ListenerResources;
import io.github.oauthcallback.internal.tokenendpoint.TokenEndpointClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The code exchange against a WireMock token endpoint: client authentication methods, and every token endpoint
 * failure giving a typed exception that keeps the error code, leaves the store unchanged and leaks nothing.
 */
class TokenEndpointFailureTests {

	private static final String CODE = "code-SECRET-4711";

	private WireMockServer wireMock;

	private final InMemoryOAuth2AuthorizedClientService store = new InMemoryOAuth2AuthorizedClientService(
			new InMemoryClientRegistrationRepository(registration("x", ClientAuthenticationMethod.NONE, null)));

	@BeforeEach
	void startWireMock() {
		this.wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		this.wireMock.start();
	}

	@AfterEach
	void stopWireMock() throws Exception {
		this.wireMock.stop();
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
	}

	private ClientRegistration registration(String id, ClientAuthenticationMethod method, String secret) {
		String base = (this.wireMock != null) ? this.wireMock.baseUrl() : "http://127.0.0.1:1";
		return ClientRegistration.withRegistrationId(id)
			.clientId("cli")
			.clientSecret(secret)
			.clientAuthenticationMethod(method)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("http://127.0.0.1/callback")
			.scope("read")
			.authorizationUri(base + "/authorize")
			.tokenUri(base + "/token")
			.build();
	}

	private DefaultLoopbackAuthorizer authorizer(ClientRegistration registration, BrowserLauncher browser,
			Duration readTimeout) {
		RestClientAuthorizationCodeTokenResponseClient tokens = new RestClientAuthorizationCodeTokenResponseClient();
		tokens.setRestClient(TokenEndpointClients.restClient(Duration.ofSeconds(2), readTimeout));
		return new DefaultLoopbackAuthorizer(new InMemoryClientRegistrationRepository(registration), this.store, tokens,
				new CachingIdTokenDecoderFactory(), browser, ListenerSettings.defaults(), "ada", Duration.ofSeconds(30));
	}

	private void tokenResponse(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder response) {
		this.wireMock.stubFor(post(urlEqualTo("/token")).willReturn(response));
	}

	private static String tokens() {
		return "{\"access_token\":\"AT-SECRET-1\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
				+ "\"refresh_token\":\"RT-SECRET-1\",\"scope\":\"read\"}";
	}

	@Test
	void publicClientSendsVerifierAndNoSecretAndTheResultIsSaved() throws Exception {
		tokenResponse(okJson(tokens()));
		CallbackBrowser browser = new CallbackBrowser(CODE);
		OAuth2AuthorizedClient client = authorizer(registration("x", ClientAuthenticationMethod.NONE, null), browser,
				Duration.ofSeconds(5))
			.authorize("x");
		assertThat(client.getAccessToken().getTokenValue()).isEqualTo("AT-SECRET-1");
		assertThat(client.getRefreshToken().getTokenValue()).isEqualTo("RT-SECRET-1");
		assertThat(client.getPrincipalName()).isEqualTo("ada");
		assertThat(browser.response().body()).contains("Signed in");
		OAuth2AuthorizedClient stored = this.store.loadAuthorizedClient("x", "ada");
		assertThat(stored.getAccessToken().getTokenValue()).isEqualTo("AT-SECRET-1");
		String redirect = browser.authorizationParameters().get("redirect_uri");
		this.wireMock.verify(postRequestedFor(urlEqualTo("/token")).withHeader("Authorization", absent())
			.withRequestBody(containing("grant_type=authorization_code"))
			.withRequestBody(containing("code=" + CODE))
			.withRequestBody(containing("code_verifier="))
			.withRequestBody(containing("client_id=cli"))
			.withRequestBody(containing("redirect_uri=" + java.net.URLEncoder.encode(redirect, "UTF-8"))));
	}

	@Test
	void clientSecretBasicSendsCredentialsInTheHeaderAndStillUsesPkce() throws Exception {
		tokenResponse(okJson(tokens()));
		CallbackBrowser browser = new CallbackBrowser(CODE);
		authorizer(registration("x", ClientAuthenticationMethod.CLIENT_SECRET_BASIC, "s3cret"), browser,
				Duration.ofSeconds(5))
			.authorize("x", AuthorizationOptions.defaults().withAccount("bob"));
		assertThat(browser.authorizationParameters()).containsEntry("code_challenge_method", "S256");
		String basic = "Basic " + Base64.getEncoder().encodeToString("cli:s3cret".getBytes());
		this.wireMock.verify(postRequestedFor(urlEqualTo("/token")).withHeader("Authorization", equalTo(basic))
			.withRequestBody(containing("code_verifier=")));
		assertThat((OAuth2AuthorizedClient) this.store.loadAuthorizedClient("x", "bob")).isNotNull();
	}

	@Test
	void clientSecretPostSendsCredentialsInTheBody() throws Exception {
		tokenResponse(okJson(tokens()));
		authorizer(registration("x", ClientAuthenticationMethod.CLIENT_SECRET_POST, "s3cret"), new CallbackBrowser(CODE),
				Duration.ofSeconds(5))
			.authorize("x");
		this.wireMock.verify(postRequestedFor(urlEqualTo("/token")).withHeader("Authorization", absent())
			.withRequestBody(containing("client_secret=s3cret"))
			.withRequestBody(containing("client_id=cli")));
	}

	@Test
	void invalidGrantKeepsTheErrorCode() throws Exception {
		tokenResponse(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_grant\",\"error_description\":\"code expired\"}"));
		TokenExchangeException ex = failedLogin();
		assertThat(ex.getErrorCode()).isEqualTo("invalid_grant");
		assertThat(ex.getMessage()).contains("'x'", "HTTP 400", "code expired", "run the login again");
	}

	@Test
	void providerErrorTextReachesTheMessageWithoutControlCharactersOrEscapes() throws Exception {
		tokenResponse(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_grant\\u001b[2J\",\"error_description\":\"code expired\\r\\n"
					+ "\\u001b[31mLogin OK\\u001b[0m\\u0007\"}"));
		TokenExchangeException ex = failedLogin();
		assertThat(ex.getErrorCode()).isEqualTo("invalid_grant");
		assertThat(ex.getMessage()).contains("code expired Login OK").doesNotContain("\u001b", "\r", "\n", "\u0007",
				"[31m", "[2J");
	}

	@Test
	void unauthorizedClientKeepsTheErrorCode() throws Exception {
		tokenResponse(aResponse().withStatus(401)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_client\"}"));
		TokenExchangeException ex = failedLogin();
		assertThat(ex.getErrorCode()).isEqualTo("invalid_client");
		assertThat(ex.getMessage()).contains("HTTP 401", "client-authentication-method");
	}

	@Test
	void serverErrorWithoutAnOAuthBody() throws Exception {
		tokenResponse(aResponse().withStatus(503).withHeader("Content-Type", "text/html").withBody("<h1>SECRET-BODY</h1>"));
		TokenExchangeException ex = failedLogin();
		assertThat(ex.getErrorCode()).isEqualTo("server_error");
		assertThat(ex.getMessage()).contains("HTTP 503", "Try again later");
	}

	@Test
	void serverErrorWithAnOAuthBodyKeepsTheProvidersCodeButNotItsFreeText() throws Exception {
		tokenResponse(aResponse().withStatus(500)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"temporarily_unavailable\",\"error_description\":\"db-node-7 down\"}"));
		TokenExchangeException ex = failedLogin();
		assertThat(ex.getErrorCode()).isEqualTo("temporarily_unavailable");
		assertThat(ex.getMessage()).contains("HTTP 500").doesNotContain("db-node-7");
	}

	@Test
	void tooManyRequestsWithoutAnOAuthBodyIsTemporarilyUnavailable() throws Exception {
		tokenResponse(aResponse().withStatus(429).withHeader("Retry-After", "30"));
		TokenExchangeException ex = failedLogin();
		assertThat(ex.getErrorCode()).isEqualTo("temporarily_unavailable");
		assertThat(ex.getMessage()).contains("HTTP 429", "wait 30 s (Retry-After)");
	}

	@Test
	void malformedJson() throws Exception {
		tokenResponse(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"access_token\":\"SECRET-BODY\", oops"));
		TokenExchangeException ex = failedLogin();
		assertThat(ex.getErrorCode()).isEqualTo("invalid_token_response");
		assertThat(ex.getMessage()).contains("token-uri", "access_token");
	}

	@Test
	void jsonWithoutAccessToken() throws Exception {
		tokenResponse(okJson("{\"token_type\":\"Bearer\",\"expires_in\":60}"));
		assertThat(failedLogin().getErrorCode()).isEqualTo("invalid_token_response");
	}

	@Test
	void readTimeout() throws Exception {
		tokenResponse(okJson(tokens()).withFixedDelay(3000));
		TokenExchangeException ex = failedLogin(Duration.ofMillis(500));
		assertThat(ex.getMessage()).contains("did not answer in time", "raise the token endpoint read timeout");
	}

	@Test
	void connectionReset() throws Exception {
		tokenResponse(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
		TokenExchangeException ex = failedLogin();
		assertThat(ex.getMessage()).contains("token endpoint", "'x'");
	}

	@Test
	void emptyReply() throws Exception {
		tokenResponse(aResponse().withFault(Fault.EMPTY_RESPONSE));
		TokenExchangeException ex = failedLogin();
		assertThat(ex.getMessage()).contains("token endpoint", "'x'");
	}

	@Test
	void htmlInsteadOfJson() throws Exception {
		tokenResponse(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/html")
			.withBody("<html><body>SECRET-BODY login page</body></html>"));
		TokenExchangeException ex = failedLogin();
		assertThat(ex.getErrorCode()).isEqualTo("invalid_token_response");
		assertThat(ex.getMessage()).contains("token-uri");
	}

	@Test
	void serviceUnavailableWithRetryAfter() throws Exception {
		tokenResponse(aResponse().withStatus(503).withHeader("Retry-After", "120"));
		TokenExchangeException ex = failedLogin();
		assertThat(ex.getErrorCode()).isEqualTo("server_error");
		assertThat(ex.getMessage()).contains("HTTP 503", "wait 120 s (Retry-After)");
	}

	@Test
	void serviceUnavailableWithoutRetryAfter() throws Exception {
		tokenResponse(aResponse().withStatus(503));
		TokenExchangeException ex = failedLogin();
		assertThat(ex.getErrorCode()).isEqualTo("server_error");
		assertThat(ex.getMessage()).contains("HTTP 503", "Try again later").doesNotContain("Retry-After");
	}

	@Test
	void internalServerErrorWithRetryAfterAsADate() throws Exception {
		String inAMinute = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
			.format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(90));
		tokenResponse(aResponse().withStatus(500).withHeader("Retry-After", inAMinute));
		TokenExchangeException ex = failedLogin();
		assertThat(ex.getErrorCode()).isEqualTo("server_error");
		assertThat(ex.getMessage()).contains("HTTP 500").containsPattern("wait (8\\d|90) s \\(Retry-After\\)");
	}

	@Test
	void unauthorizedWithoutAnOAuthBodyIsAClientError() throws Exception {
		tokenResponse(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Basic"));
		TokenExchangeException ex = failedLogin();
		assertThat(ex.getErrorCode()).isEqualTo("invalid_client");
		assertThat(ex.getMessage()).contains("rejected the client", "client-authentication-method");
	}

	@Test
	void internalServerErrorWithoutBody() throws Exception {
		tokenResponse(aResponse().withStatus(500));
		TokenExchangeException ex = failedLogin();
		assertThat(ex.getErrorCode()).isEqualTo("server_error");
		assertThat(ex.getMessage()).contains("HTTP 500");
	}

	@Test
	void tenSecondDelayBeyondTheReadTimeout() throws Exception {
		tokenResponse(okJson(tokens()).withFixedDelay(10_000));
		long start = System.nanoTime();
		TokenExchangeException ex = failedLogin(Duration.ofSeconds(1));
		assertThat(ex.getMessage()).contains("did not answer in time");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the read timeout, not the delay, ends the wait")
			.isLessThan(Duration.ofSeconds(8));
	}

	private TokenExchangeException failedLogin() throws Exception {
		return failedLogin(Duration.ofSeconds(5));
	}

	/**
	 * Runs a login that must fail at the token endpoint, and checks what every failure must guarantee: a typed
	 * exception, the error page in the browser, nothing stored, no secret in any message of the cause chain.
	 */
	private TokenExchangeException failedLogin(Duration readTimeout) throws Exception {
		CallbackBrowser browser = new CallbackBrowser(CODE);
		AtomicReference<TokenExchangeException> caught = new AtomicReference<>();
		// A login stored earlier must survive the failed exchange untouched.
		ClientRegistration stored = registration("x", ClientAuthenticationMethod.NONE, null);
		java.time.Instant issued = java.time.Instant.now().minusSeconds(30);
		OAuth2AuthorizedClient earlier = new OAuth2AuthorizedClient(stored, "ada",
				new org.springframework.security.oauth2.core.OAuth2AccessToken(
						org.springframework.security.oauth2.core.OAuth2AccessToken.TokenType.BEARER, "AT-EARLIER", issued,
						issued.plusSeconds(3600)),
				new org.springframework.security.oauth2.core.OAuth2RefreshToken("RT-EARLIER", issued));
		this.store.saveAuthorizedClient(earlier, io.github.oauthcallback.internal.Accounts.principal("ada"));
		assertThatExceptionOfType(TokenExchangeException.class)
			.isThrownBy(() -> authorizer(registration("x", ClientAuthenticationMethod.CLIENT_SECRET_BASIC, "s3cret"),
					browser, readTimeout)
				.authorize("x"))
			.satisfies(caught::set);
		assertThat(browser.response().body()).contains("Sign-in failed");
		OAuth2AuthorizedClient after = this.store.loadAuthorizedClient("x", "ada");
		assertThat(after.getAccessToken().getTokenValue()).as("the earlier login is kept as it was")
			.isEqualTo("AT-EARLIER");
		assertThat(after.getAccessToken().getExpiresAt()).isEqualTo(earlier.getAccessToken().getExpiresAt());
		assertThat(after.getRefreshToken().getTokenValue()).isEqualTo("RT-EARLIER");
		String state = browser.authorizationParameters().get("state");
		for (Throwable t = caught.get(); t != null; t = t.getCause()) {
			assertThat(String.valueOf(t.getMessage())).doesNotContain(CODE, "s3cret", "SECRET-BODY", "AT-SECRET", state);
		}
		return caught.get();
	}

	@Test
	void unknownRegistrationNamesTheDeclaredOnes() {
		assertThatExceptionOfType(io.github.oauthcallback.UnknownRegistrationException.class)
			.isThrownBy(() -> authorizer(registration("x", ClientAuthenticationMethod.NONE, null),
					CallbackBrowser.silent(), Duration.ofSeconds(1))
				.authorize("nope"))
			.withMessageContaining("'nope'")
			.withMessageContaining("declared: x")
			.withMessageContaining("spring.security.oauth2.client.registration.nope");
	}

	@Test
	void publicClientWithASecretMethodFailsAtStartUp() {
		assertThatExceptionOfType(InvalidRegistrationException.class)
			.isThrownBy(() -> authorizer(registration("x", ClientAuthenticationMethod.CLIENT_SECRET_BASIC, null),
					CallbackBrowser.silent(), Duration.ofSeconds(1)))
			.withMessageContaining("client-authentication-method=none")
			.withMessageContaining("registration.x.");
	}

	@Test
	void nonLoopbackRedirectFailsAtStartUp() {
		ClientRegistration web = ClientRegistration.withClientRegistration(
				registration("web", ClientAuthenticationMethod.NONE, null))
			.redirectUri("https://app.example/login/oauth2/code/web")
			.build();
		assertThatExceptionOfType(InvalidRegistrationException.class)
			.isThrownBy(() -> authorizer(web, CallbackBrowser.silent(), Duration.ofSeconds(1)))
			.withMessageContaining("registration.web.redirect-uri");
	}

	@Test
	void timeoutFromTheOptions() {
		DefaultLoopbackAuthorizer authorizer = authorizer(registration("x", ClientAuthenticationMethod.NONE, null),
				CallbackBrowser.silent(), Duration.ofSeconds(1));
		assertThatExceptionOfType(AuthorizationTimeoutException.class)
			.isThrownBy(() -> authorizer.authorize("x", AuthorizationOptions.defaults().withTimeout(Duration.ofMillis(100))))
			.withMessageContaining("within 100 ms");
	}

	@Test
	void cancellingTheAsyncLoginReleasesTheListener() throws Exception {
		DefaultLoopbackAuthorizer authorizer = authorizer(registration("x", ClientAuthenticationMethod.NONE, null),
				CallbackBrowser.silent(), Duration.ofSeconds(1));
		CompletableFuture<OAuth2AuthorizedClient> login = authorizer.authorizeAsync("x", AuthorizationOptions.defaults());
		assertThat(ListenerResources.listenerThreads()).isNotEmpty();
		assertThat(login.cancel(true)).isTrue();
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
	}

	@Test
	void interruptingTheWaitingThreadCancelsTheLogin() throws Exception {
		DefaultLoopbackAuthorizer authorizer = authorizer(registration("x", ClientAuthenticationMethod.NONE, null),
				CallbackBrowser.silent(), Duration.ofSeconds(1));
		AtomicReference<Throwable> thrown = new AtomicReference<>();
		AtomicReference<Boolean> interruptKept = new AtomicReference<>();
		Thread waiter = new Thread(() -> {
			try {
				authorizer.authorize("x", AuthorizationOptions.defaults().withTimeout(Duration.ofMinutes(1)));
			}
			catch (OAuthCallbackException ex) {
				thrown.set(ex);
				interruptKept.set(Thread.currentThread().isInterrupted());
			}
		});
		waiter.start();
		while (ListenerResources.listenerThreads().isEmpty()) {
			Thread.sleep(5);
		}
		waiter.interrupt();
		waiter.join(5000);
		assertThat(thrown.get()).isInstanceOf(AuthorizationCancelledException.class);
		assertThat(interruptKept.get()).isTrue();
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
	}

	@Test
	void launcherFailureIsOnlyAWarning() throws Exception {
		tokenResponse(okJson(tokens()));
		CallbackBrowser browser = new CallbackBrowser(CODE);
		BrowserLauncher failingAfterOpening = (uri) -> {
			browser.open(uri);
			throw new IllegalStateException("no display");
		};
		OAuth2AuthorizedClient client;
		String logged;
		try (io.github.oauthcallback.support.CapturedLogs logs = new io.github.oauthcallback.support.CapturedLogs()) {
			client = authorizer(registration("x", ClientAuthenticationMethod.NONE, null), failingAfterOpening,
					Duration.ofSeconds(5))
				.authorize("x");
			logged = logs.text();
		}
		assertThat(client).isNotNull();
		assertThat(logged).contains("WARN " + DefaultLoopbackAuthorizer.class.getName() + " Could not open a browser for "
				+ "the 'x' login (IllegalStateException: no display); open the URL printed above by hand, or configure the "
				+ "browser command.");
		assertThat(logged).doesNotContain(CODE, browser.authorizationParameters().get("state"), "AT-SECRET",
				"RT-SECRET");
	}

	@Test
	void asyncFailureCarriesTheTypedException() throws Exception {
		tokenResponse(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_grant\"}"));
		CompletableFuture<OAuth2AuthorizedClient> login = authorizer(
				registration("x", ClientAuthenticationMethod.NONE, null), new CallbackBrowser(CODE), Duration.ofSeconds(5))
			.authorizeAsync("x", null);
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> login.get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(TokenExchangeException.class);
	}

}
