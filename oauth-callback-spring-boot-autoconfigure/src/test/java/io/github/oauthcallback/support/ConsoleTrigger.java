package io.github.oauthcallback.support;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A console that does something the moment a line with a given text is printed, once: a user who presses Ctrl-C as soon as the
 * authorization URL or the device code appears. What was printed is kept for the test to read.
 */
public final class ConsoleTrigger extends PrintStream {

	private final ByteArrayOutputStream bytes;

	private final String text;

	private final Runnable action;

	private final AtomicBoolean fired = new AtomicBoolean();

	private ConsoleTrigger(ByteArrayOutputStream bytes, String text, Runnable action) {
		super(bytes, true, StandardCharsets.UTF_8);
		this.bytes = bytes;
		this.text = text;
		this.action = action;
	}

	/**
	 * @param text what, once printed, sets the action off
	 * @param action what the user does then
	 * @return the console
	 */
	public static ConsoleTrigger when(String text, Runnable action) {
		return new ConsoleTrigger(new ByteArrayOutputStream(), text, action);
	}

	@Override
	public void println(String line) {
		super.println(line);
		check(line);
	}

	@Override
	public void println(Object line) {
		super.println(line);
		check(String.valueOf(line));
	}

	private void check(String line) {
		if (line.contains(this.text) && this.fired.compareAndSet(false, true)) {
			this.action.run();
		}
	}

	/**
	 * @return whether the text was printed (and the action run)
	 */
	public boolean fired() {
		return this.fired.get();
	}

	/**
	 * @return the URL of the first "Open this URL to continue: " line printed
	 * @throws java.util.NoSuchElementException if none was printed
	 */
	public java.net.URI printedUrl() {
		String prefix = "Open this URL to continue: ";
		return java.net.URI.create(printed().lines()
			.filter((line) -> line.startsWith(prefix))
			.findFirst()
			.orElseThrow()
			.substring(prefix.length()));
	}

	/**
	 * @return everything printed so far
	 */
	public String printed() {
		return this.bytes.toString(StandardCharsets.UTF_8);
	}

}
