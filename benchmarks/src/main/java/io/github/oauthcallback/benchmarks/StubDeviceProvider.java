package io.github.oauthcallback.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local provider of the device authorization grant (RFC 8628) for P7: its device authorization endpoint hands out a
 * device code with a one-second interval; its token endpoint answers {@code authorization_pending} until
 * {@link #approve()} is called, then tokens. It counts the polls, in all and after the approval.
 */
final class StubDeviceProvider implements AutoCloseable {

	/** The interval the provider announces, in seconds. */
	static final int INTERVAL = 1;

	private final HttpServer server;

	private final ExecutorService executor = Executors.newFixedThreadPool(4);

	private final AtomicInteger polls = new AtomicInteger();

	private final AtomicInteger pollsAfterApproval = new AtomicInteger();

	private volatile boolean approved;

	StubDeviceProvider() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
		this.server.setExecutor(this.executor);
		this.server.createContext("/device_authorization", (exchange) -> answer(exchange, 200,
				"{\"device_code\":\"bench-device-code\",\"user_code\":\"BNCH-CODE\",\"verification_uri\":\""
						+ base() + "/device\",\"expires_in\":300,\"interval\":" + INTERVAL + "}"));
		this.server.createContext("/token", (exchange) -> {
			this.polls.incrementAndGet();
			if (this.approved) {
				this.pollsAfterApproval.incrementAndGet();
				answer(exchange, 200, "{\"access_token\":\"at-device\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
						+ "\"refresh_token\":\"rt-device\",\"scope\":\"read\"}");
			}
			else {
				answer(exchange, 400, "{\"error\":\"authorization_pending\"}");
			}
		});
		this.server.start();
	}

	String base() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	/** The user approves the login. */
	void approve() {
		this.approved = true;
	}

	int polls() {
		return this.polls.get();
	}

	int pollsAfterApproval() {
		return this.pollsAfterApproval.get();
	}

	private static void answer(HttpExchange exchange, int status, String json) throws IOException {
		try (exchange) {
			exchange.getRequestBody().readAllBytes();
			StubTokenEndpoint.json(exchange, status, json);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

}
