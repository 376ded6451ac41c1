package io.github.oauthcallback.authorize;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.github.oauthcallback.AuthorizationCancelledException;
import io.github.oauthcallback.AuthorizationErrorException;
import io.github.oauthcallback.AuthorizationIssuerMismatchException;
import io.github.oauthcallback.AuthorizationTimeoutException;
import io.github.oauthcallback.autoconfigure.OAuthCallbackLoginAutoConfiguration;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.internal.authorize.DefaultLoopbackCodeCapture;
import io.github.oauthcallback.internal.authorize.LoginWays;
import io.github.oauthcallback.internal.environment.BrowserAvailability;
import io.github.oauthcallback.internal.environment.LoginMode;
import io.github.oauthcallback.internal.environment.RunEnvironment;
import io.github.oauthcallback.internal.loopback.ListenerSettings;
import io.github.oauthcallback.internal.progress.ProgressStyle;
import io.github.oauthcallback.internal.progress.WaitingLogins;
import io.github.oauthcallback.support.CallbackBrowser;
import io.github.oauthcallback.support.CapturedLogs;
import io.github.oauthcallback.support.ConsoleTrigger;
import io.github.oauthcallback.support.FakeTerminal;
import io.github.oauthcallback.support.ListenerResources;
import io.github.oauthcallback.support.TestAuthorizationServer;
import io.github.oauthcallback.support.UserAgentBrowser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The low-level capture, driven as a user of another OAuth library would: the test builds the authorization URL
 * itself (state, PKCE) from the redirect URI it is given, a user agent signs in at a real Spring Authorization Server
 * and approves, and the captured code is exchanged at that server's token endpoint with plain HTTP. The listener's
 * checks (state, error, issuer, timeout, cancellation) are exercised with a browser that answers the callback
 * directly.
 */
class LoopbackCodeCaptureTests {

	private static TestAuthorizationServer server;

	private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

	private final PrintStream console = new PrintStream(this.bytes, true, StandardCharsets.UTF_8);

	@BeforeAll
	static void startServer() {
		server = TestAuthorizationServer.start();
	}

	@AfterAll
	static void stopServer() throws Exception {
		server.close();
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
	}

	private DefaultLoopbackCodeCapture capture(BrowserLauncher browser) {
		return capture(browser, this.console);
	}

	private DefaultLoopbackCodeCapture capture(BrowserLauncher browser, PrintStream console) {
		LoginWays ways = new LoginWays(LoginMode.BROWSER, RunEnvironment.of(Map.of(), "Linux", false, (c) -> false),
				FakeTerminal.none(() -> {
					throw new AssertionError("standard input must not be read without a terminal");
				}), () -> BrowserAvailability.configured("the test's browser"), null);
		return new DefaultLoopbackCodeCapture(browser, console, ListenerSettings.defaults(), Duration.ofMinutes(1),
				ways, ProgressStyle.OFF, Clock.systemUTC());
	}

	private String output() {
		return this.bytes.toString(StandardCharsets.UTF_8);
	}

	/** What a non-Spring OAuth library keeps between building the URL and exchanging the code. */
	private static final class Request {

		final String state = random();

		final String verifier = random();

		URI build(URI redirectUri) {
			return URI.create(server.issuer() + "/oauth2/authorize?response_type=code&client_id=public-cli"
					+ "&scope=read&redirect_uri=" + encode(redirectUri.toString()) + "&state=" + this.state
					+ "&code_challenge=" + challenge(this.verifier) + "&code_challenge_method=S256");
		}

	}

	@Test
	void theBeanCapturesTheCodeOfARealProviderWhichTheCallerExchanges() throws Exception {
		UserAgentBrowser browser = UserAgentBrowser.approving();
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(OAuthCallbackLoginAutoConfiguration.class))
			.withBean(BrowserLauncher.class, () -> browser)
			.withPropertyValues("oauth-callback.login.mode=browser", "oauth-callback.login.progress=off")
			.run((context) -> {
				LoopbackCodeCapture capture = context.getBean(LoopbackCodeCapture.class);
				Request request = new Request();
				CapturedCallback callback = capture.capture(request::build,
						CaptureOptions.defaults().withName("nimbus").withTimeout(Duration.ofSeconds(30)));
				assertThat(callback.state()).isEqualTo(request.state);
				assertThat(callback.redirectUri().toString()).matches("http://127\\.0\\.0\\.1:\\d+/callback");
				assertThat(callback.parameters()).containsKeys("code", "state");
				assertThat(callback.toString()).doesNotContain(callback.code()).doesNotContain(request.state)
					.contains("code", "state");
				assertThat(browser.callbackResponse().statusCode()).as("the browser's page").isEqualTo(200);
				assertThat(ListenerResources.portFree(InetAddress.getByName("127.0.0.1"),
						callback.redirectUri().getPort())).as("the port is released").isTrue();
				// The caller's library exchanges the code, with the same redirect URI and its own verifier.
				JsonNode tokens = exchange(callback, request.verifier);
				assertThat(tokens.path("access_token").asString()).isNotBlank();
			});
	}

	/** The Nimbus example of docs/code-capture.md, against the real provider. */
	@Test
	void nimbusBuildsTheUrlAndExchangesTheCapturedCode() throws Exception {
		com.nimbusds.oauth2.sdk.pkce.CodeVerifier verifier = new com.nimbusds.oauth2.sdk.pkce.CodeVerifier();
		com.nimbusds.oauth2.sdk.id.State state = new com.nimbusds.oauth2.sdk.id.State();
		com.nimbusds.oauth2.sdk.id.ClientID clientId = new com.nimbusds.oauth2.sdk.id.ClientID("public-cli");
		CapturedCallback callback = capture(UserAgentBrowser.approving())
			.capture((redirect) -> new com.nimbusds.oauth2.sdk.AuthorizationRequest.Builder(
					new com.nimbusds.oauth2.sdk.ResponseType(com.nimbusds.oauth2.sdk.ResponseType.Value.CODE), clientId)
				.endpointURI(URI.create(server.issuer() + "/oauth2/authorize"))
				.redirectionURI(redirect)
				.scope(new com.nimbusds.oauth2.sdk.Scope("read"))
				.state(state)
				.codeChallenge(verifier, com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod.S256)
				.build()
				.toURI(), CaptureOptions.defaults().withName("corp").withTimeout(Duration.ofSeconds(30)));
		assertThat(callback.state()).isEqualTo(state.getValue());
		com.nimbusds.oauth2.sdk.AuthorizationCodeGrant grant = new com.nimbusds.oauth2.sdk.AuthorizationCodeGrant(
				new com.nimbusds.oauth2.sdk.AuthorizationCode(callback.code()), callback.redirectUri(), verifier);
		com.nimbusds.oauth2.sdk.TokenResponse response = com.nimbusds.oauth2.sdk.TokenResponse.parse(
				new com.nimbusds.oauth2.sdk.TokenRequest(URI.create(server.issuer() + "/oauth2/token"), clientId, grant)
					.toHTTPRequest()
					.send());
		assertThat(response.indicatesSuccess()).as("Nimbus's token request with the captured code").isTrue();
		assertThat(output()).contains("Open this URL to continue: ").doesNotContain(callback.code());
	}

	@Test
	void aCallbackWithAnotherStateIsRefusedAndTheCaptureWaitsForTheGenuineOne() throws Exception {
		UserAgentBrowser browser = new UserAgentBrowser(TestAuthorizationServer.USER, TestAuthorizationServer.PASSWORD,
				true, true);
		Request request = new Request();
		CapturedCallback callback = capture(browser).capture(request::build);
		assertThat(callback.code()).as("the forged callback's code is never returned").isNotEqualTo("forged-code");
		assertThat(browser.forgedResponse().statusCode()).as("the forged callback").isEqualTo(400);
		assertThat(callback.state()).isEqualTo(request.state);
		assertThat(exchange(callback, request.verifier).path("access_token").asString()).isNotBlank();
		assertThat(output()).contains("Open this URL to continue: " + server.issuer() + "/oauth2/authorize?");
	}

	@Test
	void everyParameterOfTheResponseIsReturnedAndNoValueIsShownByToString() {
		String issuer = "https://idp.example";
		CallbackBrowser browser = CallbackBrowser.answering("code=the-code-4711&iss=" + encode(issuer)
				+ "&session_state=s-99&extra=a&extra=b");
		CapturedCallback callback = capture(browser).capture(new Request()::build,
				CaptureOptions.defaults().withExpectedIssuer(issuer, true));
		assertThat(callback.code()).isEqualTo("the-code-4711");
		assertThat(callback.issuer()).isEqualTo(issuer);
		assertThat(callback.parameter("session_state")).isEqualTo("s-99");
		assertThat(callback.parameters()).containsKeys("code", "iss", "session_state", "extra", "state");
		assertThat(callback.parameters().get("extra")).containsExactly("a", "b");
		assertThat(callback.toString()).doesNotContain("the-code-4711").doesNotContain("s-99")
			.doesNotContain(callback.state());
	}

	/**
	 * Parameter names are the provider's (percent-decoded): {@code toString()} shows them without terminal escapes or
	 * control characters, so a log line of the callback cannot rewrite the user's terminal.
	 */
	@Test
	void toStringShowsTheProvidersParameterNamesWithoutEscapesOrControlCharacters() {
		CallbackBrowser browser = CallbackBrowser.answering("code=c-1&%1B%5B2J%1B%5B31mred%07%0Dx=1");
		CapturedCallback callback = capture(browser).capture(new Request()::build, CaptureOptions.defaults());
		assertThat(callback.parameters()).containsKey("\u001B[2J\u001B[31mred\u0007\rx");
		assertThat(callback.toString()).contains(", red x, ").doesNotContain("\u001B").doesNotContain("\u0007")
			.doesNotContain("\r").doesNotContain("[2J").doesNotContain("c-1");
	}

	/**
	 * A caller's URL with a short state or without PKCE still works, but is warned about once each, without the
	 * state's value or the URL; a URL with a long state and a code challenge gets no warning.
	 */
	@Test
	void aShortStateOrAMissingCodeChallengeIsWarnedAboutWithoutValues() {
		String weakState = "Ws7qPz";
		try (CapturedLogs logs = new CapturedLogs()) {
			CapturedCallback callback = capture(CallbackBrowser.answering("code=c-weak")).capture(
					(redirectUri) -> URI.create(server.issuer() + "/oauth2/authorize?response_type=code&client_id=cli"
							+ "&redirect_uri=" + encode(redirectUri.toString()) + "&state=" + weakState),
					CaptureOptions.defaults().withName("weak"));
			assertThat(callback.code()).isEqualTo("c-weak");
			String text = logs.text();
			String logger = DefaultLoopbackCodeCapture.class.getName();
			assertThat(text).containsOnlyOnce("WARN " + logger + " The authorization URL of the 'weak' capture carries "
					+ "a state shorter than 16 characters")
				.containsOnlyOnce("WARN " + logger + " The authorization URL of the 'weak' capture carries no "
						+ "code_challenge")
				.doesNotContain(weakState)
				.doesNotContain("c-weak");
		}
		try (CapturedLogs logs = new CapturedLogs()) {
			capture(new CallbackBrowser("c-strong")).capture(new Request()::build,
					CaptureOptions.defaults().withName("strong"));
			assertThat(logs.text()).doesNotContain("WARN " + DefaultLoopbackCodeCapture.class.getName());
		}
	}

	@Test
	void anErrorResponseEndsTheCaptureWithTheTypedException() {
		CallbackBrowser browser = CallbackBrowser.answering("error=access_denied&error_description=The+user+said+no");
		assertThatExceptionOfType(AuthorizationErrorException.class)
			.isThrownBy(() -> capture(browser).capture(new Request()::build, CaptureOptions.defaults().withName("lib")))
			.satisfies((ex) -> assertThat(ex.getError()).isEqualTo("access_denied"))
			.withMessageContaining("'lib'");
	}

	@Test
	void anotherIssuerOrAMissingRequiredIssuerIsRefused() {
		CallbackBrowser other = CallbackBrowser.answering("code=c1&iss=" + encode("https://evil.example"));
		assertThatExceptionOfType(AuthorizationIssuerMismatchException.class)
			.isThrownBy(() -> capture(other).capture(new Request()::build,
					CaptureOptions.defaults().withExpectedIssuer("https://idp.example", false)));
		CallbackBrowser none = CallbackBrowser.answering("code=c2");
		assertThatExceptionOfType(AuthorizationIssuerMismatchException.class)
			.isThrownBy(() -> capture(none).capture(new Request()::build,
					CaptureOptions.defaults().withExpectedIssuer("https://idp.example", true)));
		// Without an expected issuer, no iss is checked.
		CallbackBrowser unchecked = CallbackBrowser.answering("code=c3&iss=" + encode("https://evil.example"));
		assertThat(capture(unchecked).capture(new Request()::build).issuer()).isEqualTo("https://evil.example");
	}

	@Test
	void aUrlWithoutStateIsRefusedUpFrontAndThePortReleased() throws Exception {
		AtomicReference<URI> given = new AtomicReference<>();
		assertThatIllegalArgumentException().isThrownBy(() -> capture(new CallbackBrowser("c")).capture((redirect) -> {
			given.set(redirect);
			return URI.create(server.issuer() + "/oauth2/authorize?client_id=public-cli&redirect_uri="
					+ encode(redirect.toString()));
		})).withMessageContaining("carries no state").withMessageContaining("random");
		assertThat(ListenerResources.portFree(InetAddress.getByName("127.0.0.1"), given.get().getPort())).isTrue();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> capture(new CallbackBrowser("c"))
				.capture((redirect) -> URI.create(server.issuer() + "/oauth2/authorize?state=a&state=b")))
			.withMessageContaining("2 state values");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> capture(new CallbackBrowser("c")).capture((redirect) -> URI.create(server.issuer()
					+ "/oauth2/authorize?state=a&redirect_uri=" + encode("http://127.0.0.1:1/callback"))))
			.withMessageContaining("another redirect_uri");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> capture(new CallbackBrowser("c")).capture(new Request()::build,
					CaptureOptions.defaults().withRedirectUri("https://app.example/callback")))
			.withMessageContaining("not a loopback http URI");
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
	}

	@Test
	void aFixedRedirectUriIsListenedOn() throws Exception {
		int port;
		try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			port = probe.getLocalPort();
		}
		CapturedCallback callback = capture(new CallbackBrowser("c4")).capture(new Request()::build,
				CaptureOptions.defaults().withRedirectUri("http://127.0.0.1:" + port + "/oauth/done"));
		assertThat(callback.redirectUri()).isEqualTo(URI.create("http://127.0.0.1:" + port + "/oauth/done"));
	}

	@Test
	void noCallbackWithinTheTimeoutEndsTheCapture() {
		assertThatExceptionOfType(AuthorizationTimeoutException.class)
			.isThrownBy(() -> capture((uri) -> {
			}).capture(new Request()::build, CaptureOptions.defaults().withTimeout(Duration.ofMillis(300))));
	}

	@Test
	void cancellingTheFutureOrClosingTheBeanReleasesThePort() throws Exception {
		AtomicReference<URI> opened = new AtomicReference<>();
		DefaultLoopbackCodeCapture capture = capture(opened::set);
		CompletableFuture<CapturedCallback> first = capture.captureAsync(new Request()::build,
				CaptureOptions.defaults());
		int port = port(opened.get());
		assertThat(ListenerResources.portFree(InetAddress.getByName("127.0.0.1"), port)).isFalse();
		first.cancel(true);
		assertThat(ListenerResources.portFree(InetAddress.getByName("127.0.0.1"), port)).isTrue();

		CompletableFuture<CapturedCallback> second = capture.captureAsync(new Request()::build,
				CaptureOptions.defaults().withName("closing"));
		int secondPort = port(opened.get());
		capture.close();
		assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
			.isThrownBy(() -> second.get(5, TimeUnit.SECONDS))
			.withCauseInstanceOf(AuthorizationCancelledException.class);
		assertThat(ListenerResources.portFree(InetAddress.getByName("127.0.0.1"), secondPort)).isTrue();
		assertThat(output()).contains("The 'closing' login was cancelled: the application is shutting down. The "
				+ "listener on port " + secondPort + " is closed.");
	}

	/** Ctrl-C pressed the moment the URL appears (the JVM's hook cancels what is registered) ends the capture. */
	@Test
	void ctrlCAsSoonAsTheUrlIsShownCancelsTheCapture() throws Exception {
		AtomicReference<DefaultLoopbackCodeCapture> capture = new AtomicReference<>();
		ConsoleTrigger console = ConsoleTrigger.when("Open this URL to continue: ",
				() -> WaitingLogins.cancel(capture.get(), WaitingLogins.JVM_STOPPING));
		AtomicReference<URI> opened = new AtomicReference<>();
		capture.set(capture(opened::set, console));
		CompletableFuture<CapturedCallback> result = capture.get()
			.captureAsync(new Request()::build, CaptureOptions.defaults().withName("quick"));
		try {
			assertThat(console.fired()).isTrue();
			assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
				.isThrownBy(() -> result.get(5, TimeUnit.SECONDS))
				.withCauseInstanceOf(AuthorizationCancelledException.class);
			assertThat(opened.get()).as("no browser opened after the cancellation").isNull();
			int port = port(console.printedUrl());
			assertThat(console.printed()).contains("The 'quick' login was cancelled: " + WaitingLogins.JVM_STOPPING
					+ ". The listener on port " + port + " is closed.");
			assertThat(ListenerResources.portFree(InetAddress.getByName("127.0.0.1"), port)).isTrue();
		}
		finally {
			result.cancel(true);
		}
	}

	@Test
	void anInterruptedCallerCancelsTheCapture() throws Exception {
		AtomicReference<URI> opened = new AtomicReference<>();
		DefaultLoopbackCodeCapture capture = capture(opened::set);
		AtomicReference<Throwable> thrown = new AtomicReference<>();
		Thread caller = new Thread(() -> {
			try {
				capture.capture(new Request()::build);
			}
			catch (Throwable ex) {
				thrown.set(ex);
			}
		});
		caller.start();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (opened.get() == null && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		caller.interrupt();
		caller.join(5000);
		assertThat(thrown.get()).isInstanceOf(AuthorizationCancelledException.class);
		assertThat(ListenerResources.portFree(InetAddress.getByName("127.0.0.1"), port(opened.get()))).isTrue();
	}

	private static int port(URI authorizationUrl) {
		String query = authorizationUrl.getRawQuery();
		for (String pair : query.split("&")) {
			if (pair.startsWith("redirect_uri=")) {
				return URI.create(java.net.URLDecoder.decode(pair.substring(13), StandardCharsets.UTF_8)).getPort();
			}
		}
		throw new AssertionError("no redirect_uri in the URL");
	}

	private static JsonNode exchange(CapturedCallback callback, String verifier) throws Exception {
		String form = "grant_type=authorization_code&client_id=public-cli&code=" + encode(callback.code())
				+ "&redirect_uri=" + encode(callback.redirectUri().toString()) + "&code_verifier=" + verifier;
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(server.issuer() + "/oauth2/token"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(form))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("token response").isEqualTo(200);
		return new ObjectMapper().readTree(response.body());
	}

	private static String random() {
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private static String challenge(String verifier) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
