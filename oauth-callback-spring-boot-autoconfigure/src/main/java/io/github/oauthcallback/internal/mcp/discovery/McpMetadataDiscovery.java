package io.github.oauthcallback.internal.mcp.discovery;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import io.github.oauthcallback.McpAuthorizationException;
import io.github.oauthcallback.internal.SafeText;
import io.github.oauthcallback.internal.SecureUris;
import io.github.oauthcallback.internal.discovery.DiscoveryCache;
import io.github.oauthcallback.internal.mcp.AuthorizationServerMetadata;
import io.github.oauthcallback.internal.mcp.McpServerMetadata;
import io.github.oauthcallback.internal.mcp.ProtectedResourceMetadata;
import io.github.oauthcallback.internal.mcp.discovery.MetadataDocuments.Read;
import io.github.oauthcallback.internal.mcp.discovery.MetadataFetcher.Document;
import io.github.oauthcallback.internal.mcp.discovery.MetadataFetcher.Failed;
import io.github.oauthcallback.internal.mcp.discovery.MetadataFetcher.Fetched;
import io.github.oauthcallback.internal.mcp.discovery.MetadataFetcher.NotMetadata;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.web.client.RestClient;

/**
 * Finds what a client needs to log in to a protected MCP server, knowing only its URL (MCP authorization
 * specification 2025-11-25, "Authorization Server Discovery"):
 * <ol>
 * <li>the server's protected resource metadata (RFC 9728): from the {@code resource_metadata} URL of its
 * {@link BearerChallenge} when it gave one, else from the well-known URL with the server's path inserted, then the
 * root one ({@link WellKnownUris#protectedResource}); refused when its {@code resource} is not the server's
 * ({@link ResourceUris} documents the rule);</li>
 * <li>the metadata of the first of its authorization servers that has usable metadata, tried at RFC 8414 path
 * insertion, OpenID Connect path insertion, OpenID Connect path appending ({@link WellKnownUris#authorizationServer});
 * refused when its {@code issuer} is not identical to the one the resource names (RFC 8414 section 3.3) or it does
 * not list {@code S256} in {@code code_challenge_methods_supported}. A document naming more than
 * {@value MetadataDocuments#MAX_AUTHORIZATION_SERVERS} authorization servers is malformed; of the others only the
 * first {@value #MAX_TRIED_AUTHORIZATION_SERVERS} are tried, in the document's order, and the first that answers
 * with usable metadata is used (the ones after it are not asked).</li>
 * </ol>
 * Every URL involved must be {@code https} (plain {@code http} only to {@code 127.0.0.1}, {@code [::1]} or
 * {@code localhost}), and a server that is not on this machine must not lead to this machine or to a link-local
 * address ({@link MetadataUrls}): the server URL, the challenge's {@code resource_metadata}, the {@code resource} and
 * {@code authorization_servers}, the authorization server's issuer and endpoints; a cache entry is held to the same
 * rules when read. The {@code resource} returned is the canonical form of the document's ({@link ResourceUris}).
 * A well-known URL answering 3xx, 4xx, something other than a JSON object, or malformed metadata is passed over for
 * the next one; no answer or a 5xx status ends that server's discovery. Every failure is an
 * {@link McpAuthorizationException} naming the server, the URLs tried and what to do.
 * <p>
 * What was found is kept in the {@link DiscoveryCache} (its {@code mcp} sub-folder, same trust rules and time to
 * live as provider discovery), so {@link #cached} answers without the network and {@link #discover} makes no request
 * while the entry is fresh, unless the server's challenge names another {@code resource_metadata} URL than the one the
 * entry was read from. When the entry has expired and a metadata URL then gives no answer or a server error, the
 * expired entry stands in, with a warning, as it does for provider discovery, but only when the protected resource
 * metadata could not be read at all, or when the fresh one names the same (canonical) {@code resource} and, among the
 * authorization servers tried, the cached issuer; and never more than {@link #MAX_STALE_AGE} past its time to live.
 * Not when a server answered with other metadata, nothing, or metadata that is refused. Thread-safe; all HTTP through
 * the given {@link RestClient}.
 */
public final class McpMetadataDiscovery {

	private static final Log logger = LogFactory.getLog(McpMetadataDiscovery.class);

	/** Most authorization servers of a protected resource tried, in the order the document names them. */
	static final int MAX_TRIED_AUTHORIZATION_SERVERS = 3;

	/**
	 * How long past its time to live an expired cache entry may still stand in while the metadata servers cannot
	 * answer (7 days); older entries are never used.
	 */
	static final Duration MAX_STALE_AGE = Duration.ofDays(7);

	private final MetadataFetcher fetcher;

	private final @Nullable McpMetadataCache cache;

	private final Duration timeToLive;

	private final Clock clock;

	/**
	 * @param restClient creates the {@code RestClient} for metadata requests, once, on the first request: usually
	 * {@link McpMetadataClients#restClient}
	 * @param cache the discovery cache (MCP entries go to its {@code mcp} sub-folder), or {@code null} for none
	 * @param timeToLive how long a cache entry is used before the server is discovered again; zero never uses it
	 * @param clock the clock the age of cache entries is measured with
	 */
	public McpMetadataDiscovery(Supplier<RestClient> restClient, @Nullable DiscoveryCache cache, Duration timeToLive,
			Clock clock) {
		this.fetcher = new MetadataFetcher(restClient);
		this.cache = (cache != null) ? new McpMetadataCache(cache) : null;
		this.timeToLive = timeToLive;
		this.clock = clock;
	}

	/**
	 * The metadata an earlier discovery cached for this server, without any network call.
	 * @param serverUrl the MCP server's URL
	 * @return its cached metadata, if a trusted entry for this URL is within its time to live
	 * @throws McpAuthorizationException if the URL is not an absolute http(s) URL, or uses plain http to another
	 * machine than this one
	 */
	public Optional<McpServerMetadata> cached(URI serverUrl) {
		URI server = server(serverUrl);
		if (this.cache == null) {
			return Optional.empty();
		}
		Instant now = this.clock.instant();
		return this.cache.read(server)
			.filter((entry) -> entry.isFresh(now, this.timeToLive))
			.map(CachedMcpServerMetadata::metadata);
	}

	/**
	 * The metadata an earlier discovery cached for this server, even when past its time to live, without any network
	 * call: for finding the server's stored login again (the glue uses its token and refresh as before; a login that
	 * needs the user discovers first). Same trust rules as {@link #cached}; an entry dated in the future is not used.
	 * @param serverUrl the MCP server's URL
	 * @return its cached metadata, if a trusted entry for this URL exists
	 * @throws McpAuthorizationException if the URL is not an absolute http(s) URL, or uses plain http to another
	 * machine than this one
	 */
	public Optional<McpServerMetadata> cachedEvenIfExpired(URI serverUrl) {
		URI server = server(serverUrl);
		if (this.cache == null) {
			return Optional.empty();
		}
		Instant now = this.clock.instant();
		return this.cache.read(server)
			.filter((entry) -> entry.discoveredAt() != null && !entry.discoveredAt().isAfter(now))
			.map(CachedMcpServerMetadata::metadata);
	}

	/**
	 * Discovers the server's metadata, or takes it from the cache (see the class description).
	 * @param serverUrl the MCP server's URL, as the client sends its requests to it
	 * @param challenge the Bearer challenge of the server's 401 (or 403), if there was one
	 * @return the checked metadata of the server and of its authorization server
	 * @throws McpAuthorizationException if the metadata cannot be found or is refused, or the challenge names a
	 * {@code resource_metadata} URL that is not https (or, from a server elsewhere, one on this machine)
	 */
	public McpServerMetadata discover(URI serverUrl, @Nullable BearerChallenge challenge) {
		URI server = server(serverUrl);
		URI named = (challenge != null) ? challenge.resourceMetadata() : null;
		if (named != null) {
			String refused = MetadataUrls.refusal(server, named, "the resource_metadata URL of the WWW-Authenticate "
					+ "challenge");
			if (refused != null) {
				throw new McpAuthorizationException(server, refused);
			}
		}
		Instant now = this.clock.instant();
		CachedMcpServerMetadata expired = null;
		if (this.cache != null) {
			Optional<CachedMcpServerMetadata> cached = this.cache.read(server);
			if (cached.isPresent()) {
				CachedMcpServerMetadata entry = cached.get();
				URI cachedFrom = entry.resourceMetadataUrl();
				if (named != null && cachedFrom != null
						&& !ResourceUris.canonical(named).equals(ResourceUris.canonical(cachedFrom))) {
					logger.debug("MCP server " + shown(server) + " names the resource metadata " + shown(named)
							+ ", not the cached " + shown(cachedFrom) + "; discovering again");
				}
				else if (entry.isFresh(now, this.timeToLive)) {
					logger.debug("MCP server " + shown(server) + " metadata taken from the discovery cache "
							+ this.cache.file(server));
					return entry.metadata();
				}
				else {
					logger.debug("The cached metadata of MCP server " + shown(server) + " is older than its time to "
							+ "live; discovering again");
					expired = entry.mayStandIn(now, this.timeToLive, MAX_STALE_AGE) ? entry : null;
				}
			}
		}
		Found<ProtectedResourceMetadata> resource;
		try {
			resource = (named != null) ? namedResource(server, named) : wellKnownResource(server);
		}
		catch (MetadataUnreachableException ex) {
			// nothing fresh contradicts the entry: it stands in, as it does for provider discovery
			return standIn(server, expired, ex);
		}
		AuthorizationServerMetadata authorizationServer;
		try {
			authorizationServer = authorizationServer(server, resource);
		}
		catch (MetadataUnreachableException ex) {
			// only while the fresh metadata still names what the entry holds
			return standIn(server, (expired != null && stillNames(resource.value(), expired)) ? expired : null, ex);
		}
		McpServerMetadata metadata = new McpServerMetadata(resource.value(), authorizationServer);
		if (this.cache != null) {
			this.cache.write(server, resource.url(), metadata, now);
		}
		logger.debug("MCP server " + shown(server) + " uses the authorization server "
				+ shown(metadata.authorizationServer().issuer()));
		return metadata;
	}

	private McpServerMetadata standIn(URI server, @Nullable CachedMcpServerMetadata expired,
			MetadataUnreachableException ex) {
		if (expired == null || this.cache == null) {
			throw ex;
		}
		logger.warn(ex.getMessage() + " Using the metadata of MCP server " + shown(server) + " cached at "
				+ expired.discoveredAt() + " in " + this.cache.file(server) + " instead (an expired entry stands in "
				+ "for at most " + MAX_STALE_AGE.toDays() + " days past its time to live).");
		return expired.metadata();
	}

	/** Whether fresh protected resource metadata names the cached resource and, among those tried, its issuer. */
	private static boolean stillNames(ProtectedResourceMetadata fresh, CachedMcpServerMetadata expired) {
		McpServerMetadata cached = expired.metadata();
		return ResourceUris.canonical(cached.resource().resource()).equals(fresh.resource())
				&& tried(fresh).contains(cached.authorizationServer().issuer());
	}

	private static List<URI> tried(ProtectedResourceMetadata resource) {
		List<URI> servers = resource.authorizationServers();
		return servers.subList(0, Math.min(servers.size(), MAX_TRIED_AUTHORIZATION_SERVERS));
	}

	/** Metadata and the URL it was read from. */
	private record Found<T>(T value, URI url) {

	}

	private Found<ProtectedResourceMetadata> namedResource(URI server, URI url) {
		String where = "The protected resource metadata of MCP server " + shown(server) + " at " + shown(url)
				+ " (named by resource_metadata in its WWW-Authenticate challenge)";
		Fetched fetched = this.fetcher.fetch(url);
		if (fetched instanceof Document document) {
			Read<ProtectedResourceMetadata> read = MetadataDocuments.protectedResource(document.members());
			if (read.value() == null) {
				throw new McpAuthorizationException(server, where + " is not usable: " + read.problem()
						+ ". Ask the server's operator to correct it (RFC 9728 section 2).");
			}
			return new Found<>(checkedResource(server, read.value(), url), url);
		}
		if (fetched instanceof Failed failed) {
			throw new MetadataUnreachableException(server, where + " could not be read: " + failed.reason()
					+ ". Check that the server can be reached from here (proxy settings, or a company CA in the "
					+ "JVM's trust store) and try again.");
		}
		throw new McpAuthorizationException(server, where + " could not be read: "
				+ ((NotMetadata) fetched).reason()
				+ ". Ask the server's operator to serve its protected resource metadata there (RFC 9728).");
	}

	private Found<ProtectedResourceMetadata> wellKnownResource(URI server) {
		List<String> tried = new ArrayList<>();
		for (URI url : WellKnownUris.protectedResource(server)) {
			Fetched fetched = this.fetcher.fetch(url);
			if (fetched instanceof Failed failed) {
				throw new MetadataUnreachableException(server, "The protected resource metadata of MCP server "
						+ shown(server) + " could not be read: " + shown(url) + " gave " + failed.reason()
						+ triedBefore(tried) + ". Check that the server can be reached from here (proxy settings, "
						+ "or a company CA in the JVM's trust store) and try again.");
			}
			if (fetched instanceof NotMetadata notMetadata) {
				tried.add(shown(url) + " (" + notMetadata.reason() + ")");
				continue;
			}
			Read<ProtectedResourceMetadata> read = MetadataDocuments.protectedResource(((Document) fetched).members());
			if (read.value() == null) {
				tried.add(shown(url) + " (malformed: " + read.problem() + ")");
				continue;
			}
			return new Found<>(checkedResource(server, read.value(), url), url);
		}
		throw new McpAuthorizationException(server, "MCP server " + shown(server) + " has no usable protected "
				+ "resource metadata (RFC 9728): its 401 named no resource_metadata, and " + MetadataUrls.joined(tried, ", ")
				+ ". Check that the URL is the server's MCP endpoint (often ending in /mcp) and that the server "
				+ "supports MCP authorization (2025-06-18 or later); a server of the 2025-03-26 specification without "
				+ "protected resource metadata is not supported.");
	}

	private static String triedBefore(List<String> tried) {
		return tried.isEmpty() ? "" : " (after " + MetadataUrls.joined(tried, ", ") + ")";
	}

	/**
	 * MCP authorization, "Token Audience Binding and Validation"; RFC 9728 section 3.3; the URL rules.
	 * @return the metadata with its {@code resource} in canonical form
	 */
	private static ProtectedResourceMetadata checkedResource(URI server, ProtectedResourceMetadata metadata, URI url) {
		String refused = MetadataUrls.refusal(server, metadata.resource(), "the resource its protected resource "
				+ "metadata names");
		if (refused != null) {
			throw new McpAuthorizationException(server, refused);
		}
		if (!ResourceUris.matches(metadata.resource(), server, url)) {
			throw new McpAuthorizationException(server, "The protected resource metadata at " + shown(url) + " is for "
					+ "the resource " + MetadataDocuments.quoted(metadata.resource().toASCIIString()) + ", which is not "
					+ "MCP server " + shown(server) + ": the resource must be the server's URL (a trailing slash aside), "
					+ "or its origin for the document at the origin's root well-known URL (RFC 9728 section 3.3). No "
					+ "login is attempted, so that no token for another resource is asked for or sent. Check the "
					+ "server URL you connect to; if it is right, the server's metadata is wrong or not the server's: "
					+ "tell its operator.");
		}
		for (URI issuer : metadata.authorizationServers()) {
			refused = MetadataUrls.refusal(server, issuer, "the authorization server its protected resource metadata "
					+ "names");
			if (refused != null) {
				throw new McpAuthorizationException(server, refused);
			}
		}
		return new ProtectedResourceMetadata(ResourceUris.canonical(metadata.resource()),
				metadata.authorizationServers(), metadata.scopesSupported());
	}

	/**
	 * The first authorization server of the resource whose metadata is found and passes the checks, among the first
	 * {@value #MAX_TRIED_AUTHORIZATION_SERVERS}.
	 */
	private AuthorizationServerMetadata authorizationServer(URI server, Found<ProtectedResourceMetadata> resource) {
		List<String> unusable = new ArrayList<>();
		McpAuthorizationException failure = null;
		boolean allUnreachable = true;
		for (URI issuer : tried(resource.value())) {
			AuthorizationServerOutcome outcome = authorizationServer(server, issuer);
			if (outcome.metadata() != null) {
				return outcome.metadata();
			}
			if (outcome.failure() != null && failure == null) {
				failure = outcome.failure();
			}
			allUnreachable &= outcome.failure() instanceof MetadataUnreachableException;
			unusable.add(outcome.problem());
		}
		if (failure != null && unusable.size() == 1) {
			throw failure;
		}
		String message = "No authorization server of MCP server " + shown(server) + " (from " + shown(resource.url())
				+ ") can be used: " + MetadataUrls.joined(unusable, "; ") + ".";
		if (allUnreachable) {
			throw new MetadataUnreachableException(server, message);
		}
		throw new McpAuthorizationException(server, message, failure);
	}

	/**
	 * @param metadata the usable metadata, if found
	 * @param problem why there is none, for a message
	 * @param failure the failure to report when this is the only authorization server: a refusal of its metadata
	 * (issuer, {@code S256}) or no answer; {@code null} when no metadata was found
	 */
	private record AuthorizationServerOutcome(@Nullable AuthorizationServerMetadata metadata, String problem,
			@Nullable McpAuthorizationException failure) {

	}

	private AuthorizationServerOutcome authorizationServer(URI server, URI issuer) {
		List<String> tried = new ArrayList<>();
		for (URI url : WellKnownUris.authorizationServer(issuer)) {
			Fetched fetched = this.fetcher.fetch(url);
			if (fetched instanceof Failed failed) {
				String problem = "the metadata of authorization server " + shown(issuer) + " could not be read: "
						+ shown(url) + " gave " + failed.reason() + triedBefore(tried)
						+ "; check that it can be reached from here and try again";
				return new AuthorizationServerOutcome(null, problem,
						new MetadataUnreachableException(server, capitalized(problem) + "."));
			}
			if (fetched instanceof NotMetadata notMetadata) {
				tried.add(shown(url) + " (" + notMetadata.reason() + ")");
				continue;
			}
			Read<AuthorizationServerMetadata> read = MetadataDocuments
				.authorizationServer(((Document) fetched).members());
			AuthorizationServerMetadata metadata = read.value();
			if (metadata == null) {
				tried.add(shown(url) + " (malformed: " + read.problem() + ")");
				continue;
			}
			String refused = refusal(server, issuer, metadata, url);
			if (refused != null) {
				return new AuthorizationServerOutcome(null, refused, new McpAuthorizationException(server, refused));
			}
			return new AuthorizationServerOutcome(metadata, "", null);
		}
		String problem = "authorization server " + shown(issuer) + " has no usable metadata (RFC 8414, OpenID "
				+ "Connect Discovery): " + MetadataUrls.joined(tried, ", ") + "; check the issuer the MCP server names in "
				+ "authorization_servers, or ask its operator to publish the authorization server's metadata";
		return new AuthorizationServerOutcome(null, problem, null);
	}

	/**
	 * @return why well-formed metadata is refused, or {@code null}
	 */
	private static @Nullable String refusal(URI server, URI issuer, AuthorizationServerMetadata metadata, URI url) {
		if (!metadata.issuer().toString().equals(issuer.toString())) {
			return "The authorization server metadata at " + shown(url) + " states the issuer "
					+ MetadataDocuments.quoted(metadata.issuer().toASCIIString()) + ", not " + shown(issuer)
					+ ", the authorization server MCP server " + shown(server) + " names; RFC 8414 requires them to be "
					+ "identical, so this metadata may be another server's and is not used. Ask the MCP server's "
					+ "operator to name the authorization server by its exact issuer in authorization_servers.";
		}
		List<String> methods = MetadataDocuments.codeChallengeMethods(metadata);
		if (!methods.contains(MetadataDocuments.S256)) {
			return "The authorization server " + shown(issuer) + " of MCP server " + shown(server) + " does not "
					+ "support PKCE with S256: its metadata at " + shown(url) + " has "
					+ (metadata.metadata().containsKey("code_challenge_methods_supported")
							? "code_challenge_methods_supported " + SafeText.providerText(methods.toString())
							: "no code_challenge_methods_supported")
					+ ". The MCP authorization specification requires a client to refuse such an authorization "
					+ "server, so no login is attempted. Ask its operator to enable PKCE with S256 and to list it "
					+ "in code_challenge_methods_supported.";
		}
		return MetadataUrls.refusal(server, metadata);
	}

	private static URI server(URI serverUrl) {
		if (!ResourceUris.isHttpUrl(serverUrl)) {
			throw new McpAuthorizationException(serverUrl, "The MCP server URL "
					+ SafeText.providerText(serverUrl.toString()) + " is not an absolute http or https URL with a host "
					+ "(and without user info or fragment). Give the URL the server's MCP endpoint is reached at, "
					+ "such as https://mcp.example.com/mcp.");
		}
		URI server = ResourceUris.canonical(serverUrl);
		if (!SecureUris.isSecureOrLoopback(server)) {
			throw new McpAuthorizationException(server, "The MCP server URL " + shown(server) + " is not https: plain "
					+ "http is only used to 127.0.0.1, [::1] or localhost, since anyone on the way could read and change "
					+ "the metadata and the tokens sent to it. Use the server's https URL.");
		}
		return server;
	}

	private static String shown(@Nullable URI url) {
		return MetadataUrls.shown(url);
	}

	private static String capitalized(String text) {
		return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
	}

}
