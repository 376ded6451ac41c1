/**
 * MCP client authorization for the MCP Java SDK: {@link io.github.oauthcallback.mcp.OAuthCallbackMcpTransports}
 * gives transports that find a protected MCP server's authorization server, get a client identity, log in and send
 * the token, knowing only the server's URL.
 */
@NullMarked
package io.github.oauthcallback.mcp;

import org.jspecify.annotations.NullMarked;
