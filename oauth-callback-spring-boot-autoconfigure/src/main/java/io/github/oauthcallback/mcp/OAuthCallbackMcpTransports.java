package io.github.oauthcallback.mcp;

import java.net.URI;

import io.github.oauthcallback.internal.mcp.McpAuthorizationErrorHandler;
import io.github.oauthcallback.internal.mcp.McpAuthorizations;
import io.github.oauthcallback.internal.mcp.McpBearerRequestCustomizer;
import io.github.oauthcallback.internal.mcp.McpServerAuthorization;
import io.github.oauthcallback.internal.mcp.McpServerUrls;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.customizer.McpAsyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.client.transport.customizer.McpHttpClientTransportAuthorizationErrorHandler;
import org.jspecify.annotations.Nullable;

/**
 * Streamable HTTP transports of the MCP Java SDK that authorize themselves at a protected MCP server (MCP
 * authorization specification 2025-11-25), knowing only its URL. The first request goes without a token; the
 * server's 401 challenge leads to its protected resource metadata and authorization server (cached), a client
 * identity (a pre-registered client tied to the server by {@code oauth-callback.mcp.servers.<name>}, a client ID
 * metadata document, a stored or new dynamic registration), and a login as the starter does it (browser with the
 * loopback listener, device grant or paste-back), with the server's {@code resource} (RFC 8707) on every
 * authorization and token request. Tokens are stored per server and account like any login and refreshed without the
 * user; a 403 {@code insufficient_scope} logs in again for the scopes held and those demanded. One request causes at
 * most {@code oauth-callback.mcp.max-authorization-attempts} (3) authorization attempts. Sync and async MCP clients
 * alike:
 *
 * <pre>{@code
 * McpSyncClient client = McpClient.sync(transports.transport("https://mcp.example.com/mcp").build()).build();
 * client.initialize();
 * }</pre>
 *
 * For a transport built by hand, {@link #requestCustomizer} and {@link #authorizationErrorHandler} give the two
 * hooks (both are needed, and the handler's {@code maxRetries} is the bound).
 */
public final class OAuthCallbackMcpTransports {

	private final McpAuthorizations authorizations;

	/**
	 * @param authorizations the authorizations of the MCP servers (internal; built by the auto-configuration)
	 */
	public OAuthCallbackMcpTransports(McpAuthorizations authorizations) {
		this.authorizations = authorizations;
	}

	/**
	 * @param serverUrl the MCP server's URL (its Streamable HTTP endpoint, for example
	 * {@code https://mcp.example.com/mcp}): https, or http to this machine
	 * @return a transport builder for the server with both hooks set, for the default account
	 * ({@code oauth-callback.login.account}, else the operating-system user name)
	 * @throws IllegalArgumentException if the URL is not an absolute https URL (http only for a loopback host)
	 */
	public HttpClientStreamableHttpTransport.Builder transport(String serverUrl) {
		return transport(serverUrl, null);
	}

	/**
	 * @param serverUrl the MCP server's URL: https, or http to this machine
	 * @param account the account the tokens are stored under, or {@code null} for the default account
	 * @return a transport builder for the server with both hooks set
	 * @throws IllegalArgumentException if the URL is not an absolute https URL (http only for a loopback host)
	 */
	public HttpClientStreamableHttpTransport.Builder transport(String serverUrl, @Nullable String account) {
		URI server = McpServerUrls.parse(serverUrl);
		McpServerAuthorization authorization = this.authorizations.of(server, account);
		return HttpClientStreamableHttpTransport.builder(McpServerUrls.base(server))
			.endpoint(McpServerUrls.endpoint(server))
			.asyncHttpRequestCustomizer(new McpBearerRequestCustomizer(authorization))
			.authorizationErrorHandler(
					new McpAuthorizationErrorHandler(authorization, this.authorizations.maxAttempts()));
	}

	/**
	 * @param serverUrl the MCP server's URL: https, or http to this machine
	 * @param account the account, or {@code null} for the default account
	 * @return the request customizer that sends the stored token (refreshed when due; never a login)
	 */
	public McpAsyncHttpClientRequestCustomizer requestCustomizer(String serverUrl, @Nullable String account) {
		return new McpBearerRequestCustomizer(this.authorizations.of(McpServerUrls.parse(serverUrl), account));
	}

	/**
	 * @param serverUrl the MCP server's URL: https, or http to this machine
	 * @param account the account, or {@code null} for the default account
	 * @return the authorization error handler (discovery, client identity and login on 401, refresh of a refused
	 * token, step-up on 403 {@code insufficient_scope}); its {@code maxRetries} bounds the attempts per request
	 */
	public McpHttpClientTransportAuthorizationErrorHandler authorizationErrorHandler(String serverUrl,
			@Nullable String account) {
		return new McpAuthorizationErrorHandler(this.authorizations.of(McpServerUrls.parse(serverUrl), account),
				this.authorizations.maxAttempts());
	}

	/**
	 * @param serverUrl the MCP server's URL
	 * @return the registration id the server's logins are stored under (for {@code status} and {@code logout})
	 */
	public String registrationId(String serverUrl) {
		return this.authorizations.registrationId(McpServerUrls.parse(serverUrl));
	}

}
