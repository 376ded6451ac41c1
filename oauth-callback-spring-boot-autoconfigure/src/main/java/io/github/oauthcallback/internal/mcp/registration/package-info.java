/**
 * Internal: the client identity an MCP login uses (MCP authorization specification 2025-11-25, client registration):
 * a pre-registered client, a Client ID Metadata Document URL, a stored dynamic registration or a new one (RFC 7591),
 * in that order ({@link io.github.oauthcallback.internal.mcp.registration.McpClientIdentities}), and the storage of
 * dynamic registrations next to the tokens (memory, file, JDBC). No compatibility promise; may change in any release.
 */
@NullMarked
package io.github.oauthcallback.internal.mcp.registration;

import org.jspecify.annotations.NullMarked;
