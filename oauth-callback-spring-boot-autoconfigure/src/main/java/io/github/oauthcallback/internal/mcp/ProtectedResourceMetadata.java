package io.github.oauthcallback.internal.mcp;

import java.net.URI;
import java.util.List;

/**
 * The part of an MCP server's protected resource metadata (RFC 9728) that a client uses.
 *
 * @param resource the server's canonical resource identifier, already checked against the server's URL; sent as
 * {@code resource} (RFC 8707) on every authorization and token request
 * @param authorizationServers the issuers of the authorization servers the server accepts tokens from, in its order
 * (never empty)
 * @param scopesSupported the scopes the server lists, possibly none
 */
public record ProtectedResourceMetadata(URI resource, List<URI> authorizationServers, List<String> scopesSupported) {

	public ProtectedResourceMetadata {
		authorizationServers = List.copyOf(authorizationServers);
		scopesSupported = List.copyOf(scopesSupported);
		if (authorizationServers.isEmpty()) {
			throw new IllegalArgumentException("Protected resource metadata must name an authorization server");
		}
	}

}
