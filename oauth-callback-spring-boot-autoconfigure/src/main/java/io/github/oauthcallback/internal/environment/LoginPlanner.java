package io.github.oauthcallback.internal.environment;

import io.github.oauthcallback.internal.environment.LoginPlan.Way;
import org.jspecify.annotations.Nullable;

/**
 * Picks the way a login runs from the mode asked for and the run, and says why in one line. A pure function of its
 * inputs. With {@link LoginMode#AUTO}, in this order:
 * <ol>
 * <li>no terminal, or a CI marker: as always, open the browser as configured and wait for its redirect; nothing is
 * read from standard input and the line only goes to the log;</li>
 * <li>a launcher the user chose (a {@code BROWSER} variable, a command in {@code oauth-callback.login.browser}, the
 * application's own launcher): open the browser with it;</li>
 * <li>an SSH session without a forwarded display: the device grant where it is available for the registration, else
 * print the URL and accept the address the browser ended on (or {@code ssh -L} port forwarding);</li>
 * <li>no launcher found: the device grant where available, else print the URL and accept a paste; with
 * {@code oauth-callback.login.browser=print}, print and accept a paste;</li>
 * <li>otherwise (WSL included, where {@code wslview} or {@code explorer.exe} opens the Windows browser): open the
 * browser.</li>
 * </ol>
 * In an interactive terminal every way but the device grant also accepts the pasted address. A forced mode is
 * followed as far as the run allows: {@code paste} without a terminal still prints the URL and waits for the redirect
 * (standard input is never read without a terminal), and {@code device} is left to the caller to refuse when the
 * grant is not available.
 */
public final class LoginPlanner {

	private static final String PASTE_BELOW = "; if it cannot reach this machine, paste the address the browser ends "
			+ "on here.";

	private static final String NOTHING_READ = "; nothing is read from standard input.";

	private LoginPlanner() {
	}

	/**
	 * @param mode the mode asked for
	 * @param environment the run
	 * @param terminal whether a user sits at a terminal
	 * @param browser whether and how a browser can be opened
	 * @param deviceAvailable whether the device authorization grant is available for the registration
	 * @return the way and the line that says why
	 */
	public static LoginPlan plan(LoginMode mode, RunEnvironment environment, boolean terminal,
			BrowserAvailability browser, boolean deviceAvailable) {
		String ci = environment.ciMarker();
		boolean interactive = terminal && ci == null;
		String notInteractive = (ci != null) ? "a CI run (" + ci + " is set)" : "no terminal";
		String notInteractiveHere = (ci != null) ? "this is a CI run (" + ci + " is set)" : "there is no terminal";
		return switch (mode) {
			case BROWSER -> new LoginPlan(Way.BROWSER, interactive, true, "oauth-callback.login.mode=browser: opening "
					+ "the browser with " + browser.description() + (interactive ? PASTE_BELOW : NOTHING_READ));
			case PASTE -> interactive
					? new LoginPlan(Way.PRINT, true, true, "oauth-callback.login.mode=paste: open the URL in a browser "
							+ "on any machine, then paste the address the browser ends on here (the listener on port "
							+ LoginPlan.PORT + " still takes the redirect if the browser can reach it).")
					: new LoginPlan(Way.PRINT, false, true, "oauth-callback.login.mode=paste, but "
							+ notInteractiveHere + ": nothing is read from standard input, so open the URL in a browser "
							+ "that can reach this machine (port " + LoginPlan.PORT + ").");
			case DEVICE -> new LoginPlan(Way.DEVICE, false, true,
					"oauth-callback.login.mode=device: using the device authorization grant.");
			case AUTO -> interactive ? auto(environment, browser, deviceAvailable)
					: new LoginPlan(Way.BROWSER, false, false, "Not interactive (" + notInteractive + "): opening the "
							+ "browser with " + browser.description() + " and waiting for its redirect" + NOTHING_READ);
		};
	}

	private static LoginPlan auto(RunEnvironment environment, BrowserAvailability browser, boolean deviceAvailable) {
		if (browser.available() && browser.configured()) {
			return open("Opening the browser with " + browser.description());
		}
		String ssh = environment.sshVariable();
		if (ssh != null && !environment.display()) {
			String where = "SSH session (" + ssh + " is set) without a forwarded display (no DISPLAY or "
					+ "WAYLAND_DISPLAY)";
			return (deviceAvailable) ? device(where)
					: new LoginPlan(Way.PRINT, true, true, where + ": open the URL in the browser on your own machine, "
							+ "then paste the address it ends on here; or forward the listener first with "
							+ "ssh -L " + LoginPlan.PORT + ":127.0.0.1:" + LoginPlan.PORT + " and let the browser "
							+ "finish by itself.");
		}
		if (!browser.available()) {
			if (browser.configured()) {
				return new LoginPlan(Way.PRINT, true, true, browser.description() + ": open the URL in a browser "
						+ "yourself" + PASTE_BELOW);
			}
			String where = "No browser can be opened here (" + browser.description() + ")";
			return (deviceAvailable) ? device(where) : new LoginPlan(Way.PRINT, true, true, where
					+ ": open the URL in a browser on any machine, then paste the address it ends on here.");
		}
		if (environment.wsl()) {
			return open("WSL: opening the Windows browser with " + browser.description());
		}
		if (ssh != null) {
			return open("SSH session with a forwarded display: opening the browser with " + browser.description());
		}
		return open("Opening the browser with " + browser.description());
	}

	private static LoginPlan open(String what) {
		return new LoginPlan(Way.BROWSER, true, true, what + PASTE_BELOW);
	}

	private static LoginPlan device(@Nullable String where) {
		return new LoginPlan(Way.DEVICE, false, true, where + ": using the device authorization grant.");
	}

}
