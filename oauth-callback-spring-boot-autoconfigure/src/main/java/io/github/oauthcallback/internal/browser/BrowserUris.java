package io.github.oauthcallback.internal.browser;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

import io.github.oauthcallback.internal.browser.UnsafeBrowserUriException;
import io.github.oauthcallback.internal.SafeText;
import org.jspecify.annotations.Nullable;

/**
 * The one rule for what the starter sends a user's browser to (an authorization URL, and any other URL a login
 * shows or opens, such as a device grant's verification URI). A URI is safe when it is
 * <ul>
 * <li>{@code https} with a host and without user-info ({@code https://user@host} can mislead the user about where
 * they are), or</li>
 * <li>{@code http} to this machine's loopback address: {@code 127.0.0.0/8}, {@code [::1]} or {@code localhost}, also
 * without user-info (a development provider on this machine).</li>
 * </ul>
 * Everything else is refused: other schemes ({@code file:}, {@code javascript:}, {@code data:}, ...), UNC-style
 * {@code file://host/share} or {@code \\host\share}, plain {@code http} to another host, relative URIs and URIs
 * without a host. No name is resolved: a host is loopback only as {@code localhost} or as a loopback address
 * literal. Check a URI before it is printed or handed to a {@link io.github.oauthcallback.browser.BrowserLauncher}.
 */
public final class BrowserUris {

	private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

	private BrowserUris() {
	}

	/**
	 * @param uri the URI, may be {@code null}
	 * @return whether the URI may be shown to the user and opened in a browser
	 */
	public static boolean isSafe(@Nullable URI uri) {
		return problem(uri) == null;
	}

	/**
	 * Refuses an unsafe URI.
	 * @param uri the URI; {@code null} is refused
	 * @param what what the URI is and where it comes from, for the message, for example {@code "The authorization
	 * URL of registration 'x'"}
	 * @return the URI
	 * @throws UnsafeBrowserUriException if the URI is not safe; the message says why and what to do, and shows
	 * neither the URI's query (it may hold the login's state) nor its user-info
	 */
	public static URI requireSafe(@Nullable URI uri, String what) {
		String problem = problem(uri);
		if (problem != null) {
			throw refused(what, uri, problem);
		}
		return uri;
	}

	/**
	 * Refuses an unsafe URI given as text (for example a configuration property).
	 * @param uri the URI as text; {@code null} or blank is refused
	 * @param what what the URI is and where it comes from, for the message, for example the property that set it
	 * @return the parsed URI
	 * @throws UnsafeBrowserUriException if the text is not a URI or the URI is not safe
	 */
	public static URI requireSafe(@Nullable String uri, String what) {
		if (uri == null || uri.isBlank()) {
			throw refused(what, null, "it is empty");
		}
		URI parsed;
		try {
			parsed = new URI(uri);
		}
		catch (URISyntaxException ex) {
			throw new UnsafeBrowserUriException(what + " is not a valid URI (" + SafeText.providerText(ex.getReason())
					+ "; a backslash, as in \\\\host\\share, is never valid), so it is not shown or opened in a "
					+ "browser. " + ACTION);
		}
		return requireSafe(parsed, what);
	}

	private static final String ACTION = "Only https://<host>/... (no user@ part) or http:// to 127.0.0.1, [::1] or "
			+ "localhost are opened; check the provider's authorization-uri (or its issuer-uri discovery document), "
			+ "or ask the provider's administrator for its https address.";

	private static UnsafeBrowserUriException refused(String what, @Nullable URI uri, String problem) {
		return new UnsafeBrowserUriException(what + ((uri != null) ? " (" + outline(uri) + ")" : "")
				+ " is not shown or opened in a browser: " + problem + ". " + ACTION);
	}

	/** Scheme and host only: never the query (the state), the user-info or an opaque part (a script). */
	private static String outline(URI uri) {
		if (uri.getScheme() == null) {
			return "a relative URI";
		}
		String scheme = SafeText.providerText(uri.getScheme());
		if (uri.isOpaque()) {
			return scheme + ":...";
		}
		String host = (uri.getHost() != null) ? uri.getHost() : "";
		return SafeText.providerText(scheme + "://" + host + ((uri.getPort() != -1) ? ":" + uri.getPort() : "")
				+ "/...");
	}

	private static @Nullable String problem(@Nullable URI uri) {
		if (uri == null) {
			return "there is none";
		}
		if (!uri.isAbsolute()) {
			return "it is relative (it has no scheme)";
		}
		String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
		boolean https = "https".equals(scheme);
		if (!https && !"http".equals(scheme)) {
			return "its scheme '" + SafeText.providerText(uri.getScheme()) + "' is not https";
		}
		if (uri.isOpaque() || uri.getHost() == null || uri.getHost().isEmpty()) {
			return "it has no host (or one that is not a valid host name)";
		}
		if (uri.getRawUserInfo() != null) {
			return "it has a user-info part (user@...), which can hide the real host";
		}
		if (!https && !isLoopback(uri.getHost())) {
			return "it uses plain http to another machine, where anyone on the way can read and change it";
		}
		return null;
	}

	/**
	 * @param host a URI's host: a name, an IPv4 literal or a bracketed IPv6 literal
	 * @return whether it is {@code localhost} or a loopback address literal; no name is resolved
	 */
	static boolean isLoopback(String host) {
		String lower = host.toLowerCase(Locale.ROOT);
		if ("localhost".equals(lower)) {
			return true;
		}
		if (IPV4_LITERAL.matcher(lower).matches()) {
			String[] octets = lower.split("\\.");
			for (String octet : octets) {
				if (Integer.parseInt(octet) > 255) {
					return false;
				}
			}
			return Integer.parseInt(octets[0]) == 127;
		}
		if (!lower.startsWith("[") || !lower.endsWith("]")) {
			return false;
		}
		try {
			// A bracketed literal is parsed, never looked up: an invalid one is an UnknownHostException.
			return InetAddress.getByName(lower).isLoopbackAddress();
		}
		catch (UnknownHostException | IllegalArgumentException ex) {
			return false;
		}
	}

}
