package io.github.oauthcallback.internal.mcp;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The forms of an MCP server's URL the glue keys things by: a comparable form (scheme and host in lower case, the
 * default port dropped, no fragment, no trailing slash) and the registration id a server's logins are stored under
 * when no pre-registered client names one ({@code mcp-<host>-<10 hex digits of the comparable form's SHA-256>}: stable
 * across runs, safe in file names and database keys, and different for two servers on one host).
 */
public final class McpServerUrls {

	/** Prefix of the registration ids of MCP servers. */
	public static final String REGISTRATION_PREFIX = "mcp-";

	private McpServerUrls() {
	}

	/**
	 * @param serverUrl the MCP server's URL as given
	 * @return the URL checked: absolute http(s) with a host, https unless the host is a loopback one
	 * @throws IllegalArgumentException with what is wrong and what is valid
	 */
	public static URI parse(String serverUrl) {
		URI uri;
		try {
			uri = new URI((serverUrl != null) ? serverUrl.trim() : "");
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException("'" + serverUrl + "' is not a URL: give the MCP server's address, for "
					+ "example https://mcp.example.com/mcp.");
		}
		return check(uri);
	}

	/**
	 * @param uri an MCP server's URL
	 * @return the URL, if it is an absolute http(s) URL with a host, https unless the host is a loopback one
	 * @throws IllegalArgumentException with what is wrong and what is valid
	 */
	public static URI check(URI uri) {
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
			throw new IllegalArgumentException("'" + uri + "' is not an absolute http(s) URL with a host: give the MCP "
					+ "server's address, for example https://mcp.example.com/mcp.");
		}
		if (scheme.equals("http") && !loopback(uri.getHost())) {
			throw new IllegalArgumentException("'" + uri + "' uses http: the MCP authorization specification requires "
					+ "https for every server but one on this machine (127.0.0.1, [::1] or localhost).");
		}
		if (uri.getRawUserInfo() != null) {
			throw new IllegalArgumentException("'" + uri.getScheme() + "://...@" + uri.getHost() + "' carries "
					+ "user-info: give the MCP server's URL without credentials.");
		}
		return uri;
	}

	/**
	 * @param uri an MCP server's URL
	 * @return its comparable form: scheme and host in lower case, default port dropped, no fragment, no trailing
	 * slash (the query kept)
	 */
	public static URI comparable(URI uri) {
		String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
		int port = uri.getPort();
		if ((scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80)) {
			port = -1;
		}
		String path = (uri.getRawPath() != null) ? uri.getRawPath() : "";
		while (path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		String host = uri.getHost().toLowerCase(Locale.ROOT);
		return URI.create(scheme + "://" + host + ((port != -1) ? ":" + port : "") + path
				+ ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : ""));
	}

	/**
	 * @param uri an MCP server's URL
	 * @return the registration id its logins are stored under when no pre-registered client names one
	 */
	public static String registrationId(URI uri) {
		URI comparable = comparable(uri);
		String host = comparable.getHost().replaceAll("[^a-z0-9.-]", "_");
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256")
				.digest(comparable.toString().getBytes(StandardCharsets.UTF_8));
			return REGISTRATION_PREFIX + host + "-" + HexFormat.of().formatHex(digest, 0, 5);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required by every Java platform", ex);
		}
	}

	/**
	 * @param uri an MCP server's URL
	 * @return the base ({@code scheme://authority}) the SDK transport is given
	 */
	public static String base(URI uri) {
		return uri.getScheme() + "://" + uri.getRawAuthority();
	}

	/**
	 * @param uri an MCP server's URL
	 * @return the endpoint (path and query) the SDK transport is given; {@code /} for a URL without path
	 */
	public static String endpoint(URI uri) {
		String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty()) ? "/" : uri.getRawPath();
		return path + ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : "");
	}

	private static boolean loopback(String host) {
		return host.equals("127.0.0.1") || host.equals("[::1]") || host.equalsIgnoreCase("localhost");
	}

}
