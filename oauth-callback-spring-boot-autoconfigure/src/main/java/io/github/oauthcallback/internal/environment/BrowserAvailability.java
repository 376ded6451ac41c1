package io.github.oauthcallback.internal.environment;

/**
 * Whether a login can open a browser here, and how.
 *
 * @param available whether something will try to open one
 * @param configured whether the user chose it (a {@code BROWSER} variable, a command or {@code print} in
 * {@code oauth-callback.login.browser}, an application's own launcher) rather than the starter detecting it
 * @param description what opens it (or why nothing does), for the line that says how the login runs
 */
public record BrowserAvailability(boolean available, boolean configured, String description) {

	/**
	 * @param description what opens the browser
	 * @return a launcher the user chose
	 */
	public static BrowserAvailability configured(String description) {
		return new BrowserAvailability(true, true, description);
	}

	/**
	 * @param description what opens the browser
	 * @return a launcher the starter found
	 */
	public static BrowserAvailability detected(String description) {
		return new BrowserAvailability(true, false, description);
	}

	/**
	 * @param description why no browser can be opened
	 * @return no launcher
	 */
	public static BrowserAvailability none(String description) {
		return new BrowserAvailability(false, false, description);
	}

	/**
	 * @param description why the user asked for none
	 * @return no launcher, as the user asked
	 */
	public static BrowserAvailability printOnly(String description) {
		return new BrowserAvailability(false, true, description);
	}

}
