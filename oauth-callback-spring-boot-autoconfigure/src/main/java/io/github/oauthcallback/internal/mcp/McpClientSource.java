package io.github.oauthcallback.internal.mcp;

import java.net.URI;
import java.util.Optional;
import java.util.Set;

/**
 * Client identities as the glue uses them (implemented on {@code internal.mcp.registration}): a pre-registered
 * client, a client ID metadata document, a stored dynamic registration, or a new one.
 */
public interface McpClientSource {

	/**
	 * The identity the server's logins use, registering the client dynamically when nothing else is available.
	 * @param server the MCP server's URL
	 * @param registrationId the server's registration id
	 * @param metadata the server's metadata
	 * @param scopes the scopes its logins ask for, possibly none
	 * @return the identity
	 * @throws io.github.oauthcallback.McpAuthorizationException if none can be had, saying which ways the user has
	 */
	McpClientCredentials obtain(URI server, String registrationId, McpServerMetadata metadata, Set<String> scopes);

	/**
	 * @param server the MCP server's URL
	 * @param registrationId the server's registration id
	 * @param metadata the server's metadata
	 * @return the identity if one is at hand without any network call (pre-registered, metadata document, stored
	 * registration for this issuer)
	 */
	Optional<McpClientCredentials> known(URI server, String registrationId, McpServerMetadata metadata);

	/**
	 * Forgets a stored dynamic registration that the authorization server refused ({@code invalid_client}), so the
	 * next {@link #obtain} registers again; only if the stored one is still the refused client (one registered
	 * meanwhile stays).
	 * @param registrationId the server's registration id
	 * @param clientId the client id the authorization server refused
	 * @return whether it was forgotten
	 */
	boolean forget(String registrationId, String clientId);

}
