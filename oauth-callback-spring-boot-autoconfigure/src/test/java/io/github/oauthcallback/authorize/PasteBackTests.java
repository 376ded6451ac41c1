package io.github.oauthcallback.authorize;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import io.github.oauthcallback.AuthorizationCancelledException;
import io.github.oauthcallback.AuthorizationIssuerMismatchException;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.internal.authorize.CachingIdTokenDecoderFactory;
import io.github.oauthcallback.internal.authorize.DefaultLoopbackAuthorizer;
import io.github.oauthcallback.internal.authorize.LoginWays;
import io.github.oauthcallback.internal.environment.LoginMode;
import io.github.oauthcallback.internal.environment.RunEnvironment;
import io.github.oauthcallback.internal.environment.TerminalInput;
import io.github.oauthcallback.internal.loopback.ListenerSettings;
import io.github.oauthcallback.internal.loopback.PasteBackReader;
import io.github.oauthcallback.internal.progress.ProgressStyle;
import io.github.oauthcallback.internal.progress.WaitingLogins;
import io.github.oauthcallback.internal.progress.WaitingProgress;
import io.github.oauthcallback.support.CallbackBrowser;
import io.github.oauthcallback.support.CapturedLogs;
import io.github.oauthcallback.support.ConsoleTrigger;
import io.github.oauthcallback.support.FakeTerminal;
import io.github.oauthcallback.support.ListenerResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.web.util.UriComponentsBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Paste-back against a real listener: the address the browser ended on, typed into a terminal (a pipe here, behind
 * a {@link TerminalInput} that says it is a terminal), races the browser's own redirect. Whichever comes first wins,
 * the other is stopped; a pasted address goes through the callback's checks; standard input is never touched
 * without a terminal, and a line typed after the login stays for the program.
 */
class PasteBackTests {

	private static final String ISSUER = "https://idp.example";

	private static final ClientRegistration REGISTRATION = ClientRegistration.withRegistrationId("x")
		.clientId("cli")
		.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
		.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
		.redirectUri("http://127.0.0.1/callback")
		.scope("read")
		.authorizationUri(ISSUER + "/authorize")
		.tokenUri(ISSUER + "/token")
		.issuerUri(ISSUER)
		.build();

	private static final RunEnvironment DESKTOP = RunEnvironment.of(Map.of("DISPLAY", ":0"), "Linux", false,
			(command) -> true);

	private final InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(
			REGISTRATION);

	private final List<String> exchangedCodes = new CopyOnWriteArrayList<>();

	private final OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> tokens = (grant) -> {
		this.exchangedCodes.add(grant.getAuthorizationExchange().getAuthorizationResponse().getCode());
		return OAuth2AccessTokenResponse.withToken("AT-1")
			.tokenType(OAuth2AccessToken.TokenType.BEARER)
			.expiresIn(3600)
			.build();
	};

	private final ByteArrayOutputStream console = new ByteArrayOutputStream();

	private final PipedOutputStream typing = new PipedOutputStream();

	private final PipedInputStream stdin;

	private final AtomicReference<URI> opened = new AtomicReference<>();

	PasteBackTests() throws IOException {
		this.stdin = new PipedInputStream(this.typing, 64 * 1024);
	}

	@AfterEach
	void nothingLeftRunning() throws Exception {
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
		assertThat(awaitNoReaderThread()).isTrue();
	}

	private DefaultLoopbackAuthorizer authorizer(BrowserLauncher browser, TerminalInput terminal) {
		return authorizer(browser, terminal, new PrintStream(this.console, true, StandardCharsets.UTF_8));
	}

	private DefaultLoopbackAuthorizer authorizer(BrowserLauncher browser, TerminalInput terminal,
			PrintStream console) {
		DefaultLoopbackAuthorizer authorizer = new DefaultLoopbackAuthorizer(this.registrations,
				new InMemoryOAuth2AuthorizedClientService(this.registrations), this.tokens,
				new CachingIdTokenDecoderFactory(), browser, console, ListenerSettings.defaults(), "ada",
				Duration.ofMinutes(1));
		authorizer.setLoginWays(new LoginWays(LoginMode.AUTO, DESKTOP, terminal, LoginWays.availability(browser),
				null));
		return authorizer;
	}

	private CompletableFuture<OAuth2AuthorizedClient> startWithTerminal() {
		return authorizer(this.opened::set, terminal(this.stdin)).authorizeAsync("x", null);
	}

	private static TerminalInput terminal(InputStream input) {
		return FakeTerminal.typing(input);
	}

	private Map<String, String> authorizationParameters() {
		return UriComponentsBuilder.fromUri(this.opened.get())
			.build()
			.getQueryParams()
			.toSingleValueMap()
			.entrySet()
			.stream()
			.collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
					(entry) -> URLDecoder.decode(entry.getValue(), StandardCharsets.UTF_8)));
	}

	private URI redirectUri() {
		return URI.create(authorizationParameters().get("redirect_uri"));
	}

	private String state() {
		return authorizationParameters().get("state");
	}

	private void type(String line) throws IOException {
		this.typing.write((line + "\n").getBytes(StandardCharsets.UTF_8));
		this.typing.flush();
	}

	private String printed() {
		return this.console.toString(StandardCharsets.UTF_8);
	}

	/** Waits (up to 10 s) for the console to show the text; no timing is asserted. */
	private void awaitPrinted(String text) throws InterruptedException {
		waitFor(() -> printed().contains(text));
		assertThat(printed()).contains(text);
	}

	private static void waitFor(BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + 10_000_000_000L;
		while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
	}

	/**
	 * With paste-back the user types on the terminal: a countdown configured as {@code terminal} must not rewrite its
	 * line (a carriage return every second) over the echo of what is typed, so it runs in the plain style, which
	 * prints whole lines only now and then. Checked once the countdown thread has drawn what it draws first and waits.
	 */
	@Test
	void withPasteBackATerminalCountdownDoesNotRedrawOverWhatIsTyped() throws Exception {
		DefaultLoopbackAuthorizer authorizer = authorizer(this.opened::set, terminal(this.stdin));
		authorizer.setProgress(ProgressStyle.TERMINAL, Clock.systemUTC());
		CompletableFuture<OAuth2AuthorizedClient> login = authorizer.authorizeAsync("x", null);
		try {
			waitFor(PasteBackTests::countdownWaits);
			assertThat(countdownWaits()).as("the countdown thread runs and waits for its next tick").isTrue();
			assertThat(printed()).contains("Open this URL to continue: ")
				.doesNotContain("\r")
				.doesNotContain("left (Ctrl-C cancels)");
		}
		finally {
			login.cancel(true);
		}
	}

	/**
	 * Ctrl-C the moment the URL appears, in a terminal with a browser: nothing more is shown or started after the
	 * cancellation: no paste prompt, no browser, and (checked after each test) no reader thread left reading the
	 * program's input.
	 */
	@Test
	void ctrlCAsSoonAsTheUrlIsShownStartsNoReaderAndOpensNoBrowser() throws Exception {
		AtomicReference<DefaultLoopbackAuthorizer> authorizer = new AtomicReference<>();
		ConsoleTrigger console = ConsoleTrigger.when("Open this URL to continue: ",
				() -> WaitingLogins.cancel(authorizer.get(), WaitingLogins.JVM_STOPPING));
		authorizer.set(authorizer(this.opened::set, terminal(this.stdin), console));
		CompletableFuture<OAuth2AuthorizedClient> login = authorizer.get().authorizeAsync("x", null);
		assertThat(console.fired()).isTrue();
		assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
			.isThrownBy(() -> login.get(5, java.util.concurrent.TimeUnit.SECONDS))
			.withCauseInstanceOf(AuthorizationCancelledException.class);
		assertThat(console.printed()).contains("The 'x' login was cancelled: ").doesNotContain("Or paste here");
		assertThat(this.opened.get()).as("no browser opened after the cancellation").isNull();
	}

	private static boolean countdownWaits() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.anyMatch((thread) -> thread.getName().equals(WaitingProgress.THREAD_NAME)
					&& thread.getState() == Thread.State.TIMED_WAITING);
	}

	private static boolean awaitNoReaderThread() throws InterruptedException {
		BooleanSupplier none = () -> Thread.getAllStackTraces()
			.keySet()
			.stream()
			.noneMatch((thread) -> thread.isAlive() && thread.getName().startsWith(PasteBackReader.THREAD_NAME_PREFIX));
		waitFor(none);
		return none.getAsBoolean();
	}

	@Test
	void aPastedAddressWinsAndTheListenerIsStopped() throws Exception {
		try (CapturedLogs logs = new CapturedLogs()) {
			CompletableFuture<OAuth2AuthorizedClient> login = startWithTerminal();
			URI redirect = redirectUri();
			assertThat(printed()).contains("Opening the browser with the application's BrowserLauncher",
					"Or paste here the address the browser ends on (" + redirect + "?...)");
			type(redirect + "?code=pasted-CODE-71&state=" + state());
			OAuth2AuthorizedClient client = login.get();
			assertThat(client.getAccessToken().getTokenValue()).isEqualTo("AT-1");
			assertThat(this.exchangedCodes).containsExactly("pasted-CODE-71");
			// The browser comes too late: the listener is closed, or answers that the login ended.
			URI late = URI.create(redirect + "?code=late-code&state=" + state());
			try {
				HttpResponse<String> answer = HttpClient.newHttpClient()
					.send(HttpRequest.newBuilder(late).build(), HttpResponse.BodyHandlers.ofString());
				assertThat(answer.statusCode()).isEqualTo(400);
			}
			catch (IOException closed) {
				// Refused, or cut off by the listener closing meanwhile (its close runs just after the login ends).
			}
			assertThat(this.exchangedCodes).containsExactly("pasted-CODE-71");
			assertThat(printed()).doesNotContain("pasted-CODE-71");
			assertThat(logs.text()).doesNotContain("pasted-CODE-71");
		}
	}

	@Test
	void theCallbackWinsAndALineTypedAfterwardsStaysForTheProgram() throws Exception {
		CallbackBrowser browser = new CallbackBrowser("browser-code");
		OAuth2AuthorizedClient client = authorizer(browser, terminal(this.stdin)).authorize("x");
		assertThat(client).isNotNull();
		assertThat(this.exchangedCodes).containsExactly("browser-code");
		assertThat(browser.response().statusCode()).isEqualTo(200);
		type("the program's next line");
		// Give a reader that was not stopped several polls to take it.
		Thread.sleep(5 * 100);
		assertThat(this.stdin.available()).isEqualTo("the program's next line\n".length());
		try (var next = new java.io.BufferedReader(new InputStreamReader(this.stdin, StandardCharsets.UTF_8))) {
			assertThat(next.readLine()).isEqualTo("the program's next line");
		}
	}

	@Test
	void aPastedAddressWithAnotherStateIsRefusedAndTheLoginKeepsWaiting() throws Exception {
		CompletableFuture<OAuth2AuthorizedClient> login = startWithTerminal();
		URI redirect = redirectUri();
		type(redirect + "?code=wrong-code&state=not-the-state");
		awaitPrinted("That address was not used: it does not carry the expected state. Still waiting");
		assertThat(login).isNotDone();
		type(redirect + "?code=right-code&state=" + state());
		assertThat(login.get().getAccessToken().getTokenValue()).isEqualTo("AT-1");
		assertThat(this.exchangedCodes).containsExactly("right-code");
		assertThat(printed()).doesNotContain("wrong-code", "right-code", "not-the-state");
	}

	@Test
	void aPastedAddressFromAnotherIssuerEndsTheLoginAsACallbackWould() throws Exception {
		CompletableFuture<OAuth2AuthorizedClient> login = startWithTerminal();
		type(redirectUri() + "?code=mixed-up&state=" + state() + "&iss=https%3A%2F%2Fattacker.example");
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(login::get)
			.havingCause()
			.isInstanceOf(AuthorizationIssuerMismatchException.class)
			.satisfies((ex) -> assertThat(((AuthorizationIssuerMismatchException) ex).getReceivedIssuer())
				.isEqualTo("https://attacker.example"));
		assertThat(this.exchangedCodes).isEmpty();
	}

	@Test
	void aPastedAddressWithAnotherSchemeHostPortOrPathIsRefused() throws Exception {
		CompletableFuture<OAuth2AuthorizedClient> login = startWithTerminal();
		URI redirect = redirectUri();
		String query = "?code=elsewhere&state=" + state();
		int port = redirect.getPort();
		List<String> others = List.of("http://127.0.0.1:" + (port + 1) + "/callback" + query,
				"http://localhost:" + port + "/callback" + query, "http://10.0.0.7:" + port + "/callback" + query,
				"https://127.0.0.1:" + port + "/callback" + query, "http://127.0.0.1:" + port + "/other" + query,
				"http://127.0.0.1:" + port + "/callback/" + query, "http://user@127.0.0.1:" + port + "/callback" + query);
		for (String other : others) {
			type(other);
		}
		waitFor(() -> printed().split("is not this login's redirect address", -1).length > others.size());
		assertThat(printed().split("That address was not used: it is not this login's redirect address " + redirect,
				-1))
			.hasSize(others.size() + 1);
		assertThat(login).isNotDone();
		type("garbage without a scheme");
		awaitPrinted("A code on its own is not accepted");
		type("http://127.0.0.1:" + port + "/callback?code=x&state=" + state() + "&code=y");
		awaitPrinted("it repeats code or error");
		assertThat(login).isNotDone();
		assertThat(this.exchangedCodes).isEmpty();
		type(redirect + query);
		assertThat(login.get()).isNotNull();
		assertThat(this.exchangedCodes).containsExactly("elsewhere");
	}

	@Test
	void standardInputIsNeverTouchedWithoutATerminal() throws Exception {
		AtomicInteger touched = new AtomicInteger();
		TerminalInput noTerminal = FakeTerminal.none(() -> {
			touched.incrementAndGet();
			return InputStream.nullInputStream();
		});
		CallbackBrowser browser = new CallbackBrowser("browser-code");
		assertThat(authorizer(browser, noTerminal).authorize("x")).isNotNull();
		assertThat(touched).hasValue(0);
		assertThat(printed()).doesNotContain("paste");
		assertThat(Set.copyOf(this.exchangedCodes)).containsExactly("browser-code");
	}

	@Test
	void aLateLineAfterTheLoginEndedIsNotRead() throws Exception {
		CompletableFuture<OAuth2AuthorizedClient> login = startWithTerminal();
		assertThat(login.cancel(true)).isTrue();
		type(redirectUri() + "?code=too-late&state=" + state());
		Thread.sleep(5 * 100);
		assertThat(this.exchangedCodes).isEmpty();
		assertThat(this.stdin.available()).isPositive();
	}

}
