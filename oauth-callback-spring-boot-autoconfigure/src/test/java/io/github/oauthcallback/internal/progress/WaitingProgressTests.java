package io.github.oauthcallback.internal.progress;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The countdown's rendering, with a clock the test moves and a console it reads: one line rewritten in place on a
 * terminal, complete lines otherwise.
 */
class WaitingProgressTests {

	private static final Instant START = Instant.parse("2026-12-06T10:00:00Z");

	private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

	private final PrintStream console = new PrintStream(this.bytes, true, StandardCharsets.UTF_8);

	private final MovingClock clock = new MovingClock();

	private String output() {
		return this.bytes.toString(StandardCharsets.UTF_8);
	}

	private WaitingProgress progress(ProgressStyle style, Duration timeout) {
		return new WaitingProgress(this.console, style, this.clock, "Waiting for the 'demo' login in the browser",
				START.plus(timeout));
	}

	@Test
	void onATerminalOneLineIsRewrittenInPlaceAndClearedAtTheEnd() {
		WaitingProgress progress = progress(ProgressStyle.TERMINAL, Duration.ofMinutes(5));
		progress.tick();
		assertThat(output()).isEqualTo("\rWaiting for the 'demo' login in the browser: 5:00 left (Ctrl-C cancels)");
		this.bytes.reset();
		this.clock.advance(Duration.ofMillis(61_500));
		progress.tick();
		// rounded up: 3:58.5 left shows as 3:59; same length, so nothing to pad
		assertThat(output()).isEqualTo("\rWaiting for the 'demo' login in the browser: 3:59 left (Ctrl-C cancels)");
		this.bytes.reset();
		progress.stop();
		String line = "Waiting for the 'demo' login in the browser: 3:59 left (Ctrl-C cancels)";
		assertThat(output()).isEqualTo("\r" + " ".repeat(line.length()) + "\r");
		this.bytes.reset();
		progress.tick();
		assertThat(output()).as("nothing after stop").isEmpty();
		assertThat(output()).doesNotContain("\n");
	}

	@Test
	void aShorterLineIsPaddedOverTheLongerOneBefore() {
		WaitingProgress progress = progress(ProgressStyle.TERMINAL, Duration.ofHours(1).plusSeconds(5));
		progress.tick();
		assertThat(output()).endsWith("1:00:05 left (Ctrl-C cancels)");
		this.bytes.reset();
		this.clock.advance(Duration.ofSeconds(10));
		progress.tick();
		// 59:55 is two characters shorter than 1:00:05
		assertThat(output()).isEqualTo("\rWaiting for the 'demo' login in the browser: 59:55 left (Ctrl-C cancels)"
				+ "  ");
	}

	@Test
	void aMessageClearsTheTerminalLineAndTheCountdownIsRedrawnBelowIt() {
		WaitingProgress progress = progress(ProgressStyle.TERMINAL, Duration.ofSeconds(90));
		progress.tick();
		String line = "Waiting for the 'demo' login in the browser: 1:30 left (Ctrl-C cancels)";
		this.bytes.reset();
		progress.say("That address was not used.");
		assertThat(output()).isEqualTo("\r" + " ".repeat(line.length()) + "\r" + "That address was not used."
				+ System.lineSeparator() + "\r" + line);
	}

	@Test
	void withoutATerminalEveryTickIsACompleteLineWithoutCarriageReturns() {
		WaitingProgress progress = progress(ProgressStyle.PLAIN, Duration.ofMinutes(5));
		this.clock.advance(WaitingProgress.PLAIN_PERIOD);
		progress.tick();
		this.clock.advance(WaitingProgress.PLAIN_PERIOD);
		progress.tick();
		assertThat(output()).isEqualTo("Waiting for the 'demo' login in the browser: 4:30 left (Ctrl-C cancels)"
				+ System.lineSeparator() + "Waiting for the 'demo' login in the browser: 4:00 left (Ctrl-C cancels)"
				+ System.lineSeparator());
		this.bytes.reset();
		progress.say("A message");
		progress.stop();
		assertThat(output()).as("a message is a plain line; stopping prints nothing")
			.isEqualTo("A message" + System.lineSeparator());
	}

	@Test
	void pastTheDeadlineTheTimeLeftIsZero() {
		WaitingProgress progress = progress(ProgressStyle.PLAIN, Duration.ofSeconds(5));
		this.clock.advance(Duration.ofSeconds(7));
		progress.tick();
		assertThat(output()).contains(": 0:00 left");
	}

	@Test
	void offShowsNoCountdownButStillPrintsMessages() {
		WaitingProgress progress = WaitingProgress.start(this.console, ProgressStyle.OFF, this.clock, "Waiting",
				Duration.ofMinutes(5));
		progress.tick();
		progress.say("A message");
		progress.stop();
		assertThat(output()).isEqualTo("A message" + System.lineSeparator());
	}

	@Test
	void aStartedCountdownTicksOnItsOwnThreadUntilStopped() throws Exception {
		WaitingProgress progress = WaitingProgress.start(this.console, ProgressStyle.TERMINAL, this.clock,
				"Waiting for the 'demo' login in the browser", Duration.ofMinutes(2));
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!output().contains("2:00 left") && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(output()).startsWith("\rWaiting for the 'demo' login in the browser: 2:00 left");
		assertThat(threadAlive()).isTrue();
		progress.stop();
		deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (threadAlive() && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(threadAlive()).as("the ticking thread ends with stop()").isFalse();
	}

	private static boolean threadAlive() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.anyMatch((thread) -> thread.isAlive() && WaitingProgress.THREAD_NAME.equals(thread.getName()));
	}

	@Test
	void autoIsATerminalOnlyWhenTheConsoleIsOneOutsideCiAndNotDumb() {
		assertThat(ProgressStyle.AUTO.resolve(Map.of("TERM", "xterm-256color"), true)).isEqualTo(ProgressStyle.TERMINAL);
		assertThat(ProgressStyle.AUTO.resolve(Map.of(), true)).isEqualTo(ProgressStyle.TERMINAL);
		assertThat(ProgressStyle.AUTO.resolve(Map.of("TERM", "xterm"), false)).isEqualTo(ProgressStyle.PLAIN);
		assertThat(ProgressStyle.AUTO.resolve(Map.of("TERM", "dumb"), true)).isEqualTo(ProgressStyle.PLAIN);
		assertThat(ProgressStyle.AUTO.resolve(Map.of("CI", "true"), true)).isEqualTo(ProgressStyle.PLAIN);
		assertThat(ProgressStyle.AUTO.resolve(Map.of("GITHUB_ACTIONS", "true"), true)).isEqualTo(ProgressStyle.PLAIN);
		assertThat(ProgressStyle.OFF.resolve(Map.of(), true)).isEqualTo(ProgressStyle.OFF);
		assertThat(ProgressStyle.PLAIN.resolve(Map.of(), true)).isEqualTo(ProgressStyle.PLAIN);
	}

	@Test
	void theSettingIsParsedWithAnActionableError() {
		assertThat(ProgressStyle.parse(null)).isEqualTo(ProgressStyle.AUTO);
		assertThat(ProgressStyle.parse(" Terminal ")).isEqualTo(ProgressStyle.TERMINAL);
		assertThatIllegalArgumentException().isThrownBy(() -> ProgressStyle.parse("fancy"))
			.withMessageContaining("auto, terminal, plain, off");
	}

	/** A clock the test moves. */
	private static final class MovingClock extends Clock {

		private volatile Instant now = START;

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public java.time.ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

}
