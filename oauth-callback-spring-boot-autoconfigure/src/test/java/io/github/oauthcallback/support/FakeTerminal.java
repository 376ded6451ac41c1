package io.github.oauthcallback.support;

import java.io.InputStream;
import java.util.function.Supplier;

import io.github.oauthcallback.internal.environment.TerminalInput;

/**
 * A {@link TerminalInput} for tests: a terminal reading from a given stream, or no terminal at all.
 */
public final class FakeTerminal implements TerminalInput {

	private final boolean terminal;

	private final Supplier<InputStream> stream;

	private FakeTerminal(boolean terminal, Supplier<InputStream> stream) {
		this.terminal = terminal;
		this.stream = stream;
	}

	/**
	 * @param input what the user types
	 * @return a terminal reading it
	 */
	public static FakeTerminal typing(InputStream input) {
		return new FakeTerminal(true, () -> input);
	}

	/**
	 * @param onRead called if the stream is asked for anyway
	 * @return no terminal; asking for its stream runs {@code onRead}
	 */
	public static FakeTerminal none(Supplier<InputStream> onRead) {
		return new FakeTerminal(false, onRead);
	}

	@Override
	public boolean isTerminal() {
		return this.terminal;
	}

	@Override
	public InputStream stream() {
		return this.stream.get();
	}

}
