package io.github.oauthcallback.internal.mcp.discovery;

import java.net.URI;
import java.util.List;

/**
 * The well-known metadata URLs, in the order the MCP authorization specification (2025-11-25) tries them.
 */
final class WellKnownUris {

	static final String PROTECTED_RESOURCE = "/.well-known/oauth-protected-resource";

	static final String AUTHORIZATION_SERVER = "/.well-known/oauth-authorization-server";

	static final String OPENID_CONFIGURATION = "/.well-known/openid-configuration";

	private WellKnownUris() {
	}

	/**
	 * RFC 9728 section 3.1 for an MCP server without {@code resource_metadata} in its challenge: the well-known
	 * suffix inserted between the host and the path (a terminating slash removed; the query kept), then the root.
	 * @param server the MCP server's URL (an {@code http}/{@code https} URL)
	 * @return the URLs to try, in order
	 */
	static List<URI> protectedResource(URI server) {
		String origin = ResourceUris.origin(server);
		String path = ResourceUris.withoutTrailingSlash(server.getRawPath());
		URI root = URI.create(origin + PROTECTED_RESOURCE);
		String query = (server.getRawQuery() != null) ? "?" + server.getRawQuery() : "";
		if (path.isEmpty()) {
			return List.of(root);
		}
		return List.of(URI.create(origin + PROTECTED_RESOURCE + path + query), root);
	}

	/**
	 * RFC 8414 section 3.1 and OpenID Connect Discovery 1.0 section 4, in the MCP order. For an issuer with a path
	 * (a terminating slash removed): OAuth with the path inserted, OpenID Connect with the path inserted, OpenID
	 * Connect with the path appended; for an issuer without one: OAuth, then OpenID Connect.
	 * @param issuer the authorization server's issuer (an {@code http}/{@code https} URL)
	 * @return the URLs to try, in order
	 */
	static List<URI> authorizationServer(URI issuer) {
		String origin = ResourceUris.origin(issuer);
		String path = ResourceUris.withoutTrailingSlash(issuer.getRawPath());
		if (path.isEmpty()) {
			return List.of(URI.create(origin + AUTHORIZATION_SERVER), URI.create(origin + OPENID_CONFIGURATION));
		}
		return List.of(URI.create(origin + AUTHORIZATION_SERVER + path),
				URI.create(origin + OPENID_CONFIGURATION + path), URI.create(origin + path + OPENID_CONFIGURATION));
	}

}
