package io.github.oauthcallback.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.oauthcallback.support.ListenerResources;
import io.github.oauthcallback.support.TestAuthorizationServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ctrl-C for real: a program in a JVM of its own ({@link WaitingLoginApplication}) waits for a login; the test sends
 * it SIGINT, as a terminal does on Ctrl-C ({@code Process.destroy()} would send SIGTERM), and checks that the program
 * said the login was cancelled, that the listener's port is free at once, and that the program ended.
 */
@EnabledOnOs({ OS.LINUX, OS.MAC })
class CtrlCCancelsAWaitingLoginTests {

	private static final Pattern OPEN_URL_PORT = Pattern
		.compile("redirect_uri=http(?:%3A%2F%2F|://)127\\.0\\.0\\.1(?:%3A|:)(\\d+)(?:%2F|/)");

	private static TestAuthorizationServer server;

	@BeforeAll
	static void startServer() {
		server = TestAuthorizationServer.start();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	/** The program of the current test, killed after it whatever happened, so no JVM outlives a failed test. */
	private Run run;

	@AfterEach
	void killTheProgram() throws InterruptedException {
		if (this.run != null && this.run.process.isAlive()) {
			this.run.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void ctrlCCancelsABrowserLoginOfASpringApplicationAndReleasesThePort() throws Exception {
		Run run = start("loopback");
		int port = run.portFromUrl();
		assertThat(portFree(port)).as("the listener holds the port while the login waits").isFalse();
		run.awaitOutput("Ctrl-C cancels");
		assertThat(run.output()).as("the countdown, rewritten in place")
			.contains("\rWaiting for the 'demo' login in the browser: ");
		run.interrupt();
		assertThat(run.output()).contains("The 'demo' login was cancelled: the program is stopping (Ctrl-C or a "
				+ "termination signal). The listener on port " + port + " is closed.");
		assertThat(run.output()).as("said once, though the context's close cancels too").containsOnlyOnce(
				"login was cancelled");
		assertThat(portFree(port)).as("the port is released").isTrue();
	}

	@Test
	void ctrlCCancelsTheStandaloneCapture() throws Exception {
		Run run = start("capture");
		run.awaitOutput(WaitingLoginApplication.WAITING);
		int port = run.portFromUrl();
		assertThat(portFree(port)).isFalse();
		run.interrupt();
		assertThat(run.output()).contains("The 'capture' login was cancelled: the program is stopping (Ctrl-C or a "
				+ "termination signal). The listener on port " + port + " is closed.");
		assertThat(run.output()).as("output is a pipe: no carriage-return countdown").doesNotContain("\r");
		assertThat(portFree(port)).isTrue();
	}

	@Test
	void ctrlCStopsTheDevicePolling() throws Exception {
		Run run = start("device");
		run.awaitOutput("and enter the code:");
		run.awaitOutput("Ctrl-C cancels");
		assertThat(run.output()).contains("\rWaiting for approval of the 'device' login: ");
		run.interrupt();
		assertThat(run.output()).contains("The 'device' device login was cancelled: the program is stopping "
				+ "(Ctrl-C or a termination signal). Polling has stopped");
	}

	private Run start(String what) throws IOException {
		this.run = Run.start(what);
		return this.run;
	}

	private static boolean portFree(int port) throws IOException {
		return ListenerResources.portFree(InetAddress.getByName("127.0.0.1"), port);
	}

	/** One run of the program, its output read as it comes. */
	private static final class Run {

		private final Process process;

		private final StringBuffer output = new StringBuffer();

		private final Thread reader;

		private Run(Process process) {
			this.process = process;
			this.reader = new Thread(this::read, "test-output-reader");
			this.reader.setDaemon(true);
			this.reader.start();
		}

		static Run start(String what) throws IOException {
			List<String> command = new ArrayList<>(List.of(
					Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:auto",
					"-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
					WaitingLoginApplication.class.getName(), what, server.issuer()));
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
			// The standalone capture opens the browser with $BROWSER: a command that does nothing.
			builder.environment().put("BROWSER", "true");
			return new Run(builder.start());
		}

		private void read() {
			try (BufferedReader in = new BufferedReader(
					new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
				char[] buffer = new char[4096];
				int read;
				while ((read = in.read(buffer)) >= 0) {
					this.output.append(buffer, 0, read);
				}
			}
			catch (IOException ex) {
				this.output.append("[reading failed: ").append(ex).append("]");
			}
		}

		String output() {
			return this.output.toString();
		}

		void awaitOutput(String text) throws InterruptedException {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (!output().contains(text)) {
				if (System.nanoTime() > deadline || !this.process.isAlive()) {
					this.process.destroyForcibly();
					throw new AssertionError("The program did not print '" + text + "'; it printed:\n" + output());
				}
				Thread.sleep(50);
			}
		}

		int portFromUrl() throws InterruptedException {
			awaitOutput("Open this URL to continue: ");
			awaitOutput("\n");
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (System.nanoTime() < deadline) {
				Matcher matcher = OPEN_URL_PORT.matcher(output());
				if (matcher.find()) {
					return Integer.parseInt(matcher.group(1));
				}
				Thread.sleep(50);
			}
			throw new AssertionError("No redirect URI in:\n" + output());
		}

		/** Ctrl-C: SIGINT to the program, then wait for it to end and for its last words. */
		void interrupt() throws Exception {
			Process kill = new ProcessBuilder("kill", "-INT", String.valueOf(this.process.pid())).inheritIO().start();
			assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
			assertThat(kill.exitValue()).isZero();
			boolean ended = this.process.waitFor(30, TimeUnit.SECONDS);
			if (!ended) {
				this.process.destroyForcibly();
			}
			this.reader.join(10_000);
			assertThat(ended).as("the program ended on Ctrl-C; it printed:\n" + output()).isTrue();
			assertThat(this.process.exitValue()).as("exit status of a program ended by SIGINT").isEqualTo(130);
		}

	}

}
