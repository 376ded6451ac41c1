package io.github.oauthcallback.internal.environment;

/**
 * The way a login runs, and the one line that tells the user why.
 *
 * @param way what the login does
 * @param pasteBack whether the terminal accepts the address the browser ended on (only with a terminal, never under
 * CI)
 * @param announced whether the reason goes to the terminal (a user is there, or the mode was forced) rather than
 * only to the log
 * @param reason the line; {@value #PORT} stands for the listener's port
 */
public record LoginPlan(Way way, boolean pasteBack, boolean announced, String reason) {

	/** Stands for the listener's port in {@link #reason()}. */
	public static final String PORT = "{port}";

	/**
	 * @param port the listener's port
	 * @return the line to show
	 */
	public String line(int port) {
		return this.reason.replace(PORT, String.valueOf(port));
	}

	/**
	 * What a login does.
	 */
	public enum Way {

		/** Print the URL, run the browser launcher and wait for the redirect. */
		BROWSER,

		/** Print the URL and wait for the redirect (or a paste); the launcher is not run. */
		PRINT,

		/** The device authorization grant. */
		DEVICE

	}

}
