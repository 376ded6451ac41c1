package io.github.oauthcallback.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

import io.github.oauthcallback.loopback.LoopbackListener;

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
	 * Waits up to a few seconds for listener threads to end (pool threads end right after their last task).
	 * @return the listener threads still alive after waiting
	 */
	public static List<String> awaitNoListenerThreads() throws InterruptedException {
		long deadline = System.nanoTime() + 10_000_000_000L;
		List<String> alive = listenerThreads();
		while (!alive.isEmpty() && System.nanoTime() < deadline) {
			Thread.sleep(20);
			alive = listenerThreads();
		}
		return alive;
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
