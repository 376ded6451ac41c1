package io.github.oauthcallback.browser;

import io.github.oauthcallback.internal.browser.SystemBrowserLauncher;
import io.github.oauthcallback.internal.environment.BrowserAvailability;
import io.github.oauthcallback.internal.environment.RunEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

	private SystemBrowserLauncher launcher(String mode, Map<String, String> env, String os, Set<String> onPath) {
		return new SystemBrowserLauncher(mode, RunEnvironment.of(env, os, false, onPath::contains), (uri) -> false,
				this.started::add);
	}

	@Test
	void underWslExplorerExeOpensTheWindowsBrowserWhereWslviewIsMissing() throws Exception {
		Map<String, String> wsl = Map.of("WSL_DISTRO_NAME", "Ubuntu");
		launcher("auto", wsl, "Linux", Set.of("wslview", "explorer.exe")).open(URL);
		launcher("auto", wsl, "Linux", Set.of("explorer.exe")).open(URL);
		assertThat(this.started).containsExactly(List.of("wslview", URL.toString()),
				List.of("explorer.exe", URL.toString()));
		assertThat(launcher("auto", wsl, "Linux", Set.of("explorer.exe")).availability())
			.isEqualTo(BrowserAvailability.detected("explorer.exe"));
		assertThat(launcher("auto", wsl, "Linux", Set.of()).availability().available()).isFalse();
	}

	@Test
	void availabilitySaysWhatWouldOpenTheBrowserWithoutOpeningIt() {
		assertThat(launcher("print", Map.of("BROWSER", "firefox"), "Linux", Set.of("xdg-open")).availability())
			.isEqualTo(BrowserAvailability.printOnly("oauth-callback.login.browser=print"));
		assertThat(launcher("chromium --incognito", Map.of(), "Linux", Set.of()).availability())
			.isEqualTo(BrowserAvailability.configured("the command in oauth-callback.login.browser"));
		assertThat(launcher("auto", Map.of("BROWSER", "w3m"), "Linux", Set.of()).availability())
			.isEqualTo(BrowserAvailability.configured("the BROWSER variable's command"));
		assertThat(launcher("auto", Map.of("DISPLAY", ":0"), "Linux", Set.of("xdg-open")).availability())
			.isEqualTo(BrowserAvailability.detected("xdg-open"));
		assertThat(launcher("auto", Map.of(), "Linux", Set.of("xdg-open")).availability())
			.isEqualTo(BrowserAvailability.none("no DISPLAY or WAYLAND_DISPLAY, no BROWSER variable"));
		assertThat(launcher("auto", Map.of("DISPLAY", ":0"), "Linux", Set.of()).availability().available()).isFalse();
		assertThat(launcher("auto", Map.of(), "Mac OS X", Set.of()).availability().available()).isTrue();
		assertThat(launcher("auto", Map.of(), "Windows 11", Set.of()).availability().available()).isTrue();
		assertThat(this.started).isEmpty();
		assertThat(this.desktopOpened).isEmpty();
	}

}
