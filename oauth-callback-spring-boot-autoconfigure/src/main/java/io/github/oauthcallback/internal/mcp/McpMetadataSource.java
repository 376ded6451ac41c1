package io.github.oauthcallback.internal.mcp;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Discovery as the glue uses it (implemented on {@code internal.mcp.discovery}): the metadata of an MCP server and its
 * authorization server, from the network or from the cache.
 */
public interface McpMetadataSource {

	/**
	 * @param wwwAuthenticate the {@code WWW-Authenticate} values of the server's answer, possibly none
	 * @return the {@code Bearer} challenge among them, or {@link McpChallenge#NONE}
	 */
	McpChallenge challenge(List<String> wwwAuthenticate);

	/**
	 * Discovers the server's metadata, from the cache when it is fresh and the challenge names no other metadata.
	 * @param server the MCP server's URL
	 * @param wwwAuthenticate the {@code WWW-Authenticate} values of the server's 401, possibly none
	 * @return the checked metadata
	 * @throws io.github.oauthcallback.McpAuthorizationException if it cannot be found or is refused
	 */
	McpServerMetadata discover(URI server, List<String> wwwAuthenticate);

	/**
	 * @param server the MCP server's URL
	 * @return the cached metadata, without any network call
	 */
	Optional<McpServerMetadata> cached(URI server);

	/**
	 * @param server the MCP server's URL
	 * @return the cached metadata even when past its time to live, without any network call: only to find the
	 * server's stored login again (its token and refresh go where they went before)
	 */
	Optional<McpServerMetadata> cachedEvenIfExpired(URI server);

}
