package io.github.oauthcallback.internal.mcp.discovery;

import java.net.URI;

import io.github.oauthcallback.McpAuthorizationException;

/**
 * Discovery failed because a metadata URL gave no answer or a server error, not because what it answered was refused
 * or missing: the case in which {@link McpMetadataDiscovery} lets expired cached metadata stand in.
 */
final class MetadataUnreachableException extends McpAuthorizationException {

	private static final long serialVersionUID = 1L;

	MetadataUnreachableException(URI server, String message) {
		super(server, message);
	}

}
