package io.github.oauthcallback.internal.mcp.discovery;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import io.github.oauthcallback.internal.discovery.DiscoveryCache;
import io.github.oauthcallback.internal.mcp.AuthorizationServerMetadata;
import io.github.oauthcallback.internal.mcp.McpServerMetadata;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * MCP server metadata kept in the {@link DiscoveryCache}'s {@code mcp} sub-folder, one file per server URL (canonical
 * form), under the cache's rules: owner-only files in an owner-only folder, neither a symbolic link nor writable by
 * others, atomic replacement, anything untrusted or unreadable ignored with a warning. An entry is used only for the
 * server URL it was discovered for, and only while what discovery checked still holds for it (resource of the
 * server in canonical form, issuer among the resource's authorization servers, {@code S256}, every URL https or
 * loopback and none on this machine for a server elsewhere: {@link MetadataUrls}).
 */
final class McpMetadataCache {

	private static final Log logger = LogFactory.getLog(McpMetadataCache.class);

	static final String FOLDER = "mcp";

	private final DiscoveryCache cache;

	/**
	 * @param discoveryCache the provider discovery cache, whose folder gets an {@code mcp} sub-folder
	 */
	McpMetadataCache(DiscoveryCache discoveryCache) {
		this.cache = discoveryCache.within(FOLDER);
	}

	/**
	 * @param server the server URL, canonical
	 * @return the file of its entry
	 */
	Path file(URI server) {
		return this.cache.file(name(server));
	}

	/**
	 * @param server the server URL, canonical
	 * @return its entry, if a trusted and complete file holds one for exactly this server
	 */
	Optional<CachedMcpServerMetadata> read(URI server) {
		String subject = subject(server);
		Optional<CachedMcpServerMetadata> read = this.cache.read(name(server), CachedMcpServerMetadata.class, subject);
		if (read.isEmpty()) {
			return read;
		}
		CachedMcpServerMetadata entry = read.get();
		if (!entry.isComplete()) {
			logger.warn("Ignoring the discovery cache file " + file(server) + ": it is incomplete or of another "
					+ "format version. It is replaced after the next discovery of " + subject + ".");
			return Optional.empty();
		}
		if (!server.equals(entry.serverUrl())) {
			logger.debug("The discovery cache file " + file(server) + " describes another server; " + subject
					+ " is discovered again");
			return Optional.empty();
		}
		URI readFrom = entry.resourceMetadataUrl();
		if (readFrom == null || !ResourceUris.isHttpUrl(readFrom) || !stillHolds(entry.metadata(), server, readFrom)) {
			logger.warn("Ignoring the discovery cache file " + file(server) + ": its metadata does not pass the "
					+ "checks of a discovery (resource of the server, issuer, PKCE S256, https or loopback URLs). It is "
					+ "replaced after the next discovery of " + subject + ".");
			return Optional.empty();
		}
		return Optional.of(entry);
	}

	/**
	 * Keeps what was discovered; a failure to write is logged, never thrown.
	 * @param server the server URL, canonical
	 * @param resourceMetadataUrl where the protected resource metadata was read
	 * @param metadata what was discovered
	 * @param at when
	 */
	void write(URI server, URI resourceMetadataUrl, McpServerMetadata metadata, Instant at) {
		this.cache.write(name(server), new CachedMcpServerMetadata(CachedMcpServerMetadata.VERSION, server, at,
				resourceMetadataUrl, metadata.resource(), metadata.authorizationServer()), subject(server));
	}

	/** The checks of a discovery, again: a file can be edited, or be left from before a check was added. */
	private static boolean stillHolds(McpServerMetadata metadata, URI server, URI readFrom) {
		AuthorizationServerMetadata authorizationServer = metadata.authorizationServer();
		URI resource = metadata.resource().resource();
		List<URI> authorizationServers = metadata.resource().authorizationServers();
		return ResourceUris.matches(resource, server, readFrom) && ResourceUris.canonical(resource).equals(resource)
				&& authorizationServers.size() <= MetadataDocuments.MAX_AUTHORIZATION_SERVERS
				&& authorizationServers.contains(authorizationServer.issuer())
				&& MetadataDocuments.codeChallengeMethods(authorizationServer).contains(MetadataDocuments.S256)
				&& MetadataUrls.refusal(server, readFrom, "the metadata URL") == null
				&& MetadataUrls.refusal(server, resource, "the resource") == null
				&& authorizationServers.stream()
					.allMatch((issuer) -> MetadataUrls.refusal(server, issuer, "the authorization server") == null)
				&& MetadataUrls.refusal(server, authorizationServer) == null;
	}

	private static String subject(URI server) {
		return "MCP server " + MetadataUrls.shown(server);
	}

	/** The host and port for people looking at the folder, and a hash of the whole URL to tell paths apart. */
	private static String name(URI server) {
		String host = String.valueOf(server.getHost()).replaceAll("[^A-Za-z0-9.-]", "-");
		if (host.length() > 64) {
			host = host.substring(0, 64);
		}
		String port = (server.getPort() != -1) ? "-" + server.getPort() : "";
		return host + port + "-" + shortHash(server.toString());
	}

	private static String shortHash(String value) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 8);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every Java runtime", ex);
		}
	}

}
