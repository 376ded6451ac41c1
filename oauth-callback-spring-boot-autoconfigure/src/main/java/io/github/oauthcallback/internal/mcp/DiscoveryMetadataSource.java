package io.github.oauthcallback.internal.mcp;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import io.github.oauthcallback.internal.mcp.discovery.BearerChallenge;
import io.github.oauthcallback.internal.mcp.discovery.McpMetadataDiscovery;

/**
 * {@link McpMetadataSource} on {@link McpMetadataDiscovery} and {@link BearerChallenge}.
 */
public final class DiscoveryMetadataSource implements McpMetadataSource {

	private final McpMetadataDiscovery discovery;

	/**
	 * @param discovery the discovery
	 */
	public DiscoveryMetadataSource(McpMetadataDiscovery discovery) {
		this.discovery = discovery;
	}

	@Override
	public McpChallenge challenge(List<String> wwwAuthenticate) {
		return BearerChallenge.parse(wwwAuthenticate)
			.map((challenge) -> new McpChallenge(challenge.scope(), challenge.error()))
			.orElse(McpChallenge.NONE);
	}

	@Override
	public McpServerMetadata discover(URI server, List<String> wwwAuthenticate) {
		return this.discovery.discover(server, BearerChallenge.parse(wwwAuthenticate).orElse(null));
	}

	@Override
	public Optional<McpServerMetadata> cached(URI server) {
		return this.discovery.cached(server);
	}

	@Override
	public Optional<McpServerMetadata> cachedEvenIfExpired(URI server) {
		return this.discovery.cachedEvenIfExpired(server);
	}

}
