package io.github.oauthcallback.internal.mcp;

/**
 * What discovery found for one MCP server: its protected resource metadata and the metadata of the authorization
 * server chosen from it.
 *
 * @param resource the protected resource metadata
 * @param authorizationServer the chosen authorization server's metadata
 */
public record McpServerMetadata(ProtectedResourceMetadata resource, AuthorizationServerMetadata authorizationServer) {
}
