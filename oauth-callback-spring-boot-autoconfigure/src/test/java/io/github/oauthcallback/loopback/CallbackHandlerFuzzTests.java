package io.github.oauthcallback.loopback;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import io.github.oauthcallback.support.CapturedLogs;
import io.github.oauthcallback.support.RawHttp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Feeds the callback handler 100 000 generated requests that reach it (seeded, so a failure can be replayed): random methods,
 * paths, Host headers, query strings with repeated parameters, huge values, percent-encoding of all kinds and
 * non-ASCII text. No exception may escape, every answer must be one of the static pages with the security headers,
 * nothing may complete the flow, and the genuine callback must still succeed afterwards.
 */
class CallbackHandlerFuzzTests {

	private static final long SEED = 20261123L;

	private static final int REQUESTS = 100_000;

	private static final String STATE = "fuzz-state-9f8e7d6c5b4a39281706f5e4d3c2b1a0";

	private static final List<String> METHODS = List.of("GET", "GET", "GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS",
			"TRACE", "PATCH", "CONNECT", "get", "FOO");

	private static final List<String> PATHS = List.of("/callback", "/callback", "/callback", "/", "/callback/",
			"/Callback", "/callback/x", "//callback", "/%63allback", "/callback;x=1", "/favicon.ico", "/../callback");

	private static final List<String> NAMES = List.of("code", "state", "error", "error_description", "error_uri",
			"session_state", "iss", "", "c%6Fde", "st%61te", "\u00e9", "code[]");

	private static final String[] FRAGMENTS = { "a", "Z", "0", "%20", "%2F", "%25", "%00", "%ff", "%e0%80", "%C3%A9",
			"+", "=", "&", "\u00e9", "\u4e2d", "\ud83d\ude00", "<script>", "'", "\"", "%3Cscript%3E", "..", ";", "%zz",
			"%", " " };

	@Test
	void generatedRequestsNeverBreakTheListener() throws Exception {
		CallbackPages pages = CallbackPages.defaults();
		List<byte[]> allowedBodies = List.of(pages.badRequest(), CallbackPages.NOT_FOUND,
				CallbackPages.METHOD_NOT_ALLOWED, new byte[0]);
		try (CapturedLogs logs = new CapturedLogs();
				LoopbackListener<String> listener = LoopbackListener.start("fuzz",
						new CallbackEndpoint("127.0.0.1", List.of(0), "/callback"), pages, STATE,
						Duration.ofMinutes(5), (code) -> code)) {
			int port = listener.redirectUri().getPort();
			Random random = new Random(SEED);
			int handled = 0;
			int refusedByTheServer = 0;
			for (int i = 0; handled < REQUESTS; i++) {
				String method = pick(random, METHODS);
				String target = pick(random, PATHS) + query(random);
				URI uri;
				try {
					uri = new URI(target);
				}
				catch (URISyntaxException ex) {
					refusedByTheServer++; // the JDK server refuses these itself with 400 before any handler runs
					continue;
				}
				FakeExchange exchange = new FakeExchange(method, uri, host(random, port));
				try {
					listener.handle(exchange);
				}
				catch (Throwable ex) {
					fail("request " + i + " (" + method + " " + target + ") threw " + ex);
				}
				handled++;
				assertThat(exchange.closed).as("request %d closed", i).isTrue();
				assertThat(exchange.status).as("request %d: %s %s", i, method, target).isIn(400, 404, 405);
				byte[] body = exchange.body.toByteArray();
				assertThat(allowedBodies.stream().anyMatch((allowed) -> Arrays.equals(allowed, body)))
					.as("request %d answered a static page", i)
					.isTrue();
				assertThat(exchange.getResponseHeaders().getFirst("Content-Security-Policy"))
					.startsWith("default-src 'none'");
				assertThat(listener.outcome()).as("request %d did not end the flow", i).isNotDone();
			}
			assertThat(handled).isEqualTo(REQUESTS);
			// The handler logs, and swallows, whatever it could not answer: a fake exchange never fails to write, so
			// any such line is an exception of the handler's own.
			assertThat(logs.text()).doesNotContain("Could not answer a request");
			assertThat(refusedByTheServer).as("malformed request targets were generated too").isPositive();
			RawHttp.Response genuine = RawHttp.get(port, "/callback?code=the-code&state=" + STATE);
			assertThat(genuine.status()).isEqualTo(200);
			assertThat(listener.outcome().get(5, TimeUnit.SECONDS)).isEqualTo("the-code");
		}
	}

	/**
	 * What never reaches the handler in-process: request bytes the JDK server parses itself. Raw non-UTF-8 bytes,
	 * invalid percent-encoding, control characters, missing, repeated and huge headers, bodies, over real sockets.
	 * Every answer is a well-formed status line (or the connection is closed), nothing ever quotes the request, and
	 * the genuine callback still succeeds afterwards.
	 */
	@Test
	void rawRequestsOnTheWireNeverBreakTheListenerOrGetReflected() throws Exception {
		String marker = "zq7Marker";
		byte[][] pieces = { "/callback".getBytes(StandardCharsets.US_ASCII), "?state=".getBytes(StandardCharsets.US_ASCII),
				"&code=".getBytes(StandardCharsets.US_ASCII), "%zz".getBytes(StandardCharsets.US_ASCII),
				"%".getBytes(StandardCharsets.US_ASCII), "%C3".getBytes(StandardCharsets.US_ASCII),
				new byte[] { (byte) 0xC3, (byte) 0xA9 }, new byte[] { (byte) 0xFF, (byte) 0xFE },
				new byte[] { (byte) 0x80 }, new byte[] { 0 }, new byte[] { 7 }, " ".getBytes(StandardCharsets.US_ASCII),
				"<script>".getBytes(StandardCharsets.US_ASCII), marker.getBytes(StandardCharsets.US_ASCII),
				STATE.substring(0, 10).getBytes(StandardCharsets.US_ASCII) };
		List<String> methods = List.of("GET", "GET", "POST", "HEAD", "PUT", "BREW", "G\u00c9T", "");
		Random random = new Random(SEED + 1);
		try (LoopbackListener<String> listener = LoopbackListener.start("wire-fuzz",
				new CallbackEndpoint("127.0.0.1", List.of(0), "/callback"), CallbackPages.defaults(), STATE,
				Duration.ofMinutes(5), (code) -> code)) {
			int port = listener.redirectUri().getPort();
			java.net.InetAddress loopback = java.net.InetAddress.getByName("127.0.0.1");
			int answered = 0;
			for (int i = 0; i < WIRE_REQUESTS; i++) {
				ByteArrayOutputStream request = new ByteArrayOutputStream();
				request.writeBytes(pick(random, methods).getBytes(StandardCharsets.ISO_8859_1));
				request.write(' ');
				int parts = 1 + random.nextInt(12);
				for (int p = 0; p < parts; p++) {
					request.writeBytes(pieces[random.nextInt(pieces.length)]);
				}
				request.writeBytes((random.nextInt(10) == 0 ? " HTTP/9.9\r\n" : " HTTP/1.1\r\n")
					.getBytes(StandardCharsets.ISO_8859_1));
				int hosts = random.nextInt(4) == 0 ? random.nextInt(3) : 1;
				for (int h = 0; h < hosts; h++) {
					request.writeBytes(("Host: " + (random.nextBoolean() ? "127.0.0.1:" + port : marker + ".example")
							+ "\r\n").getBytes(StandardCharsets.ISO_8859_1));
				}
				if (random.nextInt(5) == 0) {
					int length = (random.nextInt(10) == 0) ? 70_000 : random.nextInt(200);
					request.writeBytes(("X-" + marker + ": " + marker.repeat(1 + length / marker.length()) + "\r\n")
						.getBytes(StandardCharsets.ISO_8859_1));
				}
				boolean body = random.nextInt(6) == 0;
				if (body) {
					request.writeBytes(("Content-Length: " + (random.nextBoolean() ? "12" : "-1") + "\r\n")
						.getBytes(StandardCharsets.ISO_8859_1));
				}
				request.writeBytes("Connection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
				if (body) {
					request.writeBytes(("code=" + marker).getBytes(StandardCharsets.ISO_8859_1));
				}
				byte[] answer = rawExchange(loopback, port, request.toByteArray());
				String text = new String(answer, StandardCharsets.ISO_8859_1);
				if (!text.isEmpty()) {
					answered++;
					assertThat(text).as("request %d: a status line", i).matches("(?s)HTTP/1\\.1 [1-5]\\d\\d .*");
					assertThat(text).as("request %d: nothing of the request is quoted", i)
						.doesNotContainIgnoringCase(marker)
						.doesNotContain("<script>");
				}
				assertThat(listener.outcome()).as("request %d did not end the flow", i).isNotDone();
			}
			assertThat(answered).as("most raw requests get an answer").isGreaterThan(WIRE_REQUESTS / 2);
			RawHttp.Response genuine = RawHttp.get(port, "/callback?code=the-code&state=" + STATE);
			assertThat(genuine.status()).isEqualTo(200);
			assertThat(listener.outcome().get(5, TimeUnit.SECONDS)).isEqualTo("the-code");
		}
	}

	private static final int WIRE_REQUESTS = 3_000;

	/** Sends the bytes and reads until the server closes; a reset or a closed connection counts as no answer. */
	private static byte[] rawExchange(java.net.InetAddress address, int port, byte[] request) throws Exception {
		try (java.net.Socket socket = new java.net.Socket(address, port)) {
			socket.setSoTimeout(10_000);
			try {
				socket.getOutputStream().write(request);
				socket.getOutputStream().flush();
				socket.shutdownOutput();
			}
			catch (java.io.IOException ex) {
				// the server may close before reading everything (a huge header): read what it answered
			}
			ByteArrayOutputStream answer = new ByteArrayOutputStream();
			try {
				socket.getInputStream().transferTo(answer);
			}
			catch (java.net.SocketException ex) {
				// reset by the server after an early answer
			}
			return answer.toByteArray();
		}
	}

	private static String query(Random random) {
		if (random.nextInt(10) == 0) {
			return "";
		}
		int parameters = random.nextInt(random.nextInt(20) == 0 ? 80 : 6);
		StringBuilder query = new StringBuilder("?");
		for (int p = 0; p < parameters; p++) {
			if (p > 0) {
				query.append(random.nextInt(15) == 0 ? "&&" : "&");
			}
			String name = pick(random, NAMES);
			query.append(name);
			if (random.nextInt(8) != 0) {
				query.append('=').append(value(random, name));
			}
		}
		return query.toString();
	}

	private static String value(Random random, String name) {
		if ("state".equals(name) && random.nextInt(3) == 0) {
			// near misses of the real state: never the state itself
			String near = STATE.substring(0, random.nextInt(STATE.length()));
			return near + (char) ('a' + random.nextInt(26));
		}
		int length = (random.nextInt(50) == 0) ? 5_000 + random.nextInt(20_000) : random.nextInt(40);
		StringBuilder value = new StringBuilder();
		while (value.length() < length) {
			value.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
		}
		return value.toString();
	}

	private static String host(Random random, int port) {
		return switch (random.nextInt(8)) {
			case 0 -> null;
			case 1 -> "localhost:" + port;
			case 2 -> "evil.example";
			case 3 -> "127.0.0.1:" + (port + 1);
			case 4 -> "127.0.0.1";
			default -> "127.0.0.1:" + port;
		};
	}

	private static <T> T pick(Random random, List<T> values) {
		return values.get(random.nextInt(values.size()));
	}

	/** An in-memory exchange, as the JDK server hands one to a handler. */
	static final class FakeExchange extends HttpExchange {

		private final String method;

		private final URI uri;

		private final Headers requestHeaders = new Headers();

		private final Headers responseHeaders = new Headers();

		final ByteArrayOutputStream body = new ByteArrayOutputStream();

		int status = -1;

		boolean closed;

		FakeExchange(String method, URI uri, String host) {
			this.method = method;
			this.uri = uri;
			if (host != null) {
				this.requestHeaders.add("Host", host);
			}
		}

		@Override
		public Headers getRequestHeaders() {
			return this.requestHeaders;
		}

		@Override
		public Headers getResponseHeaders() {
			return this.responseHeaders;
		}

		@Override
		public URI getRequestURI() {
			return this.uri;
		}

		@Override
		public String getRequestMethod() {
			return this.method;
		}

		@Override
		public HttpContext getHttpContext() {
			return null;
		}

		@Override
		public void close() {
			this.closed = true;
		}

		@Override
		public InputStream getRequestBody() {
			return new ByteArrayInputStream(new byte[0]);
		}

		@Override
		public OutputStream getResponseBody() {
			return this.body;
		}

		@Override
		public void sendResponseHeaders(int code, long length) {
			this.status = code;
		}

		@Override
		public InetSocketAddress getRemoteAddress() {
			return new InetSocketAddress("127.0.0.1", 50000);
		}

		@Override
		public int getResponseCode() {
			return this.status;
		}

		@Override
		public InetSocketAddress getLocalAddress() {
			return new InetSocketAddress("127.0.0.1", 0);
		}

		@Override
		public String getProtocol() {
			return "HTTP/1.1";
		}

		@Override
		public Object getAttribute(String name) {
			return null;
		}

		@Override
		public void setAttribute(String name, Object value) {
		}

		@Override
		public void setStreams(InputStream in, OutputStream out) {
		}

		@Override
		public HttpPrincipal getPrincipal() {
			return null;
		}

	}

}
