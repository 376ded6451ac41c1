package io.github.oauthcallback.internal.store;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Where the token file lives unless another one is configured: the platform's per-user
 * configuration directory, in a folder named after the application.
 * <ul>
 * <li>Linux and other Unix: {@code $XDG_CONFIG_HOME} (if set and absolute) or {@code ~/.config};</li>
 * <li>macOS: {@code ~/Library/Application Support};</li>
 * <li>Windows: {@code %APPDATA%} (or {@code ~/AppData/Roaming}).</li>
 * </ul>
 */
public final class TokenFileLocation {

	/** The folder name used when {@code spring.application.name} is not set. */
	public static final String DEFAULT_APPLICATION = "oauth-callback";

	/** The file name inside the application's folder. */
	public static final String FILE_NAME = "tokens.json";

	private TokenFileLocation() {
	}

	/**
	 * @param applicationName {@code spring.application.name}, or {@code null}
	 * @return the default token file for this user and platform
	 */
	public static Path defaultPath(@Nullable String applicationName) {
		return defaultPath(applicationName, System.getProperty("os.name", ""), System.getenv(),
				Path.of(System.getProperty("user.home")));
	}

	public static Path defaultPath(@Nullable String applicationName, String osName, Map<String, String> environment,
			Path home) {
		String os = osName.toLowerCase(Locale.ROOT);
		Path base;
		if (os.contains("win")) {
			String appData = environment.get("APPDATA");
			base = (appData != null && !appData.isBlank()) ? Path.of(appData) : home.resolve("AppData").resolve("Roaming");
		}
		else if (os.contains("mac")) {
			base = home.resolve("Library").resolve("Application Support");
		}
		else {
			String xdg = environment.get("XDG_CONFIG_HOME");
			base = (xdg != null && Path.of(xdg).isAbsolute()) ? Path.of(xdg) : home.resolve(".config");
		}
		return base.resolve(folder(applicationName)).resolve(FILE_NAME);
	}

	static String folder(@Nullable String applicationName) {
		if (applicationName == null || applicationName.isBlank()) {
			return DEFAULT_APPLICATION;
		}
		String safe = applicationName.trim().replaceAll("[^A-Za-z0-9._-]", "-");
		return (safe.startsWith(".") || safe.isEmpty()) ? DEFAULT_APPLICATION : safe;
	}

}
