package io.github.oauthcallback.sample;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.github.oauthcallback.sample.demo.DemoIdentityProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The commands outside the demo profile: help and usage errors, and a provider declared purely with Spring Boot's
 * {@code spring.security.oauth2.client.*} properties on the command line (no network needed).
 */
@ExtendWith(OutputCaptureExtension.class)
class CommandLineTests {

	private static final String REGISTRATION = "--spring.security.oauth2.client.registration.acme.";

	private static final String PROVIDER = "--spring.security.oauth2.client.provider.acme.";

	private static final String[] ACME = { "--spring.profiles.active=test", REGISTRATION + "client-id=acme-cli",
			REGISTRATION + "client-authentication-method=none",
			REGISTRATION + "authorization-grant-type=authorization_code",
			REGISTRATION + "redirect-uri=http://127.0.0.1/callback", REGISTRATION + "scope=read",
			PROVIDER + "authorization-uri=https://idp.example/authorize", PROVIDER + "token-uri=https://idp.example/token",
			"--oauth-callback.login.account=someone" };

	@Test
	void helpNeedsNoApplicationContext() {
		for (String[] args : List.of(new String[0], new String[] { "help" }, new String[] { "--help" },
				new String[] { "-h", "--spring.profiles.active=github" })) {
			Streams streams = new Streams();
			assertThat(SampleCommands.answerWithoutSpring(args, streams.out, streams.err)).isZero();
			assertThat(streams.out()).contains("Usage: java -jar sample-cli-app.jar <command>",
					"login [registration]", "status", "logout [registration]", "logout --all",
					"call <registration> <url>", "help", "demo     (default)", "batch",
					"github", "--oauth-callback.login.browser=print");
			assertThat(streams.err()).isEmpty();
		}
	}

	@Test
	void theMcpCommandIsListedAndRunsInItsOwnProfileInsteadOfTheDemo() {
		Streams streams = new Streams();
		SampleCommands.answerWithoutSpring(new String[] { "help" }, streams.out, streams.err);
		assertThat(streams.out()).contains("mcp <server-url>", "mcp <server-url> call <tool> [json-arguments]");
		assertThat(SampleCommands.answerWithoutSpring(new String[] { "mcp", "https://mcp.example/mcp" }, streams.out,
				streams.err))
			.as("needs the application context").isNull();
		assertThat(SampleApplication.mcp(new String[] { "mcp", "--oauth-callback.store.type=memory",
				"http://localhost:3000/mcp" })).isTrue();
		assertThat(SampleApplication.mcp(new String[] { "--spring.profiles.active=demo", "login" })).isFalse();
		assertThat(SampleApplication.mcp(new String[0])).isFalse();
	}

	@Test
	void unknownCommandIsAUsageError() {
		Streams streams = new Streams();
		assertThat(SampleCommands.answerWithoutSpring(new String[] { "frobnicate" }, streams.out, streams.err))
			.isEqualTo(SampleCommands.USAGE);
		assertThat(streams.out()).isEmpty();
		assertThat(streams.err()).startsWith("Unknown command 'frobnicate'.").contains("Usage:");
	}

	@Test
	void commandsThatNeedTheContextAreLeftToTheRunner() {
		Streams streams = new Streams();
		assertThat(SampleCommands.answerWithoutSpring(new String[] { "--spring.profiles.active=github", "status" },
				streams.out, streams.err))
			.isNull();
		assertThat(SampleCommands.words("--x=y", "login", "demo")).containsExactly("login", "demo");
		assertThat(SampleCommands.words("logout", "--all")).containsExactly("logout", "--all");
		assertThat(SampleApplication.batch(new String[] { "--spring.profiles.active=demo,batch" })).isTrue();
		assertThat(SampleApplication.batch(new String[] { "--spring.profiles.active=demo" })).isFalse();
	}

	@Test
	void theRunnerAnswersHelpToo(CapturedOutput output) {
		ConfigurableApplicationContext context = SampleApplication.application()
			.run("help", "--spring.profiles.active=test");
		assertThat(context.getBeansOfType(DemoIdentityProvider.class)).isEmpty();
		assertThat(SpringApplication.exit(context)).isZero();
		assertThat(output.getOut()).contains("Usage: java -jar sample-cli-app.jar <command>");
	}

	@Test
	void providerDeclaredOnTheCommandLine(CapturedOutput output) {
		ConfigurableApplicationContext context = SampleApplication.application().run(args("status"));
		SampleCommands commands = context.getBean(SampleCommands.class);
		try {
			assertThat(context.getBeansOfType(DemoIdentityProvider.class)).isEmpty();
			assertThat(commands.getExitCode()).isZero();
			assertThat(output.getOut()).contains("Account 'someone', 1 registration:",
					"  acme (client acme-cli at https://idp.example/authorize): no login stored", "Store: ",
					"oauth-callback-sample-tests", "(0 logins)");

			assertThat(commands.execute("logout")).isZero();
			assertThat(output.getOut()).contains("Nothing to remove: no login is stored for 'acme' under account "
					+ "'someone'.");

			assertThat(commands.execute("logout", "nosuch")).isEqualTo(SampleCommands.FAILED);
			assertThat(output.getErr()).contains("There is no client registration 'nosuch' (declared: acme).");

			assertThat(commands.execute("status", "extra")).isEqualTo(SampleCommands.USAGE);
			assertThat(output.getErr()).contains("'status' takes no arguments (got extra).", "Run 'help'");

			assertThat(commands.execute("login", "a", "b")).isEqualTo(SampleCommands.USAGE);
			assertThat(commands.execute("call", "acme")).isEqualTo(SampleCommands.USAGE);
			assertThat(output.getErr()).contains("'call' takes a registration and a URL");

			assertThat(commands.execute("logout", "--all")).isZero();
			assertThat(output.getOut()).contains("Removed 0 stored logins from ");

			// An unexpected failure (here the URL template has a variable nobody gives) is described without the
			// token-like value its message quotes.
			assertThat(commands.execute("call", "acme", "https://api.example/{gho16C7e42F292c6912E7710c838347Ae178B4a}"))
				.isEqualTo(SampleCommands.FAILED);
			assertThat(output.getErr()).contains("'call' failed unexpectedly: IllegalArgumentException: ", "[redacted]")
				.doesNotContain("gho16C7e42F292c6912E7710c838347Ae178B4a");
		}
		finally {
			context.close();
		}
	}

	@Test
	void loginToAnUnknownRegistrationExitsWithStatusOne(CapturedOutput output) {
		ConfigurableApplicationContext context = SampleApplication.application().run(args("login", "nosuch"));
		assertThat(SpringApplication.exit(context)).isEqualTo(SampleCommands.FAILED);
		// The starter's own message, naming the declared registrations and the property to add.
		assertThat(output.getErr()).contains("There is no client registration 'nosuch' (declared: acme). Declare it "
				+ "under spring.security.oauth2.client.registration.nosuch.* or use one of the declared ids.");
		assertThat(output.getOut()).doesNotContain("Logged in");
		assertThat(output.getErr()).doesNotContain("Logging in to 'nosuch'");
	}

	@Test
	void githubAndGoogleProfilesBindWithStandardProperties(CapturedOutput output) {
		ConfigurableApplicationContext context = SampleApplication.application()
			.run("status", "--spring.profiles.active=github,google", "--GITHUB_CLIENT_ID=gh-id",
					"--GITHUB_CLIENT_SECRET=gh-secret", "--GOOGLE_CLIENT_ID=g-id", "--GOOGLE_CLIENT_SECRET=g-secret");
		try {
			assertThat(context.getBean(SampleCommands.class).getExitCode()).isZero();
			assertThat(output.getOut()).contains("2 registrations:",
					"github (client gh-id at https://github.com/login/oauth/authorize): no login stored",
					"google (client g-id at https://accounts.google.com/o/oauth2/v2/auth): no login stored");
			assertThat(context.getBean(SampleCommands.class).execute("logout")).isEqualTo(SampleCommands.USAGE);
			assertThat(output.getErr()).contains("Several registrations are declared (", "set sample.default-registration");
		}
		finally {
			context.close();
		}
	}

	@Test
	void missingGithubCredentialsStopTheStartWithAShortReport(CapturedOutput output) {
		assertThatException().isThrownBy(() -> SampleApplication.application()
			.run("status", "--spring.profiles.active=github", "--GITHUB_CLIENT_ID=", "--GITHUB_CLIENT_SECRET="));
		assertThat(output).contains("APPLICATION FAILED TO START",
				"Invalid spring.security.oauth2.client configuration: Client id of registration 'github' must not be "
						+ "empty.",
				"environment variables")
			.doesNotContain("\tat org.springframework");

		assertThatException().isThrownBy(() -> SampleApplication.application()
			.run("status", "--spring.profiles.active=github", "--GITHUB_CLIENT_ID=gh-id", "--GITHUB_CLIENT_SECRET="));
		// The starter's start-up check: a secret-less registration must say client-authentication-method none.
		assertThat(output).contains("Registration 'github' has no client-secret");
	}

	@Test
	void noRegistrationAtAll(CapturedOutput output) {
		ConfigurableApplicationContext context = SampleApplication.application()
			.run("status", "--spring.profiles.active=test");
		assertThat(SpringApplication.exit(context)).isEqualTo(SampleCommands.FAILED);
		assertThat(output.getErr()).contains("No client registration is configured.");
	}

	@Test
	void aLoginWrittenWithAnotherKeyStillShowsTheStoreAndCanBeLoggedOut(CapturedOutput output,
			@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
		String file = "--oauth-callback.store.file.path=" + dir.resolve("tokens.json");
		String oldKey = "--oauth-callback.store.encryption.key=" + key();
		ConfigurableApplicationContext writer = SampleApplication.application().run(args("help", file, oldKey));
		try {
			var registration = writer.getBean(org.springframework.security.oauth2.client.registration.ClientRegistrationRepository.class)
				.findByRegistrationId("acme");
			java.time.Instant now = java.time.Instant.now();
			writer.getBean(org.springframework.security.oauth2.client.OAuth2AuthorizedClientService.class)
				.saveAuthorizedClient(new org.springframework.security.oauth2.client.OAuth2AuthorizedClient(registration,
						"someone", new org.springframework.security.oauth2.core.OAuth2AccessToken(
								org.springframework.security.oauth2.core.OAuth2AccessToken.TokenType.BEARER,
								"old-key-token", now, now.plusSeconds(3600), java.util.Set.of("read"))),
						io.github.oauthcallback.internal.Accounts.principal("someone"));
		}
		finally {
			SpringApplication.exit(writer);
		}
		ConfigurableApplicationContext context = SampleApplication.application()
			.run(args("status", file, "--oauth-callback.store.encryption.key=" + key()));
		SampleCommands commands = context.getBean(SampleCommands.class);
		try {
			assertThat(commands.getExitCode()).isEqualTo(SampleCommands.FAILED);
			assertThat(output.getOut()).contains("Store: " + dir.resolve("tokens.json"),
					"Key: property oauth-callback.store.encryption.key",
					"acme (client acme-cli at https://idp.example/authorize): the stored login cannot be used",
					"In the store (1 login):", "acme / someone: scopes read");
			assertThat(output.getErr()).contains("cannot be decrypted");
			assertThat(commands.execute("logout", "acme")).isZero();
			assertThat(output.getOut()).contains("Removed the stored login for 'acme' (account 'someone'): scopes read");
			assertThat(output.toString()).doesNotContain("old-key-token");
		}
		finally {
			SpringApplication.exit(context);
		}
	}

	private static String key() {
		byte[] key = new byte[32];
		new java.security.SecureRandom().nextBytes(key);
		return java.util.Base64.getEncoder().encodeToString(key);
	}

	private static String[] args(String... command) {
		List<String> args = new ArrayList<>(List.of(command));
		args.addAll(List.of(ACME));
		return args.toArray(String[]::new);
	}

	private static final class Streams {

		private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();

		private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

		final PrintStream out = new PrintStream(this.outBytes, true, StandardCharsets.UTF_8);

		final PrintStream err = new PrintStream(this.errBytes, true, StandardCharsets.UTF_8);

		String out() {
			return this.outBytes.toString(StandardCharsets.UTF_8);
		}

		String err() {
			return this.errBytes.toString(StandardCharsets.UTF_8);
		}

	}

}
