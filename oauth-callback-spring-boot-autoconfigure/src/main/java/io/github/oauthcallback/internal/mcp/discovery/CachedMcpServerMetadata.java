package io.github.oauthcallback.internal.mcp.discovery;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;

import io.github.oauthcallback.internal.mcp.AuthorizationServerMetadata;
import io.github.oauthcallback.internal.mcp.McpServerMetadata;
import io.github.oauthcallback.internal.mcp.ProtectedResourceMetadata;
import org.jspecify.annotations.Nullable;

/**
 * One MCP server's discovered metadata as its cache file holds it. Public metadata only: no client id, secret or
 * token.
 *
 * @param version format of the cache file
 * @param serverUrl the server's URL in canonical form, the file's key
 * @param discoveredAt when the metadata was fetched
 * @param resourceMetadataUrl the URL the protected resource metadata was read from (named by the server's challenge
 * or well-known)
 * @param resource the protected resource metadata
 * @param authorizationServer the chosen authorization server's metadata
 */
public record CachedMcpServerMetadata(int version, @Nullable URI serverUrl, @Nullable Instant discoveredAt,
		@Nullable URI resourceMetadataUrl, @Nullable ProtectedResourceMetadata resource,
		@Nullable AuthorizationServerMetadata authorizationServer) {

	static final int VERSION = 1;

	/**
	 * @return whether a file written by this format holds every part (others are not used)
	 */
	boolean isComplete() {
		return this.version == VERSION && this.serverUrl != null && this.discoveredAt != null
				&& this.resourceMetadataUrl != null && this.resource != null && this.authorizationServer != null;
	}

	/**
	 * @param now the current time
	 * @param timeToLive how long metadata is used before the server is asked again
	 * @return whether it is recent enough (metadata dated in the future is not)
	 */
	boolean isFresh(Instant now, Duration timeToLive) {
		Instant at = this.discoveredAt;
		return at != null && !at.isAfter(now) && now.isBefore(at.plus(timeToLive));
	}

	/**
	 * @param now the current time
	 * @param timeToLive how long metadata is used before the server is asked again
	 * @param maxStaleAge how long past its time to live an entry may still stand in
	 * @return whether it was discovered at or before that time (an entry dated in the future is not trusted) and
	 * its time to live ended less than {@code maxStaleAge} ago
	 */
	boolean mayStandIn(Instant now, Duration timeToLive, Duration maxStaleAge) {
		Instant at = this.discoveredAt;
		return at != null && !at.isAfter(now) && now.isBefore(at.plus(timeToLive).plus(maxStaleAge));
	}

	/**
	 * @return the metadata; only for a complete entry
	 */
	McpServerMetadata metadata() {
		if (this.resource == null || this.authorizationServer == null) {
			throw new IllegalStateException("An incomplete cache entry has no metadata");
		}
		return new McpServerMetadata(this.resource, this.authorizationServer);
	}

}
