package io.github.oauthcallback.internal.progress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.github.oauthcallback.internal.environment.RunEnvironment;
import org.jspecify.annotations.Nullable;

/**
 * How the countdown of a waiting login is shown, as {@code oauth-callback.login.progress} asks.
 */
public enum ProgressStyle {

	/** Terminal when the console is a terminal (and no CI marker is set), else plain. */
	AUTO,

	/** One line rewritten in place every second (carriage return), cleared when the login ends. */
	TERMINAL,

	/** A plain line every {@link WaitingProgress#PLAIN_PERIOD}, for logs and pipes. */
	PLAIN,

	/** Nothing but the login's own lines. */
	OFF;

	/**
	 * @return the value as the property spells it
	 */
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The check of {@code oauth-callback.login.progress}.
	 * @param value the property's value; {@code null} or blank means {@code auto}
	 * @return the style
	 * @throws IllegalArgumentException for any other value, saying which are valid
	 */
	public static ProgressStyle parse(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return AUTO;
		}
		for (ProgressStyle style : values()) {
			if (style.value().equals(value.trim().toLowerCase(Locale.ROOT))) {
				return style;
			}
		}
		throw new IllegalArgumentException("It must be one of "
				+ Arrays.stream(values()).map(ProgressStyle::value).collect(Collectors.joining(", ")) + ": 'auto' "
				+ "(the default) rewrites one countdown line in place on a terminal and prints a plain line every "
				+ WaitingProgress.PLAIN_PERIOD.toSeconds() + " s otherwise, 'terminal' and 'plain' force one of them, "
				+ "'off' prints no countdown.");
	}

	/**
	 * Resolves {@link #AUTO} for this process: {@link #TERMINAL} when standard error is a terminal, {@code TERM} is
	 * not {@code dumb} and no CI marker is set; else {@link #PLAIN}.
	 * @return this style, or what {@link #AUTO} means here
	 */
	public ProgressStyle resolve() {
		return (this != AUTO) ? this : resolve(System.getenv(), stderrIsTerminal());
	}

	/**
	 * @param variables the environment
	 * @param consoleIsTerminal whether the console the line goes to is a terminal
	 * @return what {@link #AUTO} means in that run; other styles are returned as they are
	 */
	ProgressStyle resolve(Map<String, String> variables, boolean consoleIsTerminal) {
		if (this != AUTO) {
			return this;
		}
		boolean dumb = "dumb".equalsIgnoreCase(variables.get("TERM"));
		return (consoleIsTerminal && !dumb && RunEnvironment.ciMarker(variables) == null) ? TERMINAL : PLAIN;
	}

	/**
	 * Whether standard error, where logins print, is a terminal. On Linux its file descriptor tells
	 * ({@code /proc/self/fd/2} links to a {@code /dev/pts} or {@code /dev/tty} device); elsewhere the JDK's console
	 * stands in for it.
	 */
	private static boolean stderrIsTerminal() {
		Path fd = Path.of("/proc/self/fd/2");
		try {
			if (Files.isSymbolicLink(fd)) {
				String target = Files.readSymbolicLink(fd).toString();
				return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
			}
		}
		catch (IOException | RuntimeException ex) {
			// not Linux, or /proc is not readable: fall through
		}
		return RunEnvironment.hasTerminal();
	}

}
