/**
 * Internal: discovery of a protected MCP server's authorization (MCP authorization specification 2025-11-25): the
 * Bearer challenge of its 401 (RFC 6750), its protected resource metadata (RFC 9728) checked against its URL, and the
 * metadata of its authorization server (RFC 8414, OpenID Connect Discovery) checked for the issuer and PKCE
 * {@code S256}, cached like provider discovery. Entry points: {@link McpMetadataDiscovery} and
 * {@link BearerChallenge#parse}. No compatibility promise; may change in any release.
 */
@NullMarked
package io.github.oauthcallback.internal.mcp.discovery;

import org.jspecify.annotations.NullMarked;
