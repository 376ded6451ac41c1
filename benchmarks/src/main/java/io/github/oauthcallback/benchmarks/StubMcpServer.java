package io.github.oauthcallback.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local protected MCP server and its authorization server in one JDK {@code HttpServer}, for P8: the MCP endpoint
 * ({@code /mcp}: {@code initialize}, {@code tools/list}, notifications) answers 401 with a {@code WWW-Authenticate}
 * challenge naming its protected resource metadata unless it is sent a token this stub issued; the authorization
 * server serves RFC 8414 metadata, open dynamic registration, an {@code /authorize} that approves at once (a redirect
 * to the client's loopback listener, as the MCP conformance suite's does) and a token endpoint. It counts the HTTP
 * requests it answers, by kind, so the figure can say how many round trips a first tool call costs.
 */
final class StubMcpServer implements AutoCloseable {

	/** The kinds of request counted. */
	enum Kind {

		/** Protected resource and authorization server metadata. */
		DISCOVERY,
		/** Dynamic client registration. */
		REGISTRATION,
		/** The browser's authorization request. */
		AUTHORIZATION,
		/** Token requests. */
		TOKEN,
		/** MCP requests answered 401. */
		MCP_REFUSED,
		/** MCP JSON-RPC requests and notifications (POST) answered. */
		MCP,
		/** Other MCP requests (the SDK's GET for a server stream, DELETE of a session), answered 405. */
		MCP_OTHER

	}

	private static final Pattern METHOD = Pattern.compile("\"method\"\\s*:\\s*\"([^\"]+)\"");

	private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\"[^\"]*\"|-?\\d+)");

	private final HttpServer server;

	private final ExecutorService executor = Executors.newFixedThreadPool(8);

	private final Map<Kind, AtomicInteger> counts = new ConcurrentHashMap<>();

	private final Set<String> issued = ConcurrentHashMap.newKeySet();

	private final AtomicInteger serial = new AtomicInteger();

	StubMcpServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
		this.server.setExecutor(this.executor);
		this.server.createContext("/mcp", this::mcp);
		this.server.createContext("/.well-known/oauth-protected-resource", (exchange) -> answer(exchange,
				Kind.DISCOVERY, 200, "{\"resource\":\"" + resource() + "\",\"authorization_servers\":[\"" + base()
						+ "\"],\"scopes_supported\":[\"mcp\"]}"));
		this.server.createContext("/.well-known/oauth-authorization-server", (exchange) -> answer(exchange,
				Kind.DISCOVERY, 200,
				"{\"issuer\":\"" + base() + "\",\"authorization_endpoint\":\"" + base() + "/authorize\","
						+ "\"token_endpoint\":\"" + base() + "/token\",\"registration_endpoint\":\"" + base()
						+ "/register\",\"response_types_supported\":[\"code\"],"
						+ "\"grant_types_supported\":[\"authorization_code\",\"refresh_token\"],"
						+ "\"code_challenge_methods_supported\":[\"S256\"],"
						+ "\"token_endpoint_auth_methods_supported\":[\"none\"],"
						+ "\"authorization_response_iss_parameter_supported\":true}"));
		this.server.createContext("/register", (exchange) -> answer(exchange, Kind.REGISTRATION, 201,
				"{\"client_id\":\"bench-client-" + this.serial.incrementAndGet() + "\","
						+ "\"token_endpoint_auth_method\":\"none\",\"redirect_uris\":[\"http://127.0.0.1/callback\"],"
						+ "\"grant_types\":[\"authorization_code\",\"refresh_token\"],\"response_types\":[\"code\"]}"));
		this.server.createContext("/authorize", this::authorize);
		this.server.createContext("/token", (exchange) -> {
			String token = "bench-at-" + this.serial.incrementAndGet();
			this.issued.add(token);
			answer(exchange, Kind.TOKEN, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\","
					+ "\"expires_in\":3600,\"refresh_token\":\"bench-rt-" + this.serial.incrementAndGet()
					+ "\",\"scope\":\"mcp\"}");
		});
		this.server.start();
	}

	String base() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	/** @return the MCP endpoint, also the server's resource identifier */
	String resource() {
		return base() + "/mcp";
	}

	int count(Kind kind) {
		AtomicInteger count = this.counts.get(kind);
		return (count != null) ? count.get() : 0;
	}

	int total() {
		return this.counts.values().stream().mapToInt(AtomicInteger::get).sum();
	}

	void resetCounts() {
		this.counts.clear();
	}

	private void mcp(HttpExchange exchange) throws IOException {
		try (exchange) {
			String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
			String authorization = exchange.getRequestHeaders().getFirst("Authorization");
			if (authorization == null || !authorization.startsWith("Bearer ")
					|| !this.issued.contains(authorization.substring(7))) {
				counted(Kind.MCP_REFUSED);
				exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer resource_metadata=\"" + base()
						+ "/.well-known/oauth-protected-resource/mcp\", scope=\"mcp\"");
				exchange.sendResponseHeaders(401, -1);
				return;
			}
			if (!"POST".equals(exchange.getRequestMethod())) {
				// no server-sent stream and no session to delete
				counted(Kind.MCP_OTHER);
				exchange.sendResponseHeaders(405, -1);
				return;
			}
			counted(Kind.MCP);
			Matcher method = METHOD.matcher(body);
			Matcher id = ID.matcher(body);
			if (!method.find() || !id.find()) {
				// a notification or a response: accepted, nothing to answer
				exchange.sendResponseHeaders(202, -1);
				return;
			}
			String result = switch (method.group(1)) {
				case "initialize" -> "{\"protocolVersion\":\"" + requestedVersion(body) + "\",\"capabilities\":"
						+ "{\"tools\":{}},\"serverInfo\":{\"name\":\"bench-mcp\",\"version\":\"1\"}}";
				case "tools/list" -> "{\"tools\":[{\"name\":\"echo\",\"description\":\"Echoes its text\","
						+ "\"inputSchema\":{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}}]}";
				default -> "{}";
			};
			StubTokenEndpoint.json(exchange, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + id.group(1) + ",\"result\":"
					+ result + "}");
		}
	}

	private static String requestedVersion(String body) {
		Matcher version = Pattern.compile("\"protocolVersion\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
		return version.find() ? version.group(1) : "2025-11-25";
	}

	private void authorize(HttpExchange exchange) throws IOException {
		try (exchange) {
			counted(Kind.AUTHORIZATION);
			Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
			String location = query.getOrDefault("redirect_uri", "") + "?code=bench-code-"
					+ this.serial.incrementAndGet() + "&state=" + encode(query.getOrDefault("state", "")) + "&iss="
					+ encode(base());
			exchange.getResponseHeaders().set("Location", location);
			exchange.sendResponseHeaders(302, -1);
		}
	}

	private void answer(HttpExchange exchange, Kind kind, int status, String json) throws IOException {
		try (exchange) {
			counted(kind);
			exchange.getRequestBody().readAllBytes();
			StubTokenEndpoint.json(exchange, status, json);
		}
	}

	private void counted(Kind kind) {
		this.counts.computeIfAbsent(kind, (k) -> new AtomicInteger()).incrementAndGet();
	}

	private static Map<String, String> query(String raw) {
		Map<String, String> parameters = new LinkedHashMap<>();
		if (raw != null) {
			for (String pair : raw.split("&")) {
				int equals = pair.indexOf('=');
				if (equals > 0) {
					parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
							URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
				}
			}
		}
		return parameters;
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

}
