package io.github.oauthcallback.internal.authorize;

import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import io.github.oauthcallback.AuthorizationCancelledException;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.internal.SafeText;
import io.github.oauthcallback.internal.environment.LoginPlan;
import io.github.oauthcallback.internal.environment.LoginPlan.Way;
import io.github.oauthcallback.internal.loopback.LoopbackListener;
import io.github.oauthcallback.internal.loopback.PasteBackReader;
import io.github.oauthcallback.internal.progress.ProgressStyle;
import io.github.oauthcallback.internal.progress.WaitingLogins;
import io.github.oauthcallback.internal.progress.WaitingProgress;
import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

/**
 * What the user sees of one waiting loopback login, the same for a login ({@link DefaultLoopbackAuthorizer}) and a
 * capture ({@link DefaultLoopbackCodeCapture}): made before its listener starts, so that the callback can stop the
 * countdown; {@link #show shown} once the authorization URL is known; {@link #end() ended} when the login ends.
 */
final class WaitingScreen {

	private final PrintStream console;

	private final Log logger;

	private final LoginWays ways;

	private final BrowserLauncher browser;

	private final ProgressStyle style;

	private final Clock clock;

	private final AtomicReference<WaitingProgress> countdown;

	private final AtomicReference<@Nullable PasteBackReader> pasteBack = new AtomicReference<>();

	/**
	 * @param console where the lines are printed
	 * @param logger the logger of the login's owner, for what is only logged
	 * @param ways the terminal a pasted address is read from
	 * @param browser opens the URL when the plan says so
	 * @param style how the countdown is shown
	 * @param clock the clock the countdown reads
	 */
	WaitingScreen(PrintStream console, Log logger, LoginWays ways, BrowserLauncher browser, ProgressStyle style,
			Clock clock) {
		this.console = console;
		this.logger = logger;
		this.ways = ways;
		this.browser = browser;
		this.style = style;
		this.clock = clock;
		this.countdown = new AtomicReference<>(WaitingProgress.none(console));
	}

	/**
	 * The callback came: the countdown ends before the login logs or prints anything more.
	 */
	void stopCountdown() {
		this.countdown.get().stop();
	}

	/**
	 * The login ended: the countdown and the reading of a pasted address stop, before the caller hears of it, so a
	 * line typed after the login is the program's.
	 */
	void end() {
		stopCountdown();
		PasteBackReader reader = this.pasteBack.get();
		if (reader != null) {
			reader.stop();
		}
	}

	/**
	 * Shows the waiting login until {@code outcome} completes. First Ctrl-C is watched, so that it cancels the login
	 * (and says so) from the moment the URL appears; then the way the login runs is said, the URL printed, a pasted
	 * address read when the plan says so (before the browser opens, so that its redirect cannot end the login before
	 * the reader is known), the browser opened, and last the countdown started, so that it draws over none of those
	 * lines.
	 * @param owner the bean whose closing application context cancels the login
	 * @param name the registration or capture name
	 * @param kind {@code "login"} or {@code "capture"}, for the log
	 * @param plan how the login runs
	 * @param url the authorization URL
	 * @param listener the running listener
	 * @param outcome the login's future, which Ctrl-C completes with {@link AuthorizationCancelledException}
	 * @param timeout how long the login waits, for the countdown
	 */
	void show(Object owner, String name, String kind, LoginPlan plan, URI url, LoopbackListener<?> listener,
			CompletableFuture<?> outcome, Duration timeout) {
		int port = listener.redirectUri().getPort();
		WaitingLogins.Waiting waiting = WaitingLogins.register(owner, (reason) -> {
			if (outcome.completeExceptionally(new AuthorizationCancelledException(name))) {
				this.console.println("The '" + name + "' login was cancelled: " + reason + ". The listener on port "
						+ port + " is closed.");
				this.console.flush();
			}
		});
		outcome.whenComplete((result, failure) -> waiting.done());
		announce(this.console, this.logger, name, kind, plan, port);
		this.console.println("Open this URL to continue: " + url);
		this.console.flush();
		if (outcome.isDone()) {
			// Cancelled (Ctrl-C, a closing context) or timed out while the URL was shown: nothing more to show.
			return;
		}
		if (plan.pasteBack()) {
			PasteBackReader reader = PasteBackReader.start(listener, this.ways.terminal(), this.console,
					(line) -> this.countdown.get().say(line));
			this.pasteBack.set(reader);
			// A login that ended before the reader was known (end() found none) stops it here, at once.
			listener.outcome().whenComplete((result, failure) -> reader.stop());
		}
		if (plan.way() == Way.BROWSER) {
			launch(name, kind, url);
		}
		// While the user may type an address, no line is redrawn over its echo.
		ProgressStyle style = plan.pasteBack() ? WaitingProgress.whileTyping(this.style) : this.style;
		WaitingProgress started = WaitingProgress.start(this.console, style, this.clock,
				"Waiting for the '" + name + "' login in the browser", timeout);
		this.countdown.set(started);
		// A login that already ended stops it at once.
		outcome.whenComplete((result, failure) -> started.stop());
	}

	/**
	 * Says how the login runs: on the terminal when a user is there or the mode was forced, else only in the log.
	 * @param port the listener's port, or 0 for a device login
	 */
	static void announce(PrintStream console, Log logger, String name, String kind, LoginPlan plan, int port) {
		String line = plan.line(port);
		if (plan.announced()) {
			console.println(line);
			console.flush();
		}
		else if (logger.isInfoEnabled()) {
			logger.info("The '" + name + "' " + kind + ": " + line);
		}
	}

	private void launch(String name, String kind, URI url) {
		this.logger.debug("Opening the browser for the '" + name + "' " + kind);
		try {
			this.browser.open(url);
		}
		catch (Exception ex) {
			this.logger.warn("Could not open a browser for the '" + name + "' " + kind + " (" + SafeText.describe(ex)
					+ "); open the URL printed above by hand, or configure the browser command.");
		}
	}

}
