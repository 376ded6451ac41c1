package io.github.oauthcallback.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A token endpoint that rotates refresh tokens strictly, as many providers do: each refresh token works once, and a
 * reused one is refused with {@code invalid_grant} and counted. Concurrent refreshes that are not serialized show
 * up as reuses.
 */
public final class RotatingTokenEndpoint implements AutoCloseable {

	private final HttpServer server;

	private final Set<String> valid = new HashSet<>();

	private final AtomicInteger issued = new AtomicInteger();

	private final AtomicInteger refreshes = new AtomicInteger();

	private final AtomicInteger reuses = new AtomicInteger();

	private final int expiresIn;

	private final long delayMillis;

	public RotatingTokenEndpoint(int expiresIn, long delayMillis) throws IOException {
		this.expiresIn = expiresIn;
		this.delayMillis = delayMillis;
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		this.server.setExecutor(Executors.newFixedThreadPool(8));
		this.server.createContext("/token", this::token);
		this.server.start();
	}

	/** Issues the first refresh token, as a login would. */
	public synchronized String firstRefreshToken() {
		String token = "rt-" + this.issued.incrementAndGet();
		this.valid.add(token);
		return token;
	}

	public String tokenUri() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/token";
	}

	public int refreshes() {
		return this.refreshes.get();
	}

	public int reuses() {
		return this.reuses.get();
	}

	private void token(HttpExchange exchange) throws IOException {
		try (exchange) {
			Map<String, String> form = new HashMap<>();
			for (String pair : new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
				int eq = pair.indexOf('=');
				if (eq > 0) {
					form.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
				}
			}
			try {
				Thread.sleep(this.delayMillis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			String body;
			int status;
			synchronized (this) {
				String presented = form.get("refresh_token");
				if ("refresh_token".equals(form.get("grant_type")) && this.valid.remove(presented)) {
					int n = this.issued.incrementAndGet();
					this.valid.add("rt-" + n);
					this.refreshes.incrementAndGet();
					status = 200;
					body = "{\"access_token\":\"at-" + n + "\",\"token_type\":\"Bearer\",\"expires_in\":" + this.expiresIn
							+ ",\"refresh_token\":\"rt-" + n + "\"}";
				}
				else {
					this.reuses.incrementAndGet();
					status = 400;
					body = "{\"error\":\"invalid_grant\"}";
				}
			}
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(status, bytes.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(bytes);
			}
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
		((java.util.concurrent.ExecutorService) this.server.getExecutor()).shutdownNow();
	}

}
