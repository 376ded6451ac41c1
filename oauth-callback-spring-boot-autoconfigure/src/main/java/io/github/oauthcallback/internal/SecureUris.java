package io.github.oauthcallback.internal;

import java.net.URI;

/**
 * The starter's one rule for a URL that secrets, codes or metadata travel over: {@code https}, or plain {@code http}
 * only to this machine by the names {@code 127.0.0.1}, {@code [::1]} or {@code localhost} (a development server).
 * The configuration properties (revocation endpoints) and MCP discovery use it. No name is resolved. Internal: no
 * compatibility promise.
 */
public final class SecureUris {

	private SecureUris() {
	}

	/**
	 * @param uri a URI
	 * @return whether it is an absolute {@code https} URI with a host, or an {@code http} one whose host is
	 * {@code 127.0.0.1}, {@code [::1]} or {@code localhost}
	 */
	public static boolean isSecureOrLoopback(URI uri) {
		if (!uri.isAbsolute() || uri.getHost() == null) {
			return false;
		}
		return "https".equalsIgnoreCase(uri.getScheme())
				|| ("http".equalsIgnoreCase(uri.getScheme()) && isLoopbackHost(uri.getHost()));
	}

	/**
	 * @param host a URI's host
	 * @return whether it is {@code 127.0.0.1}, {@code [::1]} or {@code localhost} (any case), the hosts plain
	 * {@code http} is allowed to
	 */
	public static boolean isLoopbackHost(String host) {
		return host.equals("127.0.0.1") || host.equals("[::1]") || host.equalsIgnoreCase("localhost");
	}

}
