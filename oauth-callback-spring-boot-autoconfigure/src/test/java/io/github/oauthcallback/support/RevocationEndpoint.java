package io.github.oauthcallback.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A revocation endpoint (RFC 7009) that records every request's form and runs a hook when one arrives, before it
 * answers 200, so a test can look at the client's state while its revocation request is being served.
 */
public final class RevocationEndpoint implements AutoCloseable {

	/** The form of every request, in order of arrival. */
	public final List<Map<String, String>> forms = new CopyOnWriteArrayList<>();

	private final HttpServer server;

	private volatile Runnable onRequest = () -> {
	};

	public RevocationEndpoint() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
		this.server.setExecutor(Executors.newFixedThreadPool(2));
		this.server.createContext("/revoke", this::revoke);
		this.server.start();
	}

	/** Runs on the server's thread when a request arrived, before it is answered. */
	public void onRequest(Runnable hook) {
		this.onRequest = hook;
	}

	public String uri() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/revoke";
	}

	/** The values of one parameter across all requests, in order. */
	public List<String> values(String name) {
		return this.forms.stream().map((form) -> form.get(name)).toList();
	}

	private void revoke(HttpExchange exchange) throws IOException {
		String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		Map<String, String> form = new LinkedHashMap<>();
		for (String pair : body.split("&")) {
			int at = pair.indexOf('=');
			if (at > 0) {
				form.put(URLDecoder.decode(pair.substring(0, at), StandardCharsets.UTF_8),
						URLDecoder.decode(pair.substring(at + 1), StandardCharsets.UTF_8));
			}
		}
		this.forms.add(form);
		try {
			this.onRequest.run();
		}
		finally {
			exchange.sendResponseHeaders(200, -1);
			try (OutputStream out = exchange.getResponseBody()) {
				out.flush();
			}
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
		((ExecutorService) this.server.getExecutor()).shutdownNow();
	}

}
