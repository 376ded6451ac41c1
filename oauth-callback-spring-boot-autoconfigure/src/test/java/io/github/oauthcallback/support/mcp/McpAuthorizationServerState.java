package io.github.oauthcallback.support.mcp;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.http.HttpServletRequest;

/**
 * What {@link McpAuthorizationServer}'s context shares with the test: options, registered clients and recordings.
 */
final class McpAuthorizationServerState {

	private final McpAuthorizationServer.Options options;

	private final ForgettingClientRepository clients = new ForgettingClientRepository();

	private final AtomicInteger metadata = new AtomicInteger();

	private final AtomicInteger registration = new AtomicInteger();

	private final AtomicInteger authorization = new AtomicInteger();

	private final AtomicInteger token = new AtomicInteger();

	private final List<McpAuthorizationServer.ResourceIndicator> resourceIndicators = new CopyOnWriteArrayList<>();

	private final ServerSecrets secrets = new ServerSecrets();

	McpAuthorizationServerState(McpAuthorizationServer.Options options) {
		this.options = options;
	}

	McpAuthorizationServer.Options options() {
		return this.options;
	}

	ForgettingClientRepository clients() {
		return this.clients;
	}

	/** The secrets received and issued since start (not reset by {@link #reset()}). */
	ServerSecrets secrets() {
		return this.secrets;
	}

	/**
	 * Records a request before the server handles it. The browser's replay of the authorization request after the
	 * login form (Spring Security's saved request, marked with {@code continue}) is not a request of the client.
	 */
	void record(HttpServletRequest request) {
		this.secrets.request(request);
		String path = request.getRequestURI();
		if (path.startsWith("/.well-known/")) {
			this.metadata.incrementAndGet();
		}
		else if (path.equals("/oauth2/register") && "POST".equals(request.getMethod())) {
			this.registration.incrementAndGet();
		}
		else if (path.equals("/oauth2/authorize") && "GET".equals(request.getMethod())
				&& request.getParameter("response_type") != null && request.getParameter("continue") == null) {
			this.authorization.incrementAndGet();
			this.resourceIndicators.add(indicator("authorize", null, request));
		}
		else if (path.equals("/oauth2/device_authorization") && "POST".equals(request.getMethod())) {
			this.resourceIndicators.add(indicator("device_authorization", null, request));
		}
		else if (path.equals("/oauth2/token") && "POST".equals(request.getMethod())) {
			this.token.incrementAndGet();
			this.resourceIndicators.add(indicator("token", request.getParameter("grant_type"), request));
		}
	}

	private static McpAuthorizationServer.ResourceIndicator indicator(String endpoint, String grantType,
			HttpServletRequest request) {
		String[] resources = request.getParameterValues("resource");
		return new McpAuthorizationServer.ResourceIndicator(endpoint, grantType, request.getParameter("client_id"),
				(resources != null) ? Arrays.asList(resources) : List.of());
	}

	McpAuthorizationServer.Counts counts() {
		return new McpAuthorizationServer.Counts(this.metadata.get(), this.registration.get(),
				this.authorization.get(), this.token.get());
	}

	List<McpAuthorizationServer.ResourceIndicator> resourceIndicators() {
		return List.copyOf(this.resourceIndicators);
	}

	void reset() {
		this.metadata.set(0);
		this.registration.set(0);
		this.authorization.set(0);
		this.token.set(0);
		this.resourceIndicators.clear();
	}

}
