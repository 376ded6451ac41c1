package io.github.oauthcallback.internal.environment;

import java.io.InputStream;

/**
 * Where a login may read what the user types: standard input, but only when it is a terminal. Tests give their own.
 */
public interface TerminalInput {

	/**
	 * @return whether a user sits at a terminal; when not, {@link #stream()} must not be touched
	 */
	boolean isTerminal();

	/**
	 * @return the input; read only what {@link InputStream#available()} says is there, so that nothing is taken from
	 * the next reader of the program
	 */
	InputStream stream();

	/**
	 * @return standard input, a terminal when {@link RunEnvironment#hasTerminal()} says so
	 */
	static TerminalInput system() {
		return new TerminalInput() {

			@Override
			public boolean isTerminal() {
				return RunEnvironment.hasTerminal();
			}

			@Override
			public InputStream stream() {
				return System.in;
			}

		};
	}

}
