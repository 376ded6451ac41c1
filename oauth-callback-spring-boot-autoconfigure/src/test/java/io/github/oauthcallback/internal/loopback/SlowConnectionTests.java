package io.github.oauthcallback.internal.loopback;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.sun.net.httpserver.HttpServer;
import io.github.oauthcallback.support.ListenerResources;
import io.github.oauthcallback.support.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Local connections that send a few bytes and stall (or nothing at all, like a browser's speculative
 * pre-connections) must not hold the genuine callback, and must not keep a thread of the listener.
 */
class SlowConnectionTests {

	private static final String STATE = "slow-state-0123456789abcdef0123456789";

	private final List<Socket> sockets = new ArrayList<>();

	private LoopbackListener<String> listener;

	@AfterEach
	void close() throws Exception {
		for (Socket socket : this.sockets) {
			socket.close();
		}
		if (this.listener != null) {
			this.listener.close();
		}
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
	}

	private LoopbackListener<String> start(long readDeadlineMillis, CodeProcessor<String> processor) {
		this.listener = LoopbackListener.start(new CallbackEndpoint("127.0.0.1", List.of(0), "/callback"),
				CallbackPages.defaults(), new AuthorizationResponseCheck("slow", STATE, null, false),
				Duration.ofMinutes(1), processor, HttpServer::start, readDeadlineMillis);
		return this.listener;
	}

	@Test
	void eightStalledConnectionsDoNotDelayTheGenuineCallback() throws Exception {
		start(LoopbackListener.REQUEST_READ_DEADLINE_MILLIS, (code) -> code);
		int port = this.listener.redirectUri().getPort();
		for (int i = 0; i < 8; i++) {
			Socket socket = connect(port);
			socket.getOutputStream().write('G');
			socket.getOutputStream().flush();
		}
		// Each stalled request is being read on a thread of the listener before the browser arrives.
		awaitReadingThreads(port, 8);
		long started = System.nanoTime();
		RawHttp.Response genuine = RawHttp.get(port, "/callback?code=the-code&state=" + STATE);
		long elapsed = System.nanoTime() - started;
		assertThat(genuine.status()).isEqualTo(200);
		assertThat(this.listener.outcome().get(5, TimeUnit.SECONDS)).isEqualTo("the-code");
		// Well under the read deadline the stalled requests would hold it for, with room for a loaded machine.
		assertThat(Duration.ofNanos(elapsed)).as("time to the genuine callback's answer")
			.isLessThan(Duration.ofMillis(LoopbackListener.REQUEST_READ_DEADLINE_MILLIS).minusSeconds(1));
	}

	@Test
	void aStalledConnectionIsClosedAfterTheReadDeadlineAndItsThreadFreed() throws Exception {
		start(300, (code) -> code);
		int port = this.listener.redirectUri().getPort();
		List<Socket> stalled = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			Socket socket = connect(port);
			socket.getOutputStream().write("GET /callback?st".getBytes(StandardCharsets.US_ASCII));
			socket.getOutputStream().flush();
			stalled.add(socket);
		}
		awaitReadingThreads(port, 3);
		for (Socket socket : stalled) {
			socket.setSoTimeout(10_000);
			assertClosedByTheListener(socket);
		}
		// the threads that read them are free again (waiting for work until their idle time ends, not in a read)
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (readingThreads(port).contains(Thread.State.RUNNABLE) && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(readingThreads(port)).doesNotContain(Thread.State.RUNNABLE);
		assertThat(RawHttp.get(port, "/callback?code=c&state=" + STATE).status()).isEqualTo(200);
		assertThat(this.listener.outcome().get(5, TimeUnit.SECONDS)).isEqualTo("c");
	}

	@Test
	void rejectedRequestsThatNeverSendTheirDeclaredBodyDoNotHoldTheGenuineCallback() throws Exception {
		start(300, (code) -> code);
		int port = this.listener.redirectUri().getPort();
		// More than the listener has threads: each is answered (404) and then, on closing the answer, the JDK server
		// drains the declared body, which never comes.
		for (int i = 0; i < RequestReadDeadlines.THREADS + 4; i++) {
			Socket socket = connect(port);
			socket.getOutputStream().write(("GET /elsewhere HTTP/1.1\r\nHost: 127.0.0.1:" + port
					+ "\r\nContent-Length: 60000\r\n\r\nx").getBytes(StandardCharsets.US_ASCII));
			socket.getOutputStream().flush();
		}
		awaitReadingThreads(port, RequestReadDeadlines.THREADS);
		RawHttp.Response genuine = RawHttp.get(port, "/callback?code=after-bodies&state=" + STATE);
		assertThat(genuine.status()).isEqualTo(200);
		assertThat(this.listener.outcome().get(10, TimeUnit.SECONDS)).isEqualTo("after-bodies");
	}

	@Test
	void theDeadlineNeverInterruptsTheHandler() throws Exception {
		AtomicBoolean interrupted = new AtomicBoolean();
		start(100, (code) -> {
			try {
				Thread.sleep(600);
			}
			catch (InterruptedException ex) {
				interrupted.set(true);
				throw ex;
			}
			return "exchanged";
		});
		int port = this.listener.redirectUri().getPort();
		RawHttp.Response response = RawHttp.get(port, "/callback?code=c&state=" + STATE);
		assertThat(interrupted).isFalse();
		assertThat(response.status()).isEqualTo(200);
		assertThat(this.listener.outcome().get(5, TimeUnit.SECONDS)).isEqualTo("exchanged");
	}

	@Test
	void aPreconnectedSocketThatSendsNothingForLongerThanTheDeadlineStillCarriesTheCallback() throws Exception {
		start(200, (code) -> code);
		int port = this.listener.redirectUri().getPort();
		Socket preconnected = connect(port);
		Thread.sleep(600);
		OutputStream out = preconnected.getOutputStream();
		out.write(("GET /callback?code=late&state=" + STATE + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
				+ "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
		out.flush();
		preconnected.setSoTimeout(10_000);
		String answer = new String(preconnected.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
		assertThat(answer).startsWith("HTTP/1.1 200");
		assertThat(this.listener.outcome().get(5, TimeUnit.SECONDS)).isEqualTo("late");
	}

	@Test
	void manyStalledConnectionsTakeBoundedThreadsAndAreAllClosed() throws Exception {
		start(300, (code) -> code);
		int port = this.listener.redirectUri().getPort();
		int count = RequestReadDeadlines.THREADS + RequestReadDeadlines.QUEUED + 20;
		List<Socket> stalled = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Socket socket = connect(port);
			socket.getOutputStream().write('G');
			socket.getOutputStream().flush();
			stalled.add(socket);
		}
		assertThat(readingThreads(port)).hasSizeLessThanOrEqualTo(RequestReadDeadlines.THREADS);
		for (Socket socket : stalled) {
			socket.setSoTimeout(10_000);
			assertClosedByTheListener(socket);
		}
		assertThat(readingThreads(port)).hasSizeLessThanOrEqualTo(RequestReadDeadlines.THREADS);
		assertThat(RawHttp.get(port, "/callback?code=c&state=" + STATE).status()).isEqualTo(200);
		assertThat(this.listener.outcome().get(5, TimeUnit.SECONDS)).isEqualTo("c");
	}

	private Socket connect(int port) throws IOException {
		Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port);
		this.sockets.add(socket);
		return socket;
	}

	private static void assertClosedByTheListener(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		try {
			assertThat(in.read()).as("end of stream").isEqualTo(-1);
		}
		catch (SocketTimeoutException ex) {
			fail("the stalled connection was still open after 10 s");
		}
		catch (SocketException ex) {
			// reset by the listener: closed as well
		}
	}

	private static List<Thread.State> readingThreads(int port) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().startsWith(LoopbackListener.THREAD_NAME_PREFIX + port + "-"))
			.map(Thread::getState)
			.toList();
	}

	/** Waits (up to 3 s) until the listener has at least that many threads; a broken pool never gets there. */
	private static void awaitReadingThreads(int port, int count) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
		while (readingThreads(port).size() < count && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
	}

}
