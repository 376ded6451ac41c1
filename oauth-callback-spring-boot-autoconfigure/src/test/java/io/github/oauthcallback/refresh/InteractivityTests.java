package io.github.oauthcallback.refresh;

import io.github.oauthcallback.internal.refresh.Interactivity;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code oauth-callback.login.interactive}: auto (a terminal and no CI marker), always and never.
 */
class InteractivityTests {

	private static final BooleanSupplier TERMINAL = () -> true;

	private static final BooleanSupplier NO_TERMINAL = () -> false;

	@Test
	void autoNeedsATerminal() {
		assertThat(Interactivity.AUTO.allowed(Map.of(), TERMINAL).getAsBoolean()).isTrue();
		assertThat(Interactivity.AUTO.allowed(Map.of(), NO_TERMINAL).getAsBoolean()).isFalse();
	}

	@Test
	void autoIsNeverInteractiveUnderCi() {
		assertThat(Interactivity.AUTO.allowed(Map.of("CI", "true"), TERMINAL).getAsBoolean()).isFalse();
		assertThat(Interactivity.AUTO.allowed(Map.of("CI", "1"), TERMINAL).getAsBoolean()).isFalse();
		assertThat(Interactivity.AUTO.allowed(Map.of("GITHUB_ACTIONS", "true"), TERMINAL).getAsBoolean()).isFalse();
		assertThat(Interactivity.AUTO.allowed(Map.of("JENKINS_URL", "https://ci.example"), TERMINAL).getAsBoolean())
			.isFalse();
		assertThat(Interactivity.AUTO.allowed(Map.of("BUILD_NUMBER", "17"), TERMINAL).getAsBoolean()).isFalse();
	}

	@Test
	void autoIgnoresACiVariableThatSaysNo() {
		assertThat(Interactivity.AUTO.allowed(Map.of("CI", "false"), TERMINAL).getAsBoolean()).isTrue();
		assertThat(Interactivity.AUTO.allowed(Map.of("CI", "FALSE"), TERMINAL).getAsBoolean()).isTrue();
		assertThat(Interactivity.AUTO.allowed(Map.of("CI", "0"), TERMINAL).getAsBoolean()).isTrue();
		assertThat(Interactivity.AUTO.allowed(Map.of("CI", " "), TERMINAL).getAsBoolean()).isTrue();
	}

	@Test
	void autoAsksForTheTerminalWhenALoginIsNeededNotWhenConfigured() {
		AtomicInteger asked = new AtomicInteger();
		BooleanSupplier allowed = Interactivity.AUTO.allowed(Map.of(), () -> asked.incrementAndGet() > 1);
		assertThat(asked).hasValue(0);
		assertThat(allowed.getAsBoolean()).isFalse();
		assertThat(allowed.getAsBoolean()).isTrue();
	}

	@Test
	void alwaysAndNeverIgnoreTerminalAndCi() {
		assertThat(Interactivity.ALWAYS.allowed(Map.of("CI", "true"), NO_TERMINAL).getAsBoolean()).isTrue();
		assertThat(Interactivity.NEVER.allowed(Map.of(), TERMINAL).getAsBoolean()).isFalse();
	}

	@Test
	void theTestRunnerIsNoTerminal() {
		// Surefire pipes standard input and output (hasTerminal itself is tested in RunEnvironmentTests).
		assertThat(Interactivity.AUTO.allowed(Map.of()).getAsBoolean()).isFalse();
	}

}
