package io.github.oauthcallback.support;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A real Secret Service for tests: a D-Bus session bus of its own ({@code dbus-run-session}) with a gnome-keyring
 * daemon whose data lives in a given home directory, unlocked with a password or left locked. The backend under test
 * is given the bus address ({@link #environment()}) for its {@code secret-tool} processes. Closing it ends the bus,
 * the daemon and everything they started; the keyring files stay in the home directory, so a later session on the
 * same home sees the same items.
 * <p>
 * The Debian packages {@code dbus}, {@code gnome-keyring} and {@code libsecret-tools} provide the programs
 * ({@code .ci/run} installs them). Without them a test fails under {@code CI=true} and is skipped elsewhere, saying why.
 */
public final class SecretServiceSession implements AutoCloseable {

	/** The password of the test keyrings. */
	public static final String PASSWORD = "test-keyring-password";

	private static final List<String> PROGRAMS = List.of("dbus-run-session", "gnome-keyring-daemon", "secret-tool");

	private final Process process;

	private final String busAddress;

	private final Path log;

	private SecretServiceSession(Process process, String busAddress, Path log) {
		this.process = process;
		this.busAddress = busAddress;
		this.log = log;
	}

	/**
	 * Fails under {@code CI=true}, else skips the test, when a program is missing.
	 */
	public static void requirePrograms() {
		List<String> missing = PROGRAMS.stream().filter((program) -> onPath(program) == null).toList();
		if (missing.isEmpty()) {
			return;
		}
		String reason = "the Secret Service test needs " + missing + " on the PATH (Debian packages dbus, "
				+ "gnome-keyring, libsecret-tools; .ci/run installs them)";
		if ("true".equals(System.getenv("CI"))) {
			throw new AssertionError("CI=true and " + reason + ": CI machines run it, so this is a failure");
		}
		System.err.println("SKIPPED: " + reason + "; set CI=true to make this a failure");
		Assumptions.abort(reason + "; skipping (set CI=true to make this a failure)");
	}

	/**
	 * @param program a program name
	 * @return its path on the PATH, or {@code null}
	 */
	public static Path onPath(String program) {
		for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			Path candidate = Path.of(dir, program);
			if (!dir.isEmpty() && Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	/**
	 * Starts a session bus with a gnome-keyring daemon.
	 * @param home the home directory holding the keyrings (created if needed)
	 * @param unlocked whether the daemon unlocks the login keyring with {@link #PASSWORD} (and creates it if there is
	 * none); otherwise it is left locked
	 * @return the running session
	 */
	public static SecretServiceSession start(Path home, boolean unlocked) throws IOException, InterruptedException {
		requirePrograms();
		Path run = home.resolve("run");
		Files.createDirectories(home.resolve("data"));
		Files.createDirectories(run);
		Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwx------"));
		String daemon = unlocked
				? "printf %s \"$KEYRING_PASSWORD\" | gnome-keyring-daemon --unlock --components=secrets"
				: "gnome-keyring-daemon --start --components=secrets </dev/null";
		ProcessBuilder builder = new ProcessBuilder("dbus-run-session", "--", "sh", "-c",
				daemon + " >/dev/null; echo \"BUS=$DBUS_SESSION_BUS_ADDRESS\"; exec cat >/dev/null");
		Map<String, String> environment = builder.environment();
		environment.remove("DISPLAY");
		environment.remove("WAYLAND_DISPLAY");
		environment.remove("DBUS_SESSION_BUS_ADDRESS");
		environment.put("HOME", home.toString());
		environment.put("XDG_DATA_HOME", home.resolve("data").toString());
		environment.put("XDG_CONFIG_HOME", home.resolve("config").toString());
		environment.put("XDG_CACHE_HOME", home.resolve("cache").toString());
		environment.put("XDG_RUNTIME_DIR", run.toString());
		environment.put("KEYRING_PASSWORD", PASSWORD);
		Path log = Files.createTempFile(home, "session", ".log");
		builder.redirectError(log.toFile());
		Process process = builder.start();
		BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		String line;
		while ((line = out.readLine()) != null) {
			if (line.startsWith("BUS=unix:")) {
				return new SecretServiceSession(process, line.substring("BUS=".length()), log);
			}
		}
		process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		throw new IllegalStateException("The test session bus did not start: " + Files.readString(log));
	}

	/**
	 * @return the session bus address
	 */
	public String busAddress() {
		return this.busAddress;
	}

	/**
	 * @return the environment a {@code secret-tool} process needs to reach this session
	 */
	public Map<String, String> environment() {
		return Map.of("DBUS_SESSION_BUS_ADDRESS", this.busAddress);
	}

	/**
	 * Runs {@code secret-tool} directly on this session, as a user would.
	 * @param input its standard input, or {@code null}
	 * @param arguments its arguments
	 * @return its exit code and standard output
	 */
	public Tool secretTool(String input, String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("secret-tool"));
		command.addAll(List.of(arguments));
		ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
		builder.environment().putAll(environment());
		Process tool = builder.start();
		try (var stdin = tool.getOutputStream()) {
			if (input != null) {
				stdin.write(input.getBytes(StandardCharsets.UTF_8));
			}
		}
		String stdout = new String(tool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!tool.waitFor(60, TimeUnit.SECONDS)) {
			tool.destroyForcibly();
			throw new IllegalStateException("secret-tool did not end");
		}
		return new Tool(tool.exitValue(), stdout);
	}

	/**
	 * What a direct {@code secret-tool} run gave.
	 * @param exitCode its exit code
	 * @param stdout its standard output
	 */
	public record Tool(int exitCode, String stdout) {

	}

	@Override
	public void close() throws IOException, InterruptedException {
		List<ProcessHandle> started = this.process.descendants().toList();
		this.process.getOutputStream().close();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		for (ProcessHandle child : started) {
			child.destroy();
		}
		for (ProcessHandle child : started) {
			try {
				child.onExit().get(10, TimeUnit.SECONDS);
			}
			catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
				child.destroyForcibly();
			}
		}
		// A daemon that forked away from the session ends by itself when its bus goes away.
	}

	/**
	 * @return what the bus and the daemon wrote, for a failure message
	 */
	public String log() throws IOException {
		return Files.readString(this.log);
	}

}
