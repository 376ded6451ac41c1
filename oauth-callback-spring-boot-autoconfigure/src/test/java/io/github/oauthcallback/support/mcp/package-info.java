/**
 * The peers of the MCP client authorization tests: {@link io.github.oauthcallback.support.mcp.TestMcpServer}, a real
 * MCP server (the MCP Java SDK's streamable HTTP server transport) behind Spring Security's OAuth 2.0 resource server,
 * and {@link io.github.oauthcallback.support.mcp.McpAuthorizationServer}, a Spring Authorization Server with open
 * dynamic client registration (RFC 7591) that honours resource indicators (RFC 8707) in the token audience. Both run
 * on 127.0.0.1 and a random port, each in its own application context, without any of the starter's
 * auto-configurations.
 */
@NullMarked
package io.github.oauthcallback.support.mcp;

import org.jspecify.annotations.NullMarked;
