package io.github.oauthcallback.sample;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.concurrent.TimeUnit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.jline.terminal.Terminal;
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
import org.springframework.shell.core.autoconfigure.TerminalCustomizer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 'shell' profile: Spring Shell's interactive JLine runner, with the starter's {@code login}, {@code status} and
 * {@code logout} commands, against the demo provider. The user's typing is a script on the terminal's input (a dumb
 * terminal over streams instead of the console); everything else is the application as {@code main} runs it.
 */
@ExtendWith(OutputCaptureExtension.class)
class ShellProfileTests {

	private static final String ACCOUNT = "shell-tester";

	/** What Spring Shell's runner prints last, on 'exit'. */
	private static final String EXITING = "Exiting the shell";

	@Test
	void loginStatusAndLogoutTypedIntoTheShell(@TempDir Path dir, CapturedOutput output) {
		ScriptedTerminal.script("""
				login demo
				status
				logout demo
				status
				exit
				""");
		ConfigurableApplicationContext context = SampleApplication.application(DemoLoginTests.PlayTheUser.class,
				ScriptedTerminal.class)
			.run("--spring.profiles.active=demo,shell", "--oauth-callback.login.account=" + ACCOUNT,
					"--oauth-callback.store.file.path=" + dir.resolve("tokens.json"),
					"--spring.shell.history.name=" + dir.resolve("history.log"));
		try {
			assertTheScriptRan(context, dir, output);
			assertThat(SpringApplication.exit(context)).isZero();
		}
		finally {
			// Closed even when an assertion fails, so no listener or provider port outlives the test.
			if (context.isActive()) {
				context.close();
			}
		}
	}

	private static void assertTheScriptRan(ConfigurableApplicationContext context, Path dir, CapturedOutput output) {
		// The runner has returned: the shell read 'exit'. JLine runs even this dumb terminal on a pseudo-terminal: what
		// the shell wrote reaches the screen through JLine's output pump thread, a moment later. So the screen is
		// read once the shell's last words are on it.
		Terminal terminal = context.getBean(Terminal.class);
		terminal.writer().flush();
		terminal.flush();
		String screen = ScriptedTerminal.awaitScreen(EXITING);
		OAuth2AuthorizedClientService store = context.getBean(OAuth2AuthorizedClientService.class);
		BrowserUser user = context.getBean(BrowserUser.class);
		assertThat(context.getBeansOfType(SampleCommands.class)).as("the sample's dispatcher is off").isEmpty();
		assertThat(user.failure()).isNull();
		assertThat(user.pagesSeen()).containsExactly("login", "callback");
		assertThat(screen).contains("Logged in to 'demo' as account '" + ACCOUNT + "': scopes openid profile",
				"Signed in at the provider as 'demo'.", "Stored in " + dir.resolve("tokens.json"),
				"(1 login(s))", "  demo / " + ACCOUNT + ": scopes openid profile",
				"Removed the login of 'demo' for account '" + ACCOUNT + "'.",
				"Revoked the access token at the provider.", "(0 login(s))");
		assertThat(screen.indexOf("(1 login(s))")).isLessThan(screen.indexOf("(0 login(s))"));
		assertThat(screen.indexOf("(0 login(s))")).isLessThan(screen.indexOf(EXITING));
		assertThat(store.<OAuth2AuthorizedClient>loadAuthorizedClient("demo", ACCOUNT)).isNull();
		// The demo provider's tokens are JWTs: none is shown.
		assertThat(screen + output).doesNotContainPattern("eyJ[\\w-]{20,}");
	}

	/**
	 * Not a {@code @Configuration}, so the sample's component scan leaves it out of other tests: Spring Shell's
	 * terminal reads the script and writes to memory.
	 */
	public static class ScriptedTerminal {

		private static volatile byte[] script = new byte[0];

		private static final ByteArrayOutputStream SCREEN = new ByteArrayOutputStream();

		static void script(String lines) {
			script = lines.getBytes(StandardCharsets.UTF_8);
			synchronized (SCREEN) {
				SCREEN.reset();
			}
		}

		static String screen() {
			synchronized (SCREEN) {
				return SCREEN.toString(StandardCharsets.UTF_8);
			}
		}

		/**
		 * The screen once it shows the given text, or as it is after ten seconds (the assertions then say what is
		 * missing).
		 */
		static String awaitScreen(String text) {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (!screen().contains(text) && System.nanoTime() < deadline) {
				try {
					Thread.sleep(20);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
			return screen();
		}

		/**
		 * After the script, a user who types nothing more: the terminal's input does not end (an input that ends at
		 * once would make the terminal stop reading before the shell has read the script). Ends after a minute, in
		 * case the script lacks its 'exit'.
		 */
		private static final class TypingPause extends InputStream {

			@Override
			public int read() throws java.io.IOException {
				// JLine may interrupt the thread that pumps the terminal's input (around a command's run): ending the
				// input then would be an end of input the user never typed, and the shell would stop before the rest
				// of the script. So an interrupt does not end the pause; only the minute does.
				long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
				boolean interrupted = false;
				long left;
				while ((left = end - System.nanoTime()) > 0) {
					try {
						TimeUnit.NANOSECONDS.sleep(left);
					}
					catch (InterruptedException ex) {
						interrupted = true;
					}
				}
				if (interrupted) {
					Thread.currentThread().interrupt();
				}
				return -1;
			}

		}

		@Bean
		TerminalCustomizer scriptedTerminal() {
			return (builder) -> builder.system(false)
				.type(Terminal.TYPE_DUMB)
				.streams(new SequenceInputStream(new ByteArrayInputStream(script), new TypingPause()), new OutputStream() {

					@Override
					public void write(int b) {
						synchronized (SCREEN) {
							SCREEN.write(b);
						}
					}

					@Override
					public void write(byte[] bytes, int offset, int length) {
						synchronized (SCREEN) {
							SCREEN.write(bytes, offset, length);
						}
					}

				});
		}

	}

}
