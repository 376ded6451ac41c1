package io.github.oauthcallback.support.mcp;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real MCP server for end-to-end tests of MCP client authorization: the MCP Java SDK's streamable HTTP server
 * transport ({@code HttpServletStreamableServerTransportProvider} with {@code McpServer.sync}) in embedded Tomcat on
 * 127.0.0.1 and a random port, in its own application context, behind Spring Security's OAuth 2.0 resource server.
 * <ul>
 * <li>The MCP endpoint is {@link #url()} ({@code http://127.0.0.1:<port>/mcp}), which is also the server's canonical
 * resource URI ({@link #resource()}).</li>
 * <li>Access tokens are JWTs of the given issuer, checked with its JWK set ({@code <issuer>/oauth2/jwks}): signature,
 * issuer, expiry without clock skew (so a test can let a token expire), and an audience ({@code aud}) that contains
 * {@link #resource()} (RFC 8707, MCP authorization "token audience binding").</li>
 * <li>Every MCP request needs scope {@link #TOOLS_SCOPE}; the tool {@link #ADMIN_ECHO_TOOL} also needs
 * {@link #ADMIN_SCOPE}.</li>
 * <li>Protected resource metadata (RFC 9728) at {@link #metadataUrl()} (path-inserted, the default) and, when asked
 * for, at {@link #rootMetadataUrl()}: {@code resource}, {@code authorization_servers} = [issuer],
 * {@code scopes_supported}, {@code bearer_methods_supported}.</li>
 * <li>Without a token, or with one that is not valid here: 401 and
 * {@code WWW-Authenticate: Bearer [error="invalid_token", error_description="...", ]resource_metadata="...",
 * scope="mcp:tools"}.</li>
 * <li>A valid token without the scope a request needs: 403 and
 * {@code WWW-Authenticate: Bearer error="insufficient_scope", scope="<the scopes the request needs>",
 * resource_metadata="...", error_description="..."}.</li>
 * </ul>
 * The SDK cannot answer a tool call with an HTTP status: by the time a tool runs, the transport has answered 200 and
 * opened the event stream. So the per-tool check is a filter in the security filter chain that reads the JSON-RPC body
 * of a POST ahead of the transport and, for {@code tools/call}, compares the tool's scopes with the token's
 * ({@code ToolScopeFilter}); the tools themselves only echo.
 * <p>
 * Start one per test class and reuse it; {@link #resetCounts()} between tests that count requests.
 */
public final class TestMcpServer implements AutoCloseable {

	/** The scope every MCP request needs. */
	public static final String TOOLS_SCOPE = "mcp:tools";

	/** The extra scope of {@link #ADMIN_ECHO_TOOL}. */
	public static final String ADMIN_SCOPE = "mcp:admin";

	/** Echoes its {@code message} argument; needs {@link #TOOLS_SCOPE}. */
	public static final String ECHO_TOOL = "echo";

	/** Echoes its {@code message} argument with the prefix {@code "admin: "}; needs {@link #ADMIN_SCOPE} as well. */
	public static final String ADMIN_ECHO_TOOL = "admin-echo";

	/** The path of the MCP endpoint. */
	public static final String PATH = "/mcp";

	/** The scopes each tool needs. */
	static final Map<String, List<String>> TOOL_SCOPES = Map.of(ECHO_TOOL, List.of(TOOLS_SCOPE), ADMIN_ECHO_TOOL,
			List.of(TOOLS_SCOPE, ADMIN_SCOPE));

	private final ConfigurableApplicationContext context;

	private final McpServerState state;

	private TestMcpServer(ConfigurableApplicationContext context, McpServerState state) {
		this.context = context;
		this.state = state;
	}

	/**
	 * Starts a server with the default {@link Options}.
	 * @param issuer the issuer of the access tokens it accepts (e.g. {@link McpAuthorizationServer#issuer()})
	 */
	public static TestMcpServer start(String issuer) {
		return start(issuer, Options.defaults());
	}

	/**
	 * Starts a server.
	 * @param issuer the issuer of the access tokens it accepts, also its only authorization server
	 * @param options what it advertises and where
	 */
	public static TestMcpServer start(String issuer, Options options) {
		McpServerState state = new McpServerState(URI.create(issuer), options);
		ConfigurableApplicationContext context = PeerApplications.start(McpServerConfig.class, state, Map.of(),
				"org.springframework.boot.security.oauth2.server.authorization.",
				"org.springframework.boot.security.oauth2.client.",
				"org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration");
		state.started(URI.create("http://127.0.0.1:" + PeerApplications.port(context) + PATH));
		return new TestMcpServer(context, state);
	}

	/** The MCP endpoint, the URL a client is given. */
	public String url() {
		return this.state.resource().toString();
	}

	/** The canonical resource URI: the audience tokens must carry. Equal to {@link #url()}. */
	public URI resource() {
		return this.state.resource();
	}

	/** The path-inserted protected resource metadata URL: {@code /.well-known/oauth-protected-resource/mcp}. */
	public URI metadataUrl() {
		return this.state.metadataUrl();
	}

	/** The root protected resource metadata URL: {@code /.well-known/oauth-protected-resource}. */
	public URI rootMetadataUrl() {
		return this.state.rootMetadataUrl();
	}

	/** The issuer whose tokens this server accepts. */
	public URI issuer() {
		return this.state.issuer();
	}

	public Options options() {
		return this.state.options();
	}

	/** What the server answered since start or the last {@link #resetCounts()}. */
	public Counts counts() {
		return this.state.counts();
	}

	public void resetCounts() {
		this.state.resetCounts();
	}

	@Override
	public void close() {
		PeerApplications.stop(this.context);
	}

	/**
	 * What the server advertises and where.
	 * @param challengeResourceMetadata whether 401 and 403 challenges carry {@code resource_metadata} (without it a
	 * client must find the metadata at the well-known URLs)
	 * @param challengeScope the {@code scope} of the 401 challenge, or {@code null} for none
	 * @param scopesSupported the metadata's {@code scopes_supported}; empty leaves the member out
	 * @param metadataAtPathInsertedUrl whether the metadata is served at {@link #metadataUrl()}
	 * @param metadataAtRootUrl whether the metadata is served at {@link #rootMetadataUrl()}
	 */
	public record Options(boolean challengeResourceMetadata, @Nullable String challengeScope,
			List<String> scopesSupported, boolean metadataAtPathInsertedUrl, boolean metadataAtRootUrl) {

		public Options {
			scopesSupported = List.copyOf(scopesSupported);
		}

		/**
		 * Challenges with {@code resource_metadata} and {@code scope="mcp:tools"}; {@code scopes_supported} =
		 * [mcp:tools, mcp:admin]; metadata at the path-inserted URL only.
		 */
		public static Options defaults() {
			return new Options(true, TOOLS_SCOPE, List.of(TOOLS_SCOPE, ADMIN_SCOPE), true, false);
		}

		/** The same, without {@code resource_metadata} in the challenges. */
		public Options withoutResourceMetadataInChallenge() {
			return new Options(false, this.challengeScope, this.scopesSupported, this.metadataAtPathInsertedUrl,
					this.metadataAtRootUrl);
		}

		/** The same, with another {@code scope} in the 401 challenge ({@code null}: none). */
		public Options withChallengeScope(@Nullable String scope) {
			return new Options(this.challengeResourceMetadata, scope, this.scopesSupported,
					this.metadataAtPathInsertedUrl, this.metadataAtRootUrl);
		}

		/** The same, with other {@code scopes_supported} (empty: none). */
		public Options withScopesSupported(List<String> scopes) {
			return new Options(this.challengeResourceMetadata, this.challengeScope, scopes,
					this.metadataAtPathInsertedUrl, this.metadataAtRootUrl);
		}

		/** The same, with the metadata served at the given URLs. */
		public Options withMetadataAt(boolean pathInserted, boolean root) {
			return new Options(this.challengeResourceMetadata, this.challengeScope, this.scopesSupported,
					pathInserted, root);
		}

	}

	/**
	 * Requests the server answered.
	 * @param requests all requests
	 * @param mcpRequests requests to the MCP endpoint
	 * @param bearerRequests requests to the MCP endpoint with an {@code Authorization: Bearer} header
	 * @param unauthorized 401 answers
	 * @param forbidden 403 answers
	 * @param metadataRequests requests for protected resource metadata (either URL, served or not)
	 */
	public record Counts(int requests, int mcpRequests, int bearerRequests, int unauthorized, int forbidden,
			int metadataRequests) {
	}

}
