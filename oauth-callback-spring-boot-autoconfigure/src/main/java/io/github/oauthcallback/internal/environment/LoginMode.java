package io.github.oauthcallback.internal.environment;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * How a login reaches the user, as {@code oauth-callback.login.mode} asks.
 */
public enum LoginMode {

	/** The starter looks at the run ({@link LoginPlanner}) and says what it chose. */
	AUTO,

	/** Open the browser (with {@code oauth-callback.login.browser}) and wait for its redirect. */
	BROWSER,

	/** Print the URL and wait for the user to paste the address the browser ended on; the listener still runs. */
	PASTE,

	/** The device authorization grant (RFC 8628), where the starter offers it for the registration. */
	DEVICE;

	/**
	 * @return the value as the property spells it
	 */
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The check of {@code oauth-callback.login.mode}.
	 * @param value the property's value; {@code null} or blank means {@code auto}
	 * @return the mode
	 * @throws IllegalArgumentException for any other value, saying which are valid
	 */
	public static LoginMode parse(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return AUTO;
		}
		for (LoginMode mode : values()) {
			if (mode.value().equals(value.trim().toLowerCase(Locale.ROOT))) {
				return mode;
			}
		}
		throw new IllegalArgumentException("It must be one of "
				+ Arrays.stream(values()).map(LoginMode::value).collect(Collectors.joining(", ")) + ": 'auto' (the "
				+ "default) picks the way from the run (terminal, SSH, WSL, CI, a browser launcher) and says which, "
				+ "'browser' opens the browser, 'paste' prints the URL and waits for the address the browser ended on, "
				+ "'device' uses the device authorization grant.");
	}

}
