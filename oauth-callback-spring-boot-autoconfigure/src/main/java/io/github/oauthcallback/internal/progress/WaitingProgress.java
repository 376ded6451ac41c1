package io.github.oauthcallback.internal.progress;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The countdown of one waiting login, on the console the login prints to. On a terminal
 * ({@link ProgressStyle#TERMINAL}) one line is rewritten in place every {@link #TERMINAL_PERIOD} (a carriage return,
 * the text, and spaces over what is left of a longer earlier line) and cleared when the login ends, so the next line
 * starts on a clean row; otherwise ({@link ProgressStyle#PLAIN}) a complete line is printed every
 * {@link #PLAIN_PERIOD}, which reads well in a log or a pipe. The line says what is awaited, the time left until the
 * login's timeout and that Ctrl-C cancels; it never holds the authorization URL or anything of the response.
 * <p>
 * A daemon thread ({@value #THREAD_NAME}) ticks while the login waits and ends with {@link #stop()}. The clock and
 * the console are injected, and {@link #tick()} can be called directly, so the rendering is tested without waiting.
 */
public final class WaitingProgress {

	/** How often the terminal line is rewritten. */
	public static final Duration TERMINAL_PERIOD = Duration.ofSeconds(1);

	/** How often a plain line is printed. */
	public static final Duration PLAIN_PERIOD = Duration.ofSeconds(30);

	/** Name of the ticking thread. */
	public static final String THREAD_NAME = "oauth-callback-progress";

	/** Ends every line: how to stop waiting. */
	static final String CANCEL_HINT = "Ctrl-C cancels";

	private final PrintStream console;

	private final ProgressStyle style;

	private final Clock clock;

	private final String waitingFor;

	private final Instant deadline;

	private final Object lock = new Object();

	private int shown;

	private boolean stopped;

	private @Nullable Thread thread;

	/**
	 * @param console where the line goes
	 * @param style {@link ProgressStyle#TERMINAL}, {@link ProgressStyle#PLAIN} or {@link ProgressStyle#OFF}
	 * @param clock the clock the time left is read from
	 * @param waitingFor what is awaited, for example {@code Waiting for the browser login to 'demo'}
	 * @param deadline when the login times out
	 */
	WaitingProgress(PrintStream console, ProgressStyle style, Clock clock, String waitingFor, Instant deadline) {
		this.console = Objects.requireNonNull(console, "console must not be null");
		this.style = (style == ProgressStyle.AUTO) ? style.resolve() : style;
		this.clock = clock;
		this.waitingFor = waitingFor;
		this.deadline = deadline;
	}

	/**
	 * @param console where {@link #say} prints
	 * @return a progress that shows no countdown
	 */
	public static WaitingProgress none(PrintStream console) {
		return new WaitingProgress(console, ProgressStyle.OFF, Clock.systemUTC(), "", Instant.MAX);
	}

	/**
	 * Starts ticking.
	 * @param console where the line goes
	 * @param style how it is shown; {@link ProgressStyle#AUTO} is resolved for this process
	 * @param clock the clock
	 * @param waitingFor what is awaited
	 * @param timeout how long the login waits at most, from now
	 * @return the running progress; {@link #none} when the style is {@link ProgressStyle#OFF}
	 */
	public static WaitingProgress start(PrintStream console, ProgressStyle style, Clock clock, String waitingFor,
			Duration timeout) {
		ProgressStyle resolved = style.resolve();
		if (resolved == ProgressStyle.OFF) {
			return none(console);
		}
		WaitingProgress progress = new WaitingProgress(console, resolved, clock, waitingFor, deadline(clock, timeout));
		Thread thread = new Thread(progress::run, THREAD_NAME);
		thread.setDaemon(true);
		progress.thread = thread;
		thread.start();
		return progress;
	}

	/**
	 * The style of a countdown shown while a paste-back reader reads the terminal: a line rewritten in place every
	 * second would draw over the echo of what the user types, so {@link ProgressStyle#TERMINAL} becomes
	 * {@link ProgressStyle#PLAIN} (a full line now and then); the other styles stay.
	 * @param style the configured style
	 * @return the style to start the countdown with
	 */
	public static ProgressStyle whileTyping(ProgressStyle style) {
		ProgressStyle resolved = style.resolve();
		return (resolved == ProgressStyle.TERMINAL) ? ProgressStyle.PLAIN : resolved;
	}

	private static Instant deadline(Clock clock, Duration timeout) {
		try {
			return clock.instant().plus(timeout);
		}
		catch (ArithmeticException | java.time.DateTimeException ex) {
			return Instant.MAX;
		}
	}

	/**
	 * @return the style in use (never {@link ProgressStyle#AUTO})
	 */
	public ProgressStyle style() {
		return this.style;
	}

	private void run() {
		long period = ((this.style == ProgressStyle.TERMINAL) ? TERMINAL_PERIOD : PLAIN_PERIOD).toMillis();
		synchronized (this.lock) {
			try {
				if (this.style == ProgressStyle.TERMINAL) {
					tick();
				}
				while (!this.stopped) {
					this.lock.wait(period);
					if (!this.stopped) {
						tick();
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Shows the time left now: rewrites the terminal line, or prints a plain line. Does nothing once stopped.
	 */
	void tick() {
		synchronized (this.lock) {
			if (this.stopped || this.style == ProgressStyle.OFF) {
				return;
			}
			String text = this.waitingFor + ": " + left() + " left (" + CANCEL_HINT + ")";
			if (this.style == ProgressStyle.TERMINAL) {
				this.console.print("\r" + text + " ".repeat(Math.max(0, this.shown - text.length())));
				this.shown = text.length();
			}
			else {
				this.console.println(text);
			}
			this.console.flush();
		}
	}

	/**
	 * Prints a complete line (a message of the login) without breaking the countdown: on a terminal the line is
	 * cleared first and redrawn after.
	 * @param line the line
	 */
	public void say(String line) {
		synchronized (this.lock) {
			clear();
			this.console.println(line);
			this.console.flush();
			if (!this.stopped && this.style == ProgressStyle.TERMINAL) {
				tick();
			}
		}
	}

	/**
	 * Stops the countdown and clears the terminal line. Safe to call more than once and from any thread.
	 */
	public void stop() {
		Thread ticking;
		synchronized (this.lock) {
			if (this.stopped) {
				return;
			}
			this.stopped = true;
			clear();
			this.console.flush();
			this.lock.notifyAll();
			ticking = this.thread;
		}
		if (ticking != null && ticking != Thread.currentThread()) {
			try {
				ticking.join(1000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void clear() {
		if (this.shown > 0) {
			this.console.print("\r" + " ".repeat(this.shown) + "\r");
			this.shown = 0;
		}
	}

	/**
	 * @return the time left, rounded up to the second: {@code m:ss}, or {@code h:mm:ss} from an hour on
	 */
	private String left() {
		Duration left = Duration.between(this.clock.instant(), this.deadline);
		if (left.isNegative()) {
			left = Duration.ZERO;
		}
		long seconds = left.getSeconds() + ((left.getNano() > 0) ? 1 : 0);
		long hours = seconds / 3600;
		long minutes = (seconds % 3600) / 60;
		long secs = seconds % 60;
		return (hours > 0) ? String.format("%d:%02d:%02d", hours, minutes, secs)
				: String.format("%d:%02d", minutes, secs);
	}

}
