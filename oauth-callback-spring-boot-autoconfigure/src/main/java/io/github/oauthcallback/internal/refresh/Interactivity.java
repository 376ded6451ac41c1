package io.github.oauthcallback.internal.refresh;

import java.util.Map;
import java.util.function.BooleanSupplier;

import io.github.oauthcallback.internal.environment.RunEnvironment;

/**
 * Whether this run may open a browser for a login. The facts (CI markers, a terminal) come from
 * {@link RunEnvironment}; how a login that does start reaches the user is {@code oauth-callback.login.mode}'s.
 */
public enum Interactivity {

	/** When a terminal is attached and no CI marker is set ({@code CI=true}, {@code GITHUB_ACTIONS}, ...). */
	AUTO,

	/** Always: the program runs where a user can finish a login. */
	ALWAYS,

	/** Never: a needed login fails fast with {@code ReauthorizationRequiredException}. */
	NEVER;

	/**
	 * @param environment the process environment
	 * @return a check whether a login may open a browser now
	 */
	public BooleanSupplier allowed(Map<String, String> environment) {
		return allowed(environment, RunEnvironment::hasTerminal);
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
			case AUTO -> () -> RunEnvironment.ciMarker(environment) == null && terminal.getAsBoolean();
		};
	}

}
