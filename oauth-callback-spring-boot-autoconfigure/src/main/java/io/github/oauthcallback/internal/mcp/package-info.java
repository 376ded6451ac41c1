/**
 * Internal: MCP client authorization (MCP authorization specification 2025-11-25): what discovery found about a
 * protected MCP server and its authorization server, shared by discovery, client registration and the SDK transport
 * hooks. No compatibility promise; may change in any release.
 */
@NullMarked
package io.github.oauthcallback.internal.mcp;

import org.jspecify.annotations.NullMarked;
