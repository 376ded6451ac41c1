package io.github.oauthcallback.internal.refresh;

import java.io.Console;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

/**
 * Whether this run may open a browser for a login.
 */
public enum Interactivity {

	/** When a terminal is attached and no CI marker is set ({@code CI=true}, {@code GITHUB_ACTIONS}, ...). */
	AUTO,

	/** Always: the program runs where a user can finish a login. */
	ALWAYS,

	/** Never: a needed login fails fast with {@code ReauthorizationRequiredException}. */
	NEVER;

	private static final List<String> CI_MARKERS = List.of("GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL", "BUILDKITE",
			"TF_BUILD", "TEAMCITY_VERSION", "CIRCLECI", "TRAVIS", "BUILD_NUMBER");

	/**
	 * @param environment the process environment
	 * @return a check whether a login may open a browser now
	 */
	public BooleanSupplier allowed(Map<String, String> environment) {
		return allowed(environment, Interactivity::hasTerminal);
	}

	/**
	 * @param environment the process environment
	 * @param terminal whether a terminal is attached, asked each time
	 * @return a check whether a login may open a browser now
	 */
	public BooleanSupplier allowed(Map<String, String> environment, BooleanSupplier terminal) {
		return switch (this) {
			case ALWAYS -> () -> true;
			case NEVER -> () -> false;
			case AUTO -> () -> !isCi(environment) && terminal.getAsBoolean();
		};
	}

	static boolean isCi(Map<String, String> environment) {
		String ci = environment.get("CI");
		if (ci != null && !ci.isBlank() && !"false".equalsIgnoreCase(ci) && !"0".equals(ci)) {
			return true;
		}
		return CI_MARKERS.stream().anyMatch(environment::containsKey);
	}

	public static boolean hasTerminal() {
		return hasTerminal(System.console());
	}

	public static boolean hasTerminal(@Nullable Console console) {
		if (console == null) {
			return false;
		}
		try {
			// JDK 22+ returns a Console even without a terminal; isTerminal() tells.
			Method isTerminal = Console.class.getMethod("isTerminal");
			return (boolean) isTerminal.invoke(console);
		}
		catch (ReflectiveOperationException ex) {
			return true;
		}
	}

}
