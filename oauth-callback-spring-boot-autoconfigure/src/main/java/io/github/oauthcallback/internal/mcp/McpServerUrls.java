package io.github.oauthcallback.internal.mcp;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

import io.github.oauthcallback.internal.SafeText;

/**
 * The forms of an MCP server's URL the glue keys things by: a comparable form (scheme and host in lower case, the
 * default port dropped, no fragment, no trailing slash) and the registration id a server's logins are stored under
 * when no pre-registered client names one ({@code mcp-<host>-<32 hex digits of the comparable form's SHA-256>}, 128
 * bits: stable across runs, safe in file names and database keys, different for any two servers; the host part is
 * cut to {@value #MAX_HOST_LENGTH} characters so the id fits the token table's 100-character registration id column).
 * A URL with user-info is refused, and messages never show it.
 */
public final class McpServerUrls {

	/** Prefix of the registration ids of MCP servers. */
	public static final String REGISTRATION_PREFIX = "mcp-";

	/** How many characters of the host a derived registration id keeps (the id stays within 100 characters). */
	static final int MAX_HOST_LENGTH = 50;

	/** Bytes of the SHA-256 a derived registration id keeps: 128 bits. */
	static final int ID_HASH_BYTES = 16;

	private McpServerUrls() {
	}

	/**
	 * @param serverUrl the MCP server's URL as given
	 * @return the URL checked: absolute http(s) with a host, https unless the host is a loopback one
	 * @throws IllegalArgumentException with what is wrong and what is valid
	 */
	public static URI parse(String serverUrl) {
		String given = (serverUrl != null) ? serverUrl.trim() : "";
		URI uri;
		try {
			uri = new URI(given);
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException("'" + shown(given) + "' is not a URL: give the MCP server's address, "
					+ "for example https://mcp.example.com/mcp.");
		}
		return check(uri);
	}

	/**
	 * @param uri an MCP server's URL
	 * @return the URL, if it is an absolute http(s) URL with a host, https unless the host is a loopback one
	 * @throws IllegalArgumentException with what is wrong and what is valid
	 */
	public static URI check(URI uri) {
		if (uri.getRawUserInfo() != null || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
			throw new IllegalArgumentException("'" + shown(uri) + "' carries user-info: give the MCP server's URL "
					+ "without credentials.");
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
			throw new IllegalArgumentException("'" + shown(uri) + "' is not an absolute http(s) URL with a host: give the MCP "
					+ "server's address, for example https://mcp.example.com/mcp.");
		}
		if (scheme.equals("http") && !loopback(uri.getHost())) {
			throw new IllegalArgumentException("'" + shown(uri) + "' uses http: the MCP authorization specification requires "
					+ "https for every server but one on this machine (127.0.0.1, [::1] or localhost).");
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
		if (host.length() > MAX_HOST_LENGTH) {
			host = host.substring(0, MAX_HOST_LENGTH);
		}
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256")
				.digest(comparable.toString().getBytes(StandardCharsets.UTF_8));
			return REGISTRATION_PREFIX + host + "-" + HexFormat.of().formatHex(digest, 0, ID_HASH_BYTES);
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

	/**
	 * @param uri a URL the user gave
	 * @return it for a message: without user-info (a password is never shown), cleaned of control characters
	 */
	public static String shown(URI uri) {
		return shown(uri.toString());
	}

	/**
	 * @param url a URL the user gave, possibly not parseable
	 * @return it for a message: whatever stands between {@code //} and the last {@code @} of the authority replaced
	 * with {@code ...}, cleaned of control characters
	 */
	public static String shown(String url) {
		String text = url;
		int start = text.indexOf("//");
		if (start >= 0) {
			int authorityStart = start + 2;
			int end = authorityStart;
			while (end < text.length() && "/?#".indexOf(text.charAt(end)) < 0) {
				end++;
			}
			int at = text.lastIndexOf('@', end - 1);
			if (at >= authorityStart) {
				text = text.substring(0, authorityStart) + "...@" + text.substring(at + 1);
			}
		}
		else if (text.indexOf('@') >= 0) {
			// no authority to tell apart: show nothing that may be a credential
			text = "(a URL with '@')";
		}
		return String.valueOf(SafeText.providerText(text));
	}

	private static boolean loopback(String host) {
		return host.equals("127.0.0.1") || host.equals("[::1]") || host.equalsIgnoreCase("localhost");
	}

}
