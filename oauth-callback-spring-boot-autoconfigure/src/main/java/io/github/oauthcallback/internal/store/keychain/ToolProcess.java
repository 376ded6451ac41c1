package io.github.oauthcallback.internal.store.keychain;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.github.oauthcallback.internal.store.keychain.KeychainException.Problem;
import org.jspecify.annotations.Nullable;

/**
 * Runs a credential store's command-line tool: the command line holds no secret, a secret to store goes on its
 * standard input, a secret it reads comes back on its standard output, and what it writes to its standard error is
 * kept (without any secret) for the message of a failure.
 *
 * @param environment variables set for the tool on top of this process's environment (a test gives the address of
 * its own session bus here)
 * @param timeout how long the tool may take, including an unlock prompt it shows
 */
record ToolProcess(Map<String, String> environment, Duration timeout) {

	/** How long a tool may take unless told otherwise: long enough to answer an unlock prompt. */
	static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

	private static final int MAX_OUTPUT = 64 * 1024;

	private static final Duration STOP_WAIT = Duration.ofSeconds(5);

	ToolProcess {
		environment = Map.copyOf(environment);
	}

	/**
	 * @param command the program and its arguments, none of them secret
	 * @param input what to write to its standard input (a secret to store), or {@code null}
	 * @param store the credential store, for messages ("Secret Service, service ...")
	 * @param install what to do when the program is not there
	 * @return how it ended
	 * @throws KeychainException if it cannot be started or does not end in time
	 */
	Result run(List<String> command, @Nullable String input, String store, String install) {
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.environment().putAll(this.environment);
		Process process;
		try {
			process = builder.start();
		}
		catch (IOException ex) {
			throw new KeychainException(Problem.UNAVAILABLE, "The key is kept in the OS keychain (" + store + "), but "
					+ "its tool '" + command.get(0) + "' cannot be run (" + ex.getMessage() + "). " + install, ex);
		}
		AtomicReference<byte[]> out = new AtomicReference<>(new byte[0]);
		AtomicReference<byte[]> err = new AtomicReference<>(new byte[0]);
		Thread outReader = reader(process.getInputStream(), out, "stdout");
		Thread errReader = reader(process.getErrorStream(), err, "stderr");
		try (OutputStream stdin = process.getOutputStream()) {
			if (input != null) {
				stdin.write(input.getBytes(StandardCharsets.UTF_8));
			}
		}
		catch (IOException ex) {
			// The tool ended without reading its input: its exit code and standard error say why.
		}
		boolean ended;
		try {
			ended = process.waitFor(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (ended) {
				outReader.join(this.timeout.toMillis());
				errReader.join(this.timeout.toMillis());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			stop(process);
			throw new KeychainException(Problem.REFUSED, "Interrupted while waiting for the OS keychain (" + store
					+ "). Nothing was stored.", ex);
		}
		if (!ended) {
			stop(process);
			throw new KeychainException(Problem.REFUSED, "The OS keychain (" + store + ") did not answer within "
					+ this.timeout.toSeconds() + " s ('" + command.get(0) + "' was still running; an unlock prompt may "
					+ "be waiting for an answer). Unlock the keychain and try again.", null);
		}
		String stderr = new String(err.get(), StandardCharsets.UTF_8).strip();
		if (input != null && !input.isEmpty()) {
			stderr = stderr.replace(input.strip(), "(key)");
		}
		return new Result(process.exitValue(), new String(out.get(), StandardCharsets.UTF_8), stderr);
	}

	/**
	 * Ends a tool that did not end in time: its descendants first (a tool run through a wrapper, or a prompt it
	 * started, would otherwise live on), then the tool, then waits a bounded time for it to go.
	 */
	private static void stop(Process process) {
		process.descendants().forEach(ProcessHandle::destroyForcibly);
		process.destroyForcibly();
		boolean interrupted = Thread.interrupted();
		try {
			process.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			interrupted = true;
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * @param name a variable
	 * @param value its value for the tool
	 * @return this runner with the variable set too (an explicit setting wins)
	 */
	ToolProcess withEnvironment(String name, String value) {
		java.util.Map<String, String> all = new java.util.HashMap<>();
		all.put(name, value);
		all.putAll(this.environment);
		return new ToolProcess(all, this.timeout);
	}

	/**
	 * @param variables variables for the tool, which win over any set before (values a script reads, never secret)
	 * @return this runner with them set
	 */
	ToolProcess withVariables(Map<String, String> variables) {
		java.util.Map<String, String> all = new java.util.HashMap<>(this.environment);
		all.putAll(variables);
		return new ToolProcess(all, this.timeout);
	}

	private static Thread reader(InputStream stream, AtomicReference<byte[]> target, String name) {
		Thread thread = new Thread(() -> {
			try (stream) {
				target.set(stream.readNBytes(MAX_OUTPUT));
				stream.transferTo(OutputStream.nullOutputStream());
			}
			catch (IOException ex) {
				// Whatever was read is used; the exit code says how the tool ended.
			}
		}, "oauth-callback-keychain-" + name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	/**
	 * How the tool ended.
	 * @param exitCode its exit code
	 * @param stdout its standard output (a secret it read, where it read one)
	 * @param stderr its standard error, stripped, without the secret it was given
	 */
	record Result(int exitCode, String stdout, String stderr) {

		@Override
		public String toString() {
			return "Result[exitCode=" + this.exitCode + ", stdout=(" + this.stdout.length() + " chars), stderr="
					+ this.stderr + "]";
		}

	}

	/**
	 * @param stderr a tool's standard error
	 * @return it as a clause for a message
	 */
	static String said(String stderr) {
		return stderr.isEmpty() ? "nothing on its standard error" : "'" + firstLines(stderr) + "'";
	}

	private static String firstLines(String text) {
		String oneLine = text.replaceAll("\\s*\\R\\s*", " / ");
		return (oneLine.length() > 300) ? oneLine.substring(0, 300) + "..." : oneLine;
	}

}
