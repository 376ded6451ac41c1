package io.github.oauthcallback.internal.environment;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The facts about a run: CI markers, SSH, display, WSL, the BROWSER variable, a terminal.
 */
class RunEnvironmentTests {

	private static RunEnvironment linux(Map<String, String> variables) {
		return RunEnvironment.of(variables, "Linux", false, (command) -> false);
	}

	@Test
	void ciMarkers() {
		assertThat(linux(Map.of("CI", "true")).ciMarker()).isEqualTo("CI");
		assertThat(linux(Map.of("CI", "0")).ciMarker()).isNull();
		assertThat(linux(Map.of("CI", "false", "TF_BUILD", "True")).ciMarker()).isEqualTo("TF_BUILD");
		assertThat(linux(Map.of()).ciMarker()).isNull();
	}

	@Test
	void sshAndDisplay() {
		assertThat(linux(Map.of("SSH_CLIENT", "10.0.0.2 5022 22")).sshVariable()).isEqualTo("SSH_CLIENT");
		assertThat(linux(Map.of("SSH_TTY", " ")).sshVariable()).isNull();
		assertThat(linux(Map.of()).display()).isFalse();
		assertThat(linux(Map.of("WAYLAND_DISPLAY", "wayland-0")).display()).isTrue();
		assertThat(RunEnvironment.of(Map.of(), "Mac OS X", false, (command) -> false).display()).isTrue();
		assertThat(RunEnvironment.of(Map.of(), "Windows 11", false, (command) -> false).display()).isTrue();
	}

	@Test
	void wslFromItsVariablesOrItsKernelAndNeverOnWindows() {
		assertThat(linux(Map.of("WSL_DISTRO_NAME", "Ubuntu")).wsl()).isTrue();
		assertThat(linux(Map.of("WSL_INTEROP", "/run/WSL/1_interop")).wsl()).isTrue();
		assertThat(RunEnvironment.of(Map.of(), "Linux", true, (command) -> false).wsl()).isTrue();
		assertThat(linux(Map.of()).wsl()).isFalse();
		assertThat(RunEnvironment.of(Map.of("WSL_DISTRO_NAME", "x"), "Windows 11", true, (command) -> false).wsl())
			.isFalse();
	}

	@Test
	void browserVariableAndPath() {
		assertThat(linux(Map.of("BROWSER", "  ")).browserVariable()).isNull();
		assertThat(linux(Map.of("BROWSER", "firefox")).browserVariable()).isEqualTo("firefox");
		assertThat(RunEnvironment.of(Map.of(), "Linux", false, Set.of("wslview")::contains).onPath("wslview")).isTrue();
		assertThat(RunEnvironment.of(Map.of("PATH", "/nonexistent-dir-71"), "Linux").onPath("sh")).isFalse();
		assertThat(RunEnvironment.of(Map.of("PATH", "/bin:/usr/bin"), "Linux").onPath("sh")).isTrue();
	}

	// Moved from InteractivityTests with hasTerminal itself.
	@Test
	void noConsoleMeansNoTerminal() {
		assertThat(RunEnvironment.hasTerminal(null)).isFalse();
	}

	@Test
	void theTestRunnerIsNoTerminal() {
		// Surefire pipes standard input and output: no console on JDK 17, a console that is no terminal on JDK 22+.
		assertThat(RunEnvironment.hasTerminal()).isFalse();
		assertThat(TerminalInput.system().isTerminal()).isFalse();
	}

}
