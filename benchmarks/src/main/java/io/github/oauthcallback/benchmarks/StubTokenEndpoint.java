package io.github.oauthcallback.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local token endpoint that answers every request with fresh tokens, optionally after a delay, and counts calls.
 */
final class StubTokenEndpoint implements AutoCloseable {

	private final HttpServer server;

	private final ExecutorService executor = Executors.newFixedThreadPool(16);

	private final AtomicInteger calls = new AtomicInteger();

	private final long delayMillis;

	StubTokenEndpoint(long delayMillis) throws IOException {
		this.delayMillis = delayMillis;
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
		this.server.setExecutor(this.executor);
		this.server.createContext("/token", this::answer);
		this.server.start();
	}

	String tokenUri() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/token";
	}

	int calls() {
		return this.calls.get();
	}

	private void answer(HttpExchange exchange) throws IOException {
		try (exchange) {
			exchange.getRequestBody().readAllBytes();
			int n = this.calls.incrementAndGet();
			if (this.delayMillis > 0) {
				try {
					Thread.sleep(this.delayMillis);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			json(exchange, 200, "{\"access_token\":\"at-" + n + "\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
					+ "\"refresh_token\":\"rt-" + n + "\",\"scope\":\"read\"}");
		}
	}

	/**
	 * Sends a JSON answer.
	 * @param exchange the exchange, whose request body has been read
	 * @param status the status
	 * @param json the body
	 */
	static void json(HttpExchange exchange, int status, String json) throws IOException {
		byte[] body = json.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

}
