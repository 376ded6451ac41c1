package io.github.oauthcallback.internal.loopback;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.net.URLEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import io.github.oauthcallback.AuthorizationErrorException;
import io.github.oauthcallback.AuthorizationIssuerMismatchException;
import io.github.oauthcallback.support.CapturedLogs;
import io.github.oauthcallback.support.RawHttp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Feeds the callback handler 100 000 generated requests that reach it (seeded, so a failure can be replayed): random methods,
 * paths, Host headers, query strings with repeated parameters, huge values, percent-encoding of all kinds and
 * non-ASCII text. No exception may escape, every answer must be one of the static pages with the security headers,
 * nothing may complete the flow, and the genuine callback must still succeed afterwards. Then responses with the right
 * state and hostile {@code code}, {@code error}, {@code error_description}, {@code iss} and extra parameters, over
 * real sockets, must each be judged as an independent oracle says.
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
			Map<Integer, Integer> statuses = new TreeMap<>();
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
				statuses.merge(exchange.status, 1, Integer::sum);
				assertThat(exchange.status).as("request %d: %s %s", i, method, target).isIn(400, 404, 405);
				byte[] body = exchange.body.toByteArray();
				assertThat(allowedBodies.stream().anyMatch((allowed) -> Arrays.equals(allowed, body)))
					.as("request %d answered a static page", i)
					.isTrue();
				assertThat(exchange.getResponseHeaders().getFirst("Content-Security-Policy"))
					.startsWith("default-src 'none'");
				assertThat(listener.outcome()).as("request %d did not end the flow", i).isNotDone();
			}
			// every kind of refusal happened: foreign Host or wrong state (400), other paths (404), other methods (405)
			assertThat(statuses.keySet()).containsExactly(400, 404, 405);
			assertThat(statuses.values()).allSatisfy((count) -> assertThat(count).isGreaterThan(REQUESTS / 100));
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

	private static final int VALID_STATE_REQUESTS = 400;

	private static final String ISSUER = "https://idp.example/realms/cli";

	/** Hostile text: terminal escapes, line breaks, bidi overrides, markup, huge and non-ASCII values. */
	private static final String[] HOSTILE = { "\u001b[2J\u001b[31mred", "line\r\nInjected: header", "\u202eevil",
			"<script>alert(1)</script>", "' OR 1=1 --", "\u0000nul", "\u4e2d\u6587\ud83d\ude00", "%2F%25", "a+b c",
			"&state=x", "=", "x".repeat(3000), "\u200b\u2066hidden" };

	private static final String[] ISS_VALUES = { ISSUER, ISSUER, ISSUER + "/", ISSUER.toUpperCase(), ISSUER + " ",
			" " + ISSUER, "https://attacker.example", "", ISSUER + "\u0000", "https://idp.example/realms/cl\u0131" };

	private static final String[] EXTRA_NAMES = { "session_state", "x", "ISS", "Code", "iss ", "error_description",
			"error_uri", "scope" };

	/** How a response with the right state ends. */
	enum Judged {

		SIGNED_IN, PROVIDER_ERROR, NO_CODE_NOR_ERROR, ISSUER_MISMATCH, NOT_THIS_LOGIN

	}

	@Test
	void hostileResponsesWithTheRightStateAreJudgedAsAnOracleSays() throws Exception {
		Random random = new Random(SEED + 2);
		Map<Judged, Integer> counts = new EnumMap<>(Judged.class);
		CallbackPages pages = CallbackPages.defaults();
		try (CapturedLogs logs = new CapturedLogs()) {
			for (int i = 0; i < VALID_STATE_REQUESTS; i++) {
				String expectedIssuer = (random.nextInt(4) != 0) ? ISSUER : null;
				boolean advertised = random.nextBoolean();
				List<String[]> parameters = new ArrayList<>();
				parameters.add(new String[] { "state", STATE });
				String codeMarker = "CODEzq" + i + "x";
				repeat(random, parameters, "code", () -> random.nextInt(8) == 0 ? "" : codeMarker + hostile(random));
				repeat(random, parameters, "error", () -> random.nextInt(8) == 0 ? "" : hostile(random));
				if (random.nextBoolean()) {
					parameters.add(new String[] { "error_description", hostile(random) });
				}
				if (random.nextInt(3) == 0) {
					parameters.add(new String[] { "error_uri", "https://idp.example/" + hostile(random) });
				}
				repeat(random, parameters, "iss", () -> ISS_VALUES[random.nextInt(ISS_VALUES.length)]);
				for (int extra = random.nextInt(4); extra > 0; extra--) {
					parameters.add(new String[] { EXTRA_NAMES[random.nextInt(EXTRA_NAMES.length)], hostile(random) });
				}
				Collections.shuffle(parameters, random);
				Judged expected = oracle(parameters, expectedIssuer, advertised);
				String query = encode(random, parameters);

				AtomicReference<String> processed = new AtomicReference<>();
				try (LoopbackListener<String> listener = LoopbackListener.start(
						new CallbackEndpoint("127.0.0.1", List.of(0), "/callback"), pages,
						new AuthorizationResponseCheck("fuzz", STATE, expectedIssuer, advertised), Duration.ofMinutes(1),
						(code) -> {
							processed.set(code);
							return "signed-in";
						})) {
					RawHttp.Response answer = RawHttp.get(listener.redirectUri().getPort(), "/callback?" + query);
					Judged actual = judged(i, answer, listener, pages);
					counts.merge(actual, 1, Integer::sum);
					assertThat(actual).as("request %d (issuer %s, advertised %s): %s", i, expectedIssuer, advertised,
							query.length() > 300 ? query.substring(0, 300) : query).isEqualTo(expected);
					if (actual == Judged.SIGNED_IN) {
						assertThat(processed.get()).as("request %d: the code as sent", i)
							.isEqualTo(values(parameters, "code").get(0));
					}
					else {
						assertThat(processed.get()).as("request %d: the processor never ran", i).isNull();
					}
					assertThat(answer.body()).as("request %d: nothing of the request is reflected", i)
						.doesNotContain(codeMarker, "<script>", "Injected");
				}
			}
			assertThat(logs.text()).as("no code in any log line").doesNotContain("CODEzq");
		}
		assertThat(counts.keySet()).as("every outcome happened").containsExactlyInAnyOrder(Judged.values());
		assertThat(counts.values()).allSatisfy((count) -> assertThat(count).isGreaterThan(VALID_STATE_REQUESTS / 50));
	}

	/**
	 * The rules, written independently of the check: repeated code or error is not this login; then a registration
	 * with an issuer needs an iss equal to it (present once), or none where the provider does not promise one; then
	 * a non-empty error is the provider's error, a non-empty code signs in, anything else is an invalid request.
	 */
	private static Judged oracle(List<String[]> parameters, String expectedIssuer, boolean advertised) {
		List<String> codes = values(parameters, "code");
		List<String> errors = values(parameters, "error");
		if (codes.size() > 1 || errors.size() > 1) {
			return Judged.NOT_THIS_LOGIN;
		}
		List<String> iss = values(parameters, "iss");
		if (expectedIssuer != null) {
			boolean issuerOk = iss.isEmpty() ? !advertised : (iss.size() == 1 && iss.get(0).equals(expectedIssuer));
			if (!issuerOk) {
				return Judged.ISSUER_MISMATCH;
			}
		}
		if (!errors.isEmpty() && !errors.get(0).isEmpty()) {
			return Judged.PROVIDER_ERROR;
		}
		if (!codes.isEmpty() && !codes.get(0).isEmpty()) {
			return Judged.SIGNED_IN;
		}
		return Judged.NO_CODE_NOR_ERROR;
	}

	/** What the listener did, from its answer and its outcome; anything unexpected fails the test. */
	private static Judged judged(int i, RawHttp.Response answer, LoopbackListener<String> listener,
			CallbackPages pages) throws Exception {
		String badRequest = new String(pages.badRequest(), StandardCharsets.UTF_8);
		String error = new String(pages.error(), StandardCharsets.UTF_8);
		String success = new String(pages.success(), StandardCharsets.UTF_8);
		if (answer.status() == 400 && answer.body().equals(badRequest)) {
			assertThat(listener.outcome()).as("request %d: a rejected response does not end the login", i).isNotDone();
			return Judged.NOT_THIS_LOGIN;
		}
		if (answer.status() == 200 && answer.body().equals(success)) {
			assertThat(listener.outcome().get(5, TimeUnit.SECONDS)).isEqualTo("signed-in");
			return Judged.SIGNED_IN;
		}
		if (answer.status() != 200 || !answer.body().equals(error)) {
			fail("request " + i + ": unexpected answer " + answer.status() + " " + answer.body());
		}
		Throwable failure;
		try {
			listener.outcome().get(5, TimeUnit.SECONDS);
			return fail("request " + i + ": the error page was shown, but the login succeeded");
		}
		catch (ExecutionException ex) {
			failure = ex.getCause();
		}
		assertThat(failure.getMessage()).as("request %d: a clean message", i)
			.doesNotContain("\u001b", "\r", "\n", "\u202e", "\u0000", "\u200b", "\u2066", "CODEzq");
		if (failure instanceof AuthorizationIssuerMismatchException) {
			return Judged.ISSUER_MISMATCH;
		}
		if (failure instanceof AuthorizationErrorException providerError) {
			return "the callback carried neither a code nor an error".equals(providerError.getErrorDescription())
					? Judged.NO_CODE_NOR_ERROR : Judged.PROVIDER_ERROR;
		}
		return fail("request " + i + ": unexpected failure " + failure);
	}

	/** Adds the parameter zero, one (most often) or two times. */
	private static void repeat(Random random, List<String[]> parameters, String name,
			java.util.function.Supplier<String> value) {
		int times = switch (random.nextInt(10)) {
			case 0, 1, 2 -> 0;
			case 3 -> 2;
			default -> 1;
		};
		for (int t = 0; t < times; t++) {
			parameters.add(new String[] { name, value.get() });
		}
	}

	private static String hostile(Random random) {
		return HOSTILE[random.nextInt(HOSTILE.length)];
	}

	private static List<String> values(List<String[]> parameters, String name) {
		return parameters.stream().filter((pair) -> pair[0].equals(name)).map((pair) -> pair[1]).toList();
	}

	/** Form-encodes each name and value, sometimes percent-encoding every character instead. */
	private static String encode(Random random, List<String[]> parameters) {
		StringBuilder query = new StringBuilder();
		for (String[] pair : parameters) {
			if (query.length() > 0) {
				query.append('&');
			}
			query.append(encode(random, pair[0])).append('=').append(encode(random, pair[1]));
		}
		return query.toString();
	}

	private static String encode(Random random, String text) {
		if (random.nextInt(5) != 0) {
			return URLEncoder.encode(text, StandardCharsets.UTF_8);
		}
		StringBuilder encoded = new StringBuilder();
		for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
			encoded.append(String.format("%%%02X", b & 0xFF));
		}
		return encoded.toString();
	}

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
