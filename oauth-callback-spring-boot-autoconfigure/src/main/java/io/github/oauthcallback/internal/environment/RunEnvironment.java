package io.github.oauthcallback.internal.environment;

import java.io.Console;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * The facts about this run that decide how a login can reach the user, read from the process environment, the
 * operating system's name, the kernel (WSL) and the {@code PATH}: the one place the starter detects CI, SSH, WSL, a
 * display, a {@code BROWSER} command and a terminal. Everything but the environment map is asked lazily, when a
 * login needs it.
 */
public final class RunEnvironment {

	private static final List<String> CI_MARKERS = List.of("GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL", "BUILDKITE",
			"TF_BUILD", "TEAMCITY_VERSION", "CIRCLECI", "TRAVIS", "BUILD_NUMBER");

	private static final List<String> SSH_MARKERS = List.of("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY");

	private final Map<String, String> variables;

	private final String osName;

	private final BooleanSupplier wslKernel;

	private final Predicate<String> onPath;

	private RunEnvironment(Map<String, String> variables, String osName, BooleanSupplier wslKernel,
			Predicate<String> onPath) {
		this.variables = Map.copyOf(variables);
		this.osName = osName.toLowerCase(Locale.ROOT);
		this.wslKernel = wslKernel;
		this.onPath = onPath;
	}

	/**
	 * @return this process's environment, operating system, kernel and {@code PATH}
	 */
	public static RunEnvironment system() {
		Map<String, String> variables = System.getenv();
		return new RunEnvironment(variables, System.getProperty("os.name", ""), RunEnvironment::wslKernel,
				(command) -> onPath(variables.get("PATH"), command));
	}

	/**
	 * A given environment, for tests and for callers that know better.
	 * @param variables the environment variables
	 * @param osName the operating system's name, as {@code os.name} gives it
	 * @param wslKernel whether the kernel is WSL's (asked only on Linux without a WSL variable)
	 * @param onPath whether a command is on the {@code PATH}
	 * @return the environment
	 */
	public static RunEnvironment of(Map<String, String> variables, String osName, boolean wslKernel,
			Predicate<String> onPath) {
		return new RunEnvironment(variables, osName, () -> wslKernel, onPath);
	}

	/**
	 * @param variables the environment variables
	 * @param osName the operating system's name
	 * @return the environment, with the kernel and {@code PATH} of this machine
	 */
	public static RunEnvironment of(Map<String, String> variables, String osName) {
		return new RunEnvironment(variables, osName, RunEnvironment::wslKernel,
				(command) -> onPath(variables.get("PATH"), command));
	}

	/**
	 * @return the CI marker that is set ({@code CI} unless it is {@code false} or {@code 0}, {@code GITHUB_ACTIONS},
	 * {@code JENKINS_URL}, ...), or {@code null} when none is
	 */
	public @Nullable String ciMarker() {
		return ciMarker(this.variables);
	}

	/**
	 * @param variables environment variables
	 * @return the CI marker set among them, or {@code null}
	 */
	public static @Nullable String ciMarker(Map<String, String> variables) {
		String ci = variables.get("CI");
		if (ci != null && !ci.isBlank() && !"false".equalsIgnoreCase(ci) && !"0".equals(ci)) {
			return "CI";
		}
		return CI_MARKERS.stream().filter(variables::containsKey).findFirst().orElse(null);
	}

	/**
	 * @return the SSH variable that is set ({@code SSH_CONNECTION}, {@code SSH_CLIENT} or {@code SSH_TTY}), or
	 * {@code null} outside an SSH session
	 */
	public @Nullable String sshVariable() {
		return SSH_MARKERS.stream().filter(this::hasText).findFirst().orElse(null);
	}

	/**
	 * @return whether a graphical display can be reached ({@code DISPLAY} or {@code WAYLAND_DISPLAY}); always
	 * {@code true} on Windows and macOS, where there is no such variable
	 */
	public boolean display() {
		return windows() || mac() || hasText("DISPLAY") || hasText("WAYLAND_DISPLAY");
	}

	/**
	 * @return whether this is Linux under the Windows Subsystem for Linux ({@code WSL_DISTRO_NAME},
	 * {@code WSL_INTEROP}, or a Microsoft kernel)
	 */
	public boolean wsl() {
		if (windows() || mac()) {
			return false;
		}
		return hasText("WSL_DISTRO_NAME") || hasText("WSL_INTEROP") || this.wslKernel.getAsBoolean();
	}

	/**
	 * @return whether the operating system is Windows
	 */
	public boolean windows() {
		return this.osName.contains("win");
	}

	/**
	 * @return whether the operating system is macOS
	 */
	public boolean mac() {
		return this.osName.contains("mac");
	}

	/**
	 * @return the {@code BROWSER} command line, or {@code null} when it is not set
	 */
	public @Nullable String browserVariable() {
		return hasText("BROWSER") ? this.variables.get("BROWSER") : null;
	}

	/**
	 * @param command a program's name
	 * @return whether it is on the {@code PATH}
	 */
	public boolean onPath(String command) {
		return this.onPath.test(command);
	}

	private boolean hasText(String name) {
		String value = this.variables.get(name);
		return value != null && !value.isBlank();
	}

	/**
	 * @return whether a user sits at a terminal: {@link System#console()} and, on JDK 22+ (which gives a console
	 * without a terminal too), {@code Console.isTerminal()}
	 */
	public static boolean hasTerminal() {
		return hasTerminal(System.console());
	}

	/**
	 * @param console a console, or {@code null}
	 * @return whether it is a terminal
	 */
	public static boolean hasTerminal(@Nullable Console console) {
		if (console == null) {
			return false;
		}
		try {
			// JDK 22+ returns a Console even without a terminal; isTerminal() tells.
			Method isTerminal = Console.class.getMethod("isTerminal");
			return (boolean) isTerminal.invoke(console);
		}
		catch (ReflectiveOperationException ex) {
			return true;
		}
	}

	private static boolean wslKernel() {
		try {
			Path version = Path.of("/proc/version");
			return Files.isReadable(version)
					&& Files.readString(version, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT).contains("microsoft");
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

	private static boolean onPath(@Nullable String path, String command) {
		if (path == null || path.isBlank()) {
			return false;
		}
		for (String directory : path.split(File.pathSeparator)) {
			if (!directory.isBlank()) {
				try {
					if (Files.isExecutable(Path.of(directory, command))) {
						return true;
					}
				}
				catch (RuntimeException ex) {
					// an entry that is no path on this system
				}
			}
		}
		return false;
	}

}
