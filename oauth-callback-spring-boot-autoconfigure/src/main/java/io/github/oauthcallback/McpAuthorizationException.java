package io.github.oauthcallback;

import java.net.URI;

import org.jspecify.annotations.Nullable;

/**
 * A client could not be authorized for an MCP server: its metadata could not be found or was refused (a
 * {@code resource} that does not match the server, an authorization server without PKCE {@code S256}), no client
 * identity could be had (no pre-registered client, no client ID metadata document, no dynamic registration), or the
 * server kept refusing the token. The message names the server and what to do.
 */
public class McpAuthorizationException extends OAuthCallbackException {

	private static final long serialVersionUID = 1L;

	private final URI server;

	public McpAuthorizationException(URI server, String message) {
		this(server, message, null);
	}

	public McpAuthorizationException(URI server, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.server = server;
	}

	/**
	 * @return the URL of the MCP server the client was being authorized for
	 */
	public URI getServer() {
		return this.server;
	}

}
