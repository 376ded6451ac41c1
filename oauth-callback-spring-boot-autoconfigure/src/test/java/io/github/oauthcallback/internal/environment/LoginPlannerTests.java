package io.github.oauthcallback.internal.environment;

import java.util.Map;
import java.util.Set;

import io.github.oauthcallback.internal.environment.LoginPlan.Way;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The choice of how a login runs, from a fake run: environment variables, terminal, browser launcher and whether the
 * registration can take the device grant.
 */
class LoginPlannerTests {

	private static final BrowserAvailability XDG_OPEN = BrowserAvailability.detected("xdg-open");

	private static final BrowserAvailability NOTHING = BrowserAvailability.none("no DISPLAY or WAYLAND_DISPLAY");

	private static RunEnvironment linux(Map<String, String> variables) {
		return RunEnvironment.of(variables, "Linux", false, Set.of("xdg-open")::contains);
	}

	private static LoginPlan auto(Map<String, String> variables, BrowserAvailability browser, boolean device) {
		return LoginPlanner.plan(LoginMode.AUTO, linux(variables), true, browser, device);
	}

	@Test
	void aDesktopOpensTheBrowserAndAcceptsAPaste() {
		LoginPlan plan = auto(Map.of("DISPLAY", ":0"), XDG_OPEN, true);
		assertThat(plan.way()).isEqualTo(Way.BROWSER);
		assertThat(plan.pasteBack()).isTrue();
		assertThat(plan.announced()).isTrue();
		assertThat(plan.line(5000)).isEqualTo("Opening the browser with xdg-open; if it cannot reach this machine, "
				+ "paste the address the browser ends on here.");
	}

	@Test
	void sshWithoutADisplayPrintsTheUrlAcceptsAPasteAndNamesPortForwarding() {
		for (String ssh : new String[] { "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY" }) {
			LoginPlan plan = auto(Map.of(ssh, "10.0.0.2 5022 10.0.0.9 22"), XDG_OPEN, false);
			assertThat(plan.way()).as(ssh).isEqualTo(Way.PRINT);
			assertThat(plan.pasteBack()).isTrue();
			assertThat(plan.line(53682)).startsWith("SSH session (" + ssh + " is set) without a forwarded display")
				.contains("paste the address it ends on here", "ssh -L 53682:127.0.0.1:53682");
		}
	}

	@Test
	void sshWithoutADisplayTakesTheDeviceGrantWhereTheRegistrationAllowsIt() {
		LoginPlan plan = auto(Map.of("SSH_TTY", "/dev/pts/3"), XDG_OPEN, true);
		assertThat(plan.way()).isEqualTo(Way.DEVICE);
		assertThat(plan.pasteBack()).isFalse();
		assertThat(plan.line(0)).isEqualTo("SSH session (SSH_TTY is set) without a forwarded display (no DISPLAY or "
				+ "WAYLAND_DISPLAY): using the device authorization grant.");
	}

	@Test
	void sshWithAForwardedDisplayOpensTheBrowserThroughIt() {
		for (String display : new String[] { "DISPLAY", "WAYLAND_DISPLAY" }) {
			LoginPlan plan = auto(Map.of("SSH_CONNECTION", "x", display, "localhost:10.0"), XDG_OPEN, true);
			assertThat(plan.way()).as(display).isEqualTo(Way.BROWSER);
			assertThat(plan.pasteBack()).isTrue();
			assertThat(plan.line(1)).startsWith("SSH session with a forwarded display: opening the browser with "
					+ "xdg-open");
		}
	}

	@Test
	void aLauncherTheUserChoseIsUsedEvenOverSsh() {
		LoginPlan plan = auto(Map.of("SSH_CONNECTION", "x"), BrowserAvailability.configured("the BROWSER variable's "
				+ "command"), true);
		assertThat(plan.way()).isEqualTo(Way.BROWSER);
		assertThat(plan.line(1)).startsWith("Opening the browser with the BROWSER variable's command");
	}

	@Test
	void wslOpensTheWindowsBrowser() {
		RunEnvironment wsl = RunEnvironment.of(Map.of("WSL_DISTRO_NAME", "Ubuntu"), "Linux", false,
				Set.of("wslview")::contains);
		LoginPlan plan = LoginPlanner.plan(LoginMode.AUTO, wsl, true, BrowserAvailability.detected("wslview"), true);
		assertThat(plan.way()).isEqualTo(Way.BROWSER);
		assertThat(plan.pasteBack()).isTrue();
		assertThat(plan.line(1)).startsWith("WSL: opening the Windows browser with wslview;");
		RunEnvironment kernelOnly = RunEnvironment.of(Map.of(), "Linux", true, (command) -> false);
		assertThat(kernelOnly.wsl()).isTrue();
	}

	@Test
	void noLauncherPrintsTheUrlOrTakesTheDeviceGrant() {
		LoginPlan print = auto(Map.of(), NOTHING, false);
		assertThat(print.way()).isEqualTo(Way.PRINT);
		assertThat(print.pasteBack()).isTrue();
		assertThat(print.line(1)).startsWith("No browser can be opened here (no DISPLAY or WAYLAND_DISPLAY): open "
				+ "the URL in a browser on any machine, then paste");
		assertThat(auto(Map.of(), NOTHING, true).way()).isEqualTo(Way.DEVICE);
	}

	@Test
	void browserPrintIsTheUsersChoiceNotAReasonForTheDeviceGrant() {
		LoginPlan plan = auto(Map.of(), BrowserAvailability.printOnly("oauth-callback.login.browser=print"), true);
		assertThat(plan.way()).isEqualTo(Way.PRINT);
		assertThat(plan.pasteBack()).isTrue();
		assertThat(plan.line(1)).startsWith("oauth-callback.login.browser=print: open the URL in a browser yourself");
	}

	@Test
	void ciIsNonInteractiveAsBeforeWhateverElseIsSet() {
		for (Map<String, String> ci : java.util.List.of(Map.of("CI", "true"), Map.of("GITHUB_ACTIONS", "true"),
				Map.of("JENKINS_URL", "https://ci.example", "SSH_CONNECTION", "x"))) {
			LoginPlan plan = auto(ci, NOTHING, true);
			assertThat(plan.way()).as(ci.toString()).isEqualTo(Way.BROWSER);
			assertThat(plan.pasteBack()).isFalse();
			assertThat(plan.announced()).isFalse();
			assertThat(plan.line(1)).startsWith("Not interactive (a CI run (").contains("nothing is read from standard input");
		}
		assertThat(auto(Map.of("CI", "false"), XDG_OPEN, false).pasteBack()).isTrue();
	}

	@Test
	void noTerminalIsNonInteractiveAsBefore() {
		LoginPlan plan = LoginPlanner.plan(LoginMode.AUTO, linux(Map.of("SSH_CONNECTION", "x")), false, XDG_OPEN,
				true);
		assertThat(plan.way()).isEqualTo(Way.BROWSER);
		assertThat(plan.pasteBack()).isFalse();
		assertThat(plan.announced()).isFalse();
		assertThat(plan.line(1)).startsWith("Not interactive (no terminal): opening the browser with xdg-open");
	}

	@Test
	void forcedModesAreFollowed() {
		RunEnvironment ssh = linux(Map.of("SSH_CONNECTION", "x"));
		LoginPlan browser = LoginPlanner.plan(LoginMode.BROWSER, ssh, true, NOTHING, true);
		assertThat(browser.way()).isEqualTo(Way.BROWSER);
		assertThat(browser.pasteBack()).isTrue();
		assertThat(browser.line(1)).startsWith("oauth-callback.login.mode=browser: opening the browser with");

		LoginPlan paste = LoginPlanner.plan(LoginMode.PASTE, linux(Map.of("DISPLAY", ":0")), true, XDG_OPEN, true);
		assertThat(paste.way()).isEqualTo(Way.PRINT);
		assertThat(paste.pasteBack()).isTrue();
		assertThat(paste.line(4711)).startsWith("oauth-callback.login.mode=paste: open the URL in a browser on any "
				+ "machine, then paste").contains("port 4711");

		LoginPlan device = LoginPlanner.plan(LoginMode.DEVICE, linux(Map.of("DISPLAY", ":0")), true, XDG_OPEN, true);
		assertThat(device.way()).isEqualTo(Way.DEVICE);
		assertThat(device.line(0)).isEqualTo("oauth-callback.login.mode=device: using the device authorization grant.");
	}

	@Test
	void aForcedPasteWithoutATerminalReadsNothingAndSaysSo() {
		LoginPlan plan = LoginPlanner.plan(LoginMode.PASTE, linux(Map.of()), false, XDG_OPEN, false);
		assertThat(plan.way()).isEqualTo(Way.PRINT);
		assertThat(plan.pasteBack()).isFalse();
		assertThat(plan.announced()).isTrue();
		assertThat(plan.line(4711)).isEqualTo("oauth-callback.login.mode=paste, but there is no terminal: nothing is read from "
				+ "standard input, so open the URL in a browser that can reach this machine (port 4711).");
		LoginPlan underCi = LoginPlanner.plan(LoginMode.PASTE, linux(Map.of("CI", "1")), true, XDG_OPEN, false);
		assertThat(underCi.pasteBack()).isFalse();
		assertThat(underCi.line(1)).contains("this is a CI run (CI is set)");
	}

	@Test
	void autoNeverPicksTheDeviceGrantWhereItIsNotAvailable() {
		for (Map<String, String> variables : java.util.List.of(Map.<String, String>of(), Map.of("SSH_TTY", "x"),
				Map.of("DISPLAY", ":0"), Map.of("CI", "true"))) {
			for (BrowserAvailability browser : java.util.List.of(XDG_OPEN, NOTHING)) {
				for (boolean terminal : new boolean[] { true, false }) {
					assertThat(LoginPlanner.plan(LoginMode.AUTO, linux(variables), terminal, browser, false).way())
						.isNotEqualTo(Way.DEVICE);
				}
			}
		}
	}

	@Test
	void theModeIsParsedIgnoringCaseAndAnythingElseIsRefused() {
		assertThat(LoginMode.parse(null)).isEqualTo(LoginMode.AUTO);
		assertThat(LoginMode.parse(" Paste ")).isEqualTo(LoginMode.PASTE);
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> LoginMode.parse("keyboard"))
			.withMessageStartingWith("It must be one of auto, browser, paste, device:");
	}

}
