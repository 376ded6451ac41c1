package io.github.oauthcallback.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

import io.github.oauthcallback.internal.loopback.LoopbackListener;

/**
 * Checks that listeners leave nothing behind: no thread of theirs alive, ports bindable again.
 */
public final class ListenerResources {

	private ListenerResources() {
	}

	/**
	 * @return names of live threads that belong to a loopback listener (ours, or the JDK HttpServer's)
	 */
	public static List<String> listenerThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith(LoopbackListener.THREAD_NAME_PREFIX) || name.equals("HTTP-Dispatcher")
					|| name.equals("server-timer") || name.equals("idle-timeout-task"))
			.toList();
	}

	/**
	 * @return names of live threads of the starter (all named {@code oauth-callback-...})
	 */
	public static List<String> starterThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith("oauth-callback-"))
			.toList();
	}

	/**
	 * {@link #starterThreads()} once none is left, or after ten seconds: executors that were shut down, interrupted
	 * pollers and stopped countdowns end a moment after their owner let them go.
	 * @return the starter's threads still alive
	 */
	public static List<String> awaitNoStarterThreads() throws InterruptedException {
		return awaitNone(ListenerResources::starterThreads);
	}

	/**
	 * {@link #listeningPortsOfThisProcess()}, after checking that it does see a socket this JVM listens on.
	 * @return the listening ports, or {@code null} where {@code /proc} does not tell (not Linux)
	 * @throws IllegalStateException if the reading misses the probe socket
	 */
	public static java.util.Set<Integer> checkedListeningPortsOfThisProcess() throws IOException {
		java.util.Set<Integer> ports = listeningPortsOfThisProcess();
		if (ports == null) {
			return null;
		}
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			java.util.Set<Integer> withProbe = listeningPortsOfThisProcess();
			if (withProbe == null || !withProbe.contains(probe.getLocalPort())) {
				throw new IllegalStateException("/proc did not show the probe socket on port " + probe.getLocalPort());
			}
		}
		return ports;
	}

	/**
	 * Waits up to a few seconds for listener threads to end (pool threads end right after their last task).
	 * @return the listener threads still alive after waiting
	 */
	public static List<String> awaitNoListenerThreads() throws InterruptedException {
		return awaitNone(ListenerResources::listenerThreads);
	}

	/**
	 * @param threads lists the live threads of a kind
	 * @return them once none is left, or as they are after ten seconds
	 */
	private static List<String> awaitNone(java.util.function.Supplier<List<String>> threads)
			throws InterruptedException {
		long deadline = System.nanoTime() + 10_000_000_000L;
		List<String> alive = threads.get();
		while (!alive.isEmpty() && System.nanoTime() < deadline) {
			Thread.sleep(20);
			alive = threads.get();
		}
		return alive;
	}

	/**
	 * The TCP ports on which this JVM still holds a listening socket, read from Linux's {@code /proc} (the socket
	 * inodes among this process's file descriptors, matched with the LISTEN entries of {@code /proc/net/tcp} and
	 * {@code tcp6}).
	 * @return the listening ports, or {@code null} where {@code /proc} does not tell (not Linux)
	 */
	public static java.util.Set<Integer> listeningPortsOfThisProcess() throws IOException {
		java.nio.file.Path fds = java.nio.file.Path.of("/proc/self/fd");
		if (!java.nio.file.Files.isDirectory(fds)) {
			return null;
		}
		java.util.Set<String> inodes = new java.util.HashSet<>();
		try (java.util.stream.Stream<java.nio.file.Path> links = java.nio.file.Files.list(fds)) {
			for (java.nio.file.Path link : (Iterable<java.nio.file.Path>) links::iterator) {
				try {
					String target = java.nio.file.Files.readSymbolicLink(link).toString();
					if (target.startsWith("socket:[")) {
						inodes.add(target.substring(8, target.length() - 1));
					}
				}
				catch (IOException ex) {
					// the descriptor was closed meanwhile
				}
			}
		}
		java.util.Set<Integer> ports = new java.util.TreeSet<>();
		for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
			java.nio.file.Path path = java.nio.file.Path.of(table);
			if (!java.nio.file.Files.exists(path)) {
				continue;
			}
			for (String line : java.nio.file.Files.readAllLines(path).subList(1,
					java.nio.file.Files.readAllLines(path).size())) {
				String[] fields = line.trim().split("\\s+");
				// sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
				if (fields.length > 9 && "0A".equals(fields[3]) && inodes.contains(fields[9])) {
					String local = fields[1];
					ports.add(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16));
				}
			}
		}
		return ports;
	}

	public static boolean portFree(InetAddress address, int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(address, port));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
