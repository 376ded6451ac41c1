package io.github.oauthcallback.sample;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.sample.demo.DemoIdentityProvider;
import io.github.oauthcallback.support.DeviceApprover;
import io.github.oauthcallback.support.TestThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Runs the sample in the 'demo' profile end to end: the embedded identity provider starts, {@code login} goes
 * through the provider's login and consent pages (played by {@link BrowserUser}) and the loopback listener, then
 * {@code status} and {@code logout} work on what was stored.
 */
@ExtendWith(OutputCaptureExtension.class)
class DemoLoginTests {

	private static final String ACCOUNT = "sample-tester";

	@Test
	void loginStatusAndLogoutAgainstTheDemoProvider(CapturedOutput output) throws Exception {
		SpringApplication application = SampleApplication.application(PlayTheUser.class);
		URI issuer;
		try (ConfigurableApplicationContext context = application.run("login", "--oauth-callback.login.timeout=30s",
				"--oauth-callback.login.account=" + ACCOUNT, "--sample.demo.consent=true")) {
			SampleCommands commands = context.getBean(SampleCommands.class);
			BrowserUser user = context.getBean(BrowserUser.class);
			DemoIdentityProvider provider = context.getBean(DemoIdentityProvider.class);
			OAuth2AuthorizedClientService store = context.getBean(OAuth2AuthorizedClientService.class);
			issuer = provider.issuer();

			assertThat(user.failure()).isNull();
			assertThat(commands.getExitCode()).isZero();
			assertThat(user.pagesSeen()).containsExactly("login", "consent", "callback");
			assertThat(user.callbackStatus()).isEqualTo(200);
			assertThat(output.getErr()).contains("Demo identity provider (profile 'demo') running at " + issuer,
					"Sign in as user 'demo' with password '" + provider.password() + "'",
					"Logging in to 'demo' as account '" + ACCOUNT + "'");
			OAuth2AuthorizedClient stored = store.loadAuthorizedClient("demo", ACCOUNT);
			assertThat(stored).isNotNull();
			assertThat(stored.getAccessToken().getScopes()).contains("openid", "profile");
			assertThat(output.getOut()).contains("Logged in to 'demo'. Stored for account '" + ACCOUNT + "':",
					"access token (Bearer) with scopes openid profile, expires ", "refresh token: none",
					"signed in at the provider as 'demo'", "Stored in ", "tokens.json");

			assertThat(commands.execute("call", "demo", issuer + "/userinfo")).isZero();
			assertThat(output.getOut()).contains("HTTP 200", "\"sub\":\"demo\"");

			assertThat(commands.execute("status")).isZero();
			assertThat(output.getOut()).contains("Account '" + ACCOUNT + "', 2 registrations:",
					"  demo (client demo-cli at " + issuer + "/oauth2/authorize): logged in; access token (Bearer)");

			assertThat(commands.execute("logout")).isZero();
			assertThat(output.getOut()).contains("Removed the stored login for 'demo' (account '" + ACCOUNT + "')",
					"Revoked the access token at the provider.");
			// Revoked at the provider: the token no longer opens its user info.
			assertThat(userInfoStatus(issuer, stored.getAccessToken().getTokenValue())).isEqualTo(401);
			OAuth2AuthorizedClient removed = store.loadAuthorizedClient("demo", ACCOUNT);
			assertThat(removed).isNull();
			assertThat(commands.execute("status")).isZero();
			assertThat(output.getOut()).contains(": no login stored");
			assertThat(commands.execute("logout", "demo")).isZero();
			assertThat(output.getOut()).contains("Nothing to remove: no login is stored for 'demo'");

			// The provider remembers the session and the consent, like a browser would.
			assertThat(commands.execute("login", "demo")).isZero();
			assertThat(user.pagesSeen()).containsExactly("callback");
			OAuth2AuthorizedClient again = store.loadAuthorizedClient("demo", ACCOUNT);
			assertThat(again).isNotNull();

			assertThat(commands.execute("logout", "--all")).isZero();
			assertThat(output.getOut()).contains("Removed 1 stored login from ",
					"  demo / " + ACCOUNT + ": Revoked the access token at the provider.");
			assertThat(output.toString()).doesNotContain("Warning:");

			assertThat(output.toString()).doesNotContain(stored.getAccessToken().getTokenValue(),
					again.getAccessToken().getTokenValue());
		}
		// Closing the sample closes the provider: its port no longer accepts connections.
		assertNotListening(issuer);
		// Tomcat's threads end a moment after the server stops.
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (tomcatThreadAlive() && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(tomcatThreadAlive()).as("a Tomcat thread of the provider is left").isFalse();
	}

	private static boolean tomcatThreadAlive() {
		return Thread.getAllStackTraces().keySet().stream().anyMatch((thread) -> thread.isAlive() && !thread.isDaemon()
				&& Set.of("Catalina", "http-nio", "container").stream().anyMatch(thread.getName()::contains));
	}

	/**
	 * Every logger at TRACE (the starter's, Spring's, the JDK's, and the demo provider's in this JVM): a browser
	 * login, a call and a logout show no token, authorization code or code verifier. One logger is left at INFO: the
	 * JDK HTTP client's debug logger, which the simulated browser's own client writes the redirect it follows to (a
	 * real browser is another process); the starter's JDK-client calls at TRACE are checked by the auto-configuration's
	 * NoSecretInLogsAtTraceTests, in a JVM of their own. The state is in the printed URL by design, and the demo
	 * user's password is printed at start-up for the user by design.
	 */
	@Test
	void noSecretInTheOutputWithEveryLoggerAtTrace(@TempDir Path dir, CapturedOutput output) throws Exception {
		List<String> secrets = new ArrayList<>();
		try (ConfigurableApplicationContext context = SampleApplication.application(PlayTheUser.class)
			.run("login", "--logging.level.root=TRACE", "--logging.level.jdk.internal.httpclient.debug=info",
					"--oauth-callback.login.account=" + ACCOUNT,
					"--oauth-callback.store.file.path=" + dir.resolve("tokens.json"))) {
			SampleCommands commands = context.getBean(SampleCommands.class);
			BrowserUser user = context.getBean(BrowserUser.class);
			DemoIdentityProvider provider = context.getBean(DemoIdentityProvider.class);
			assertThat(commands.getExitCode()).isZero();
			assertThat(user.pagesSeen()).contains("callback");
			OAuth2AuthorizedClient stored = context.getBean(OAuth2AuthorizedClientService.class)
				.loadAuthorizedClient("demo", ACCOUNT);
			assertThat(commands.execute("call", "demo", provider.issuer() + "/userinfo")).isZero();
			assertThat(commands.execute("logout")).isZero();
			secrets.add(stored.getAccessToken().getTokenValue());
			secrets.add(user.callbackValue("code"));
		}
		String text = output.toString();
		assertThat(text).as("logged at TRACE").contains(" TRACE ");
		assertThat(secrets).allSatisfy((secret) -> assertThat(text).doesNotContain(secret));
		assertThat(text).doesNotContainPattern("eyJ[\\w-]{20,}").doesNotContainPattern("code_verifier=[\\w-]");
	}

	@Test
	void aLoginIsStillThereInTheNextRun(@TempDir Path dir, CapturedOutput output) throws Exception {
		String file = "--oauth-callback.store.file.path=" + dir.resolve("tokens.json");
		int port;
		try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = free.getLocalPort();
		}
		String[] common = { file, "--sample.demo.port=" + port, "--oauth-callback.login.account=" + ACCOUNT };
		try (ConfigurableApplicationContext first = SampleApplication.application(PlayTheUser.class)
			.run(concat(common, "login"))) {
			assertThat(first.getBean(SampleCommands.class).getExitCode()).isZero();
		}
		try (ConfigurableApplicationContext second = SampleApplication.application().run(concat(common, "status"))) {
			assertThat(second.getBean(SampleCommands.class).getExitCode()).isZero();
			assertThat(output.getOut()).contains("  demo (client demo-cli at http://127.0.0.1:" + port
					+ "/oauth2/authorize): logged in; access token (Bearer)", "(1 login)",
					"  demo / " + ACCOUNT + ": scopes openid profile");
		}
	}

	/** The demo provider's device login: 'login demo-device'; 'login demo --device' is refused by the provider. */
	@Test
	void deviceLoginAgainstTheDemoProvider(@TempDir Path dir, CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext context = SampleApplication.application(ApproveOnAnotherDevice.class)
			.run("login", "demo-device", "--oauth-callback.login.timeout=60s",
					"--oauth-callback.store.file.path=" + dir.resolve("tokens.json"),
					"--oauth-callback.login.account=" + ACCOUNT)) {
			SampleCommands commands = context.getBean(SampleCommands.class);
			ApproveOnAnotherDevice device = context.getBean(ApproveOnAnotherDevice.class);
			assertThat(device.failures).isEmpty();
			assertThat(commands.getExitCode()).isZero();
			assertThat(output.getErr()).contains("Logging in to 'demo-device' as account '" + ACCOUNT
					+ "': enter the code below on any device", "open this page on any device:",
					"/oauth2/device_verification", "and enter the code:  ",
					"Enter the code only if you started this login yourself");
			OAuth2AuthorizedClient stored = context.getBean(OAuth2AuthorizedClientService.class)
				.loadAuthorizedClient("demo-device", ACCOUNT);
			assertThat(stored).isNotNull();
			assertThat(stored.getRefreshToken()).isNotNull();
			assertThat(output.getOut()).contains("Logged in to 'demo-device'. Stored for account '" + ACCOUNT + "':",
					"with scopes profile", "refresh token: stored");
			assertThat(output.toString()).doesNotContain(stored.getAccessToken().getTokenValue(),
					stored.getRefreshToken().getTokenValue());

			// The demo browser client may not use the device grant at the provider: a clear failure, nothing stored.
			assertThat(commands.execute("login", "demo", "--device")).isEqualTo(SampleCommands.FAILED);
			assertThat(output.getErr()).contains("The device authorization endpoint", "of registration 'demo'",
					"unauthorized_client");
		}
	}

	/** Not a {@code @Configuration}: approves each device login at the page the sample opens, as its user. */
	public static class ApproveOnAnotherDevice {

		final List<Throwable> failures = new CopyOnWriteArrayList<>();

		@Bean
		BrowserLauncher approvingDevice(DemoIdentityProvider provider) {
			return (uri) -> DeviceApprover.approveLater(uri, provider.username(), provider.password(), this.failures);
		}

	}

	private static String[] concat(String[] common, String... command) {
		List<String> all = new ArrayList<>(List.of(command));
		all.addAll(List.of(common));
		return all.toArray(String[]::new);
	}

	@Test
	void unknownRegistrationFailsWithTheDeclaredOnes(CapturedOutput output) {
		SpringApplication application = SampleApplication.application();
		ConfigurableApplicationContext context = application.run("login", "nosuch");
		DemoIdentityProvider provider = context.getBean(DemoIdentityProvider.class);
		assertThat(provider.isRunning()).isTrue();
		assertThat(SpringApplication.exit(context)).isEqualTo(SampleCommands.FAILED);
		assertThat(output.getErr()).contains("There is no client registration 'nosuch' (declared: ",
				"spring.security.oauth2.client.registration.nosuch");
		// Both demo registrations, in the repository's order.
		assertThat(output.getErr()).containsPattern("\\(declared: (demo, demo-device|demo-device, demo)\\)");
		assertThat(provider.isRunning()).isFalse();
	}

	@Test
	void theProviderStopsWhenTheSampleFailsToStart(CapturedOutput output) {
		assertThatException().isThrownBy(() -> SampleApplication.application()
			.run("status", "--spring.security.oauth2.client.registration.demo.client-authentication-method="
					+ "client_secret_basic"));
		assertThat(output).contains("APPLICATION FAILED TO START", "Registration 'demo' has no client-secret");
		Matcher issuer = Pattern.compile("running at (http://[^ ]+)\\.").matcher(output.getErr());
		assertThat(issuer.find()).isTrue();
		assertNotListening(URI.create(issuer.group(1)));
	}

	@Test
	void loginPasteOnlyPrintsTheUrlAndTheListenerStillTakesTheRedirect(@TempDir Path dir, CapturedOutput output)
			throws Exception {
		// No terminal under the test runner: nothing can be pasted, so a user who opens the printed URL in a browser
		// that reaches this machine finishes the login, and the launcher (the PlayTheUser bean) is never run.
		// On the test threads, not the common pool: on a 2-core JDK 25 its single worker may be taken.
		CompletableFuture<Void> userWithThePrintedUrl = CompletableFuture.runAsync(() -> {
			try {
				Pattern url = Pattern.compile("Open this URL to continue: (\\S+)");
				Pattern issuer = Pattern.compile("running at (http://127\\.0\\.0\\.1:\\d+)");
				Pattern password = Pattern.compile("Sign in as user 'demo' with password '([^']+)'");
				long deadline = System.nanoTime() + 30_000_000_000L;
				Matcher found = url.matcher(output.getAll());
				while (!found.find() && System.nanoTime() < deadline) {
					Thread.sleep(20);
					found = url.matcher(output.getAll());
				}
				found = url.matcher(output.getAll());
				if (!found.find()) {
					throw new IllegalStateException("No 'Open this URL to continue' line within 30 s; printed:\n"
							+ output.getAll());
				}
				Matcher at = issuer.matcher(output.getAll());
				Matcher secret = password.matcher(output.getAll());
				if (at.find() && secret.find()) {
					new BrowserUser(URI.create(at.group(1)), "demo", secret.group(1)).open(URI.create(found.group(1)));
				}
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}, TestThreads.POOL);
		try (ConfigurableApplicationContext context = SampleApplication.application(PlayTheUser.class)
			.run("login", "--paste", "--oauth-callback.login.timeout=30s", "--oauth-callback.login.account=" + ACCOUNT,
					"--oauth-callback.store.file.path=" + dir.resolve("tokens.json"))) {
			userWithThePrintedUrl.get();
			assertThat(context.getBean(SampleCommands.class).getExitCode()).isZero();
			assertThat(context.getBean(BrowserUser.class).pagesSeen()).isEmpty();
			// "there is no terminal", or under CI (the full build runs with CI=true) "this is a CI run".
			assertThat(output.getErr()).contains("oauth-callback.login.mode=paste, but ",
					": nothing is read from standard input, so open the URL in a browser that can reach this machine");
			assertThat(output.getOut()).contains("Logged in to 'demo'. Stored for account '" + ACCOUNT + "':");
		}
	}

	private static void assertNotListening(URI uri) {
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 2000);
			}
		});
	}

	/** Not a {@code @Configuration}, so the sample's component scan leaves it out of other tests. */
	public static class PlayTheUser {

		/** Replaces the starter's {@code BrowserLauncher}: a {@code BrowserUser} is one. */
		@Bean
		BrowserUser browserUser(DemoIdentityProvider provider) {
			return new BrowserUser(provider.issuer(), provider.username(), provider.password());
		}

	}

	private static int userInfoStatus(URI issuer, String accessToken) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(issuer + "/userinfo"))
			.header("Authorization", "Bearer " + accessToken)
			.build();
		return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
	}

}
