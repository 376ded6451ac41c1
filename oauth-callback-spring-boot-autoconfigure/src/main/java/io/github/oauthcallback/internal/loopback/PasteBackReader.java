package io.github.oauthcallback.internal.loopback;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.github.oauthcallback.internal.SafeText;
import io.github.oauthcallback.internal.environment.TerminalInput;
import io.github.oauthcallback.internal.loopback.LoopbackListener.Submission;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Paste-back: while a loopback login waits, the terminal accepts the address the browser ended on, for when the
 * browser cannot reach this machine (SSH, a container, another device). Each line goes through
 * {@link LoopbackListener#submit}, so it gets exactly the callback's checks; one that is refused is answered with a
 * line and the login keeps waiting.
 * <p>
 * It never blocks in a read: it polls {@link InputStream#available()} every {@value #POLL_MILLIS} ms and reads, one
 * byte at a time, only what is there, up to the end of a line. So once it is {@linkplain #stop() stopped} it has taken
 * nothing the program (or a shell) reads next: a blocked {@code readLine()}, or a buffered reader, would swallow the
 * next line. A terminal in its usual line mode hands bytes over only after Enter. Standard input is not touched at all
 * when it is no terminal. What is pasted holds the authorization code: it is never echoed, logged or quoted.
 */
public final class PasteBackReader {

	private static final Log logger = LogFactory.getLog(PasteBackReader.class);

	/** Prefix of the name of the reader's thread. */
	public static final String THREAD_NAME_PREFIX = "oauth-callback-paste-";

	static final long POLL_MILLIS = 100;

	/** Longer lines are refused; a redirect address is far shorter. */
	static final int MAX_LINE_BYTES = 16 * 1024;

	/** Stands for a line longer than {@link #MAX_LINE_BYTES}; a NUL never comes from a terminal's line. */
	private static final String TOO_LONG = "\u0000";

	private static final AtomicInteger threadCount = new AtomicInteger();

	private final LoopbackListener<?> listener;

	private final InputStream input;

	private final Consumer<String> console;

	private final Object lock = new Object();

	private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

	private boolean tooLong;

	private boolean stopped;

	private final Thread thread;

	private PasteBackReader(LoopbackListener<?> listener, InputStream input, Consumer<String> console) {
		this.listener = listener;
		this.input = input;
		this.console = console;
		this.thread = new Thread(this::run, THREAD_NAME_PREFIX + threadCount.incrementAndGet());
		this.thread.setDaemon(true);
	}

	/**
	 * Prints the prompt and starts reading, if the input is a terminal.
	 * @param listener the login's listener
	 * @param input the terminal
	 * @param console where the prompt and the answers go
	 * @return the running reader, or one that reads nothing when the input is no terminal
	 */
	public static PasteBackReader start(LoopbackListener<?> listener, TerminalInput input, PrintStream console) {
		return start(listener, input, console, (line) -> {
			console.println(line);
			console.flush();
		});
	}

	/**
	 * Prints the prompt and starts reading, if the input is a terminal.
	 * @param listener the login's listener
	 * @param input the terminal
	 * @param console where the prompt goes
	 * @param answers where the answers to pasted lines go (a countdown's {@code say}, so they do not break it)
	 * @return the running reader, or one that reads nothing when the input is no terminal
	 */
	public static PasteBackReader start(LoopbackListener<?> listener, TerminalInput input, PrintStream console,
			Consumer<String> answers) {
		if (!input.isTerminal()) {
			PasteBackReader idle = new PasteBackReader(listener, InputStream.nullInputStream(), answers);
			idle.stopped = true;
			return idle;
		}
		PasteBackReader reader = new PasteBackReader(listener, input.stream(), answers);
		console.println("Or paste here the address the browser ends on (" + listener.redirectUri()
				+ "?...) and press Enter.");
		console.flush();
		reader.thread.start();
		return reader;
	}

	/**
	 * Stops reading. When it returns, no further byte is read (a read under way, which never blocks, has ended). An
	 * address being processed (its code being exchanged) is not interrupted: it is the login's winner. Safe to call
	 * more than once and from any thread, the reader's own included.
	 */
	public void stop() {
		synchronized (this.lock) {
			this.stopped = true;
			this.lock.notifyAll();
		}
	}

	/**
	 * @return whether the reader's thread has ended (tests)
	 */
	boolean ended() {
		return !this.thread.isAlive();
	}

	/**
	 * Waits for the reader's thread to end (tests).
	 * @param millis how long to wait at most
	 */
	void join(long millis) throws InterruptedException {
		if (this.thread.isAlive()) {
			this.thread.join(millis);
		}
	}

	private void run() {
		try {
			String line;
			while ((line = nextLine()) != null) {
				if (!take(line)) {
					return;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Stopped reading pasted addresses: " + SafeText.describe(ex));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * @return the next complete line, or {@code null} once stopped or at the end of the input
	 */
	private String nextLine() throws IOException, InterruptedException {
		synchronized (this.lock) {
			while (!this.stopped) {
				while (this.input.available() > 0) {
					int next = this.input.read();
					if (next < 0) {
						return null;
					}
					if (next == '\n') {
						String line = this.tooLong ? TOO_LONG : this.pending.toString(StandardCharsets.UTF_8);
						this.pending.reset();
						this.tooLong = false;
						return line;
					}
					if (this.pending.size() < MAX_LINE_BYTES) {
						this.pending.write(next);
					}
					else {
						this.tooLong = true;
					}
				}
				this.lock.wait(POLL_MILLIS);
			}
			return null;
		}
	}

	/**
	 * @return whether to keep reading
	 */
	private boolean take(String line) {
		if (TOO_LONG.equals(line)) {
			tell("That line is too long to be this login's address; paste the address the browser ended on (it "
					+ "starts with " + this.listener.redirectUri() + "?).");
			return true;
		}
		String text = line.strip();
		if (text.isEmpty()) {
			return true;
		}
		if (!text.contains("://")) {
			tell("A code on its own is not accepted: it carries no state (nor iss), so nothing shows it belongs to "
					+ "this login. Paste the whole address from the browser's address bar; it starts with "
					+ this.listener.redirectUri() + "?");
			return true;
		}
		URI address;
		try {
			address = new URI(text);
		}
		catch (URISyntaxException ex) {
			tell("That is not a well-formed address. Paste the whole address from the browser's address bar; it "
					+ "starts with " + this.listener.redirectUri() + "?");
			return true;
		}
		Submission submission = this.listener.submit(address);
		switch (submission.result()) {
			case ACCEPTED -> {
				return false;
			}
			case ENDED -> {
				tell("The login had already ended; the pasted address was not used.");
				return false;
			}
			default -> {
				tell("That address was not used: " + submission.reason() + ". Still waiting: paste the address the "
						+ "browser ended on (it starts with " + this.listener.redirectUri()
						+ "?), or finish in the browser.");
				return true;
			}
		}
	}

	private void tell(String line) {
		this.console.accept(line);
	}

}
