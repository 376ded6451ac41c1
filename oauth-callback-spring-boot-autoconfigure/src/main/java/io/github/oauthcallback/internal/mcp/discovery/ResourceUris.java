package io.github.oauthcallback.internal.mcp.discovery;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * URLs of MCP servers and of their resources, in the canonical form of RFC 8707 / RFC 9728 as the MCP authorization
 * specification uses it, and the rule that decides whether protected resource metadata belongs to a server.
 * <p>
 * <b>Canonical form</b>: scheme and host in lower case, the scheme's default port (80, 443) dropped, no fragment, no
 * user info; the path and query as given (percent-encoding and case kept, dot segments removed).
 * <p>
 * <b>Match rule</b> ({@link #matches}, RFC 9728 section 3.3): the metadata's {@code resource} must be the resource
 * identifier the metadata URL was built from, compared in canonical form; only a trailing slash may differ. That
 * identifier is the server URL, except for the document at the root well-known URL of the server's origin
 * ({@code https://host[:port]/.well-known/oauth-protected-resource}, built from the origin, as the conformance
 * suite's {@code auth/metadata-var2} serves it), whose {@code resource} may also be the origin. So for the server
 * {@code https://mcp.example.com/mcp} the resources {@code https://mcp.example.com/mcp},
 * {@code https://mcp.example.com/mcp/}, {@code https://MCP.example.com:443/mcp} and {@code https://mcp.example.com/a/../mcp}
 * are accepted, and {@code https://mcp.example.com} only from the root document; {@code https://mcp.example.com/mcp2},
 * {@code https://mcp.example.com/mcp/tools}, {@code https://mcp.example.com/tenant} (a prefix),
 * {@code https://mcp.example.com/mcp?tenant=2}, {@code http://mcp.example.com/mcp},
 * {@code https://mcp.example.com:8443/mcp} and {@code https://evil.example.com/mcp} are not. Discovery keeps the
 * canonical form of the accepted {@code resource}, which is what the client then names as the RFC 8707 resource.
 */
final class ResourceUris {

	private ResourceUris() {
	}

	/**
	 * @param value text from a header or a metadata document
	 * @return it as an absolute {@code http}/{@code https} URL with a host and without user info or fragment, or
	 * {@code null} if it is not one
	 */
	static @Nullable URI httpUrl(@Nullable String value) {
		if (value == null || value.isEmpty()) {
			return null;
		}
		try {
			URI uri = new URI(value);
			return isHttpUrl(uri) ? uri : null;
		}
		catch (URISyntaxException ex) {
			return null;
		}
	}

	/**
	 * @param uri a parsed URI
	 * @return whether it is an absolute {@code http}/{@code https} URL with a host and without user info or
	 * fragment
	 */
	static boolean isHttpUrl(URI uri) {
		String scheme = uri.getScheme();
		return scheme != null && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
				&& !uri.isOpaque() && uri.getHost() != null && !uri.getHost().isEmpty() && uri.getRawUserInfo() == null
				&& uri.getRawFragment() == null;
	}

	/**
	 * @param url an {@code http}/{@code https} URL (with a host)
	 * @return its canonical form (see the class description): user info and fragment dropped
	 */
	static URI canonical(URI url) {
		String scheme = Objects.requireNonNull(url.getScheme()).toLowerCase(Locale.ROOT);
		String host = Objects.requireNonNull(url.getHost()).toLowerCase(Locale.ROOT);
		int port = url.getPort();
		if (port == defaultPort(scheme)) {
			port = -1;
		}
		String path = (url.getRawPath() != null) ? url.normalize().getRawPath() : "";
		StringBuilder canonical = new StringBuilder(scheme).append("://").append(host);
		if (port != -1) {
			canonical.append(':').append(port);
		}
		canonical.append(path);
		if (url.getRawQuery() != null) {
			canonical.append('?').append(url.getRawQuery());
		}
		return URI.create(canonical.toString());
	}

	/**
	 * @param resource the {@code resource} of protected resource metadata
	 * @param server the MCP server's URL
	 * @param readFrom the URL the metadata was read from, {@code null} if unknown
	 * @return whether the resource is the server's, by the rule of the class description
	 */
	static boolean matches(URI resource, URI server, @Nullable URI readFrom) {
		if (!isHttpUrl(resource) || !isHttpUrl(server)) {
			return false;
		}
		if (sameIgnoringTrailingSlash(canonical(resource), canonical(server))) {
			return true;
		}
		return readFrom != null && isHttpUrl(readFrom) && isRootDocument(readFrom, server)
				&& sameIgnoringTrailingSlash(canonical(resource), canonical(URI.create(origin(server))));
	}

	/**
	 * @param resource the {@code resource} of protected resource metadata
	 * @param server the MCP server's URL
	 * @return whether the resource is exactly the server's URL (a trailing slash aside)
	 */
	static boolean matches(URI resource, URI server) {
		return matches(resource, server, null);
	}

	/** Whether the URL is the root well-known protected resource URL of the server's origin. */
	private static boolean isRootDocument(URI readFrom, URI server) {
		URI root = canonical(URI.create(origin(server) + WellKnownUris.PROTECTED_RESOURCE));
		return canonical(readFrom).equals(root);
	}

	private static boolean sameIgnoringTrailingSlash(URI a, URI b) {
		return a.getScheme().equals(b.getScheme()) && a.getHost().equals(b.getHost()) && a.getPort() == b.getPort()
				&& withoutTrailingSlash(a.getRawPath()).equals(withoutTrailingSlash(b.getRawPath()))
				&& Objects.equals(a.getRawQuery(), b.getRawQuery());
	}

	/**
	 * @param url a URL
	 * @return its path without the terminating slashes ({@code ""} for none or {@code "/"})
	 */
	static String withoutTrailingSlash(@Nullable String path) {
		if (path == null) {
			return "";
		}
		int end = path.length();
		while (end > 0 && path.charAt(end - 1) == '/') {
			end--;
		}
		return path.substring(0, end);
	}

	/**
	 * @param url an {@code http}/{@code https} URL
	 * @return its scheme, host and port ({@code https://host[:port]}), as written in the URL
	 */
	static String origin(URI url) {
		String scheme = Objects.requireNonNull(url.getScheme()).toLowerCase(Locale.ROOT);
		String host = Objects.requireNonNull(url.getHost());
		return scheme + "://" + host + ((url.getPort() != -1) ? ":" + url.getPort() : "");
	}

	private static int defaultPort(String scheme) {
		return scheme.equals("https") ? 443 : 80;
	}

}
