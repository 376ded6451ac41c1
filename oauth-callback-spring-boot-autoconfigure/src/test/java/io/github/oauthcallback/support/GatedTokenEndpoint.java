package io.github.oauthcallback.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A token endpoint that signals when a request arrived and answers only once released.
 */
public final class GatedTokenEndpoint implements AutoCloseable {

	public final CountDownLatch arrived = new CountDownLatch(1);

	public final CountDownLatch release = new CountDownLatch(1);

	public final List<String> refreshTokens = new CopyOnWriteArrayList<>();

	private final HttpServer server;

	private final AtomicInteger requests = new AtomicInteger();

	private final List<String[]> responses = new CopyOnWriteArrayList<>();

	public GatedTokenEndpoint() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
		this.server.setExecutor(Executors.newFixedThreadPool(4));
		this.server.createContext("/token", this::token);
		this.server.start();
	}

	/** Adds the answer to the next request; the last one added answers every later request too. */
	public void respond(int status, String body) {
		this.responses.add(new String[] { Integer.toString(status), body });
	}

	public String tokenUri() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/token";
	}

	private void token(HttpExchange exchange) throws IOException {
		String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		for (String pair : form.split("&")) {
			if (pair.startsWith("refresh_token=")) {
				this.refreshTokens.add(pair.substring("refresh_token=".length()));
			}
		}
		int index = this.requests.getAndIncrement();
		String[] response = this.responses.get(Math.min(index, this.responses.size() - 1));
		this.arrived.countDown();
		try {
			this.release.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		byte[] bytes = response[1].getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(Integer.parseInt(response[0]), bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	@Override
	public void close() {
		this.release.countDown();
		this.server.stop(0);
		((ExecutorService) this.server.getExecutor()).shutdownNow();
	}

}

