package io.github.oauthcallback.browser;

import io.github.oauthcallback.internal.browser.SystemBrowserLauncher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

class SystemBrowserLauncherTests {

	private static final URI URL = URI.create("https://idp.example/authorize?x=1");

	private final List<List<String>> started = new ArrayList<>();

	private final List<URI> desktopOpened = new ArrayList<>();

	private SystemBrowserLauncher launcher(String mode, Map<String, String> env, String os, boolean desktop) {
		return new SystemBrowserLauncher(mode, env, os, (uri) -> {
			if (desktop) {
				this.desktopOpened.add(uri);
			}
			return desktop;
		}, this.started::add);
	}

	@Test
	void anUnsafeUriStartsNothingInAnyMode() {
		for (String mode : List.of("auto", "print", "firefox")) {
			for (String unsafe : List.of("file:///etc/passwd", "javascript:alert(1)", "http://idp.example/authorize",
					"https://user@idp.example/authorize")) {
				org.assertj.core.api.Assertions
					.assertThatExceptionOfType(io.github.oauthcallback.internal.browser.UnsafeBrowserUriException.class)
					.isThrownBy(() -> launcher(mode, Map.of("BROWSER", "firefox"), "Linux", true)
						.open(URI.create(unsafe)));
			}
		}
		assertThat(this.started).isEmpty();
		assertThat(this.desktopOpened).isEmpty();
	}

	@Test
	void printModeStartsNothing() throws Exception {
		launcher("print", Map.of("BROWSER", "firefox"), "Linux", true).open(URL);
		assertThat(this.started).isEmpty();
		assertThat(this.desktopOpened).isEmpty();
	}

	@Test
	void browserVariableComesFirstWithTheUrlAsLastArgument() throws Exception {
		launcher("auto", Map.of("BROWSER", "firefox --new-tab"), "Linux", true).open(URL);
		assertThat(this.started).containsExactly(List.of("firefox", "--new-tab", URL.toString()));
		assertThat(this.desktopOpened).isEmpty();
	}

	@Test
	void desktopComesNextThenTheOsOpener() throws Exception {
		launcher("auto", Map.of(), "Linux", true).open(URL);
		assertThat(this.desktopOpened).containsExactly(URL);
		assertThat(this.started).isEmpty();

		launcher("auto", Map.of(), "Mac OS X", false).open(URL);
		launcher("auto", Map.of(), "Windows 11", false).open(URL);
		launcher("auto", Map.of("WSL_DISTRO_NAME", "Ubuntu"), "Linux", false).open(URL);
		assertThat(this.started).containsExactly(List.of("open", URL.toString()),
				List.of("rundll32", "url.dll,FileProtocolHandler", URL.toString()), List.of("wslview", URL.toString()));
	}

	@Test
	void anyOtherModeIsACommandLine() throws Exception {
		launcher("chromium --incognito", Map.of("BROWSER", "ignored"), "Linux", true).open(URL);
		assertThat(this.started).containsExactly(List.of("chromium", "--incognito", URL.toString()));
	}

	@Test
	void openerFailureIsThrownForTheAuthorizerToReport() {
		SystemBrowserLauncher failing = new SystemBrowserLauncher("auto", Map.of(), "Linux", (uri) -> false,
				(command) -> {
					throw new IOException("no xdg-open");
				});
		assertThatIOException().isThrownBy(() -> failing.open(URL)).withMessage("no xdg-open");
	}

	@Test
	void launcherPrintsNothingItself() throws Exception {
		PrintStream original = System.err;
		PrintStream originalOut = System.out;
		ByteArrayOutputStream console = new ByteArrayOutputStream();
		PrintStream capture = new PrintStream(console, true, StandardCharsets.UTF_8);
		System.setErr(capture);
		System.setOut(capture);
		try {
			for (String mode : List.of("print", "auto", "firefox")) {
				launcher(mode, Map.of(), "Linux", true).open(URL);
			}
		}
		finally {
			System.setErr(original);
			System.setOut(originalOut);
		}
		assertThat(console.toString(StandardCharsets.UTF_8)).doesNotContain(URL.toString());
	}

}
