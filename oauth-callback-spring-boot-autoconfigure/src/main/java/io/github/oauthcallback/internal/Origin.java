package io.github.oauthcallback.internal;

import java.net.URI;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.web.util.UriComponents;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The origin of a URL (RFC 6454): scheme and host in lower case, and the port, the scheme's default one when the URL
 * names none. Two URLs have the same origin when these three are equal. Internal: no compatibility promise.
 *
 * @param scheme the scheme, in lower case
 * @param host the host, in lower case
 * @param port the port
 */
public record Origin(String scheme, String host, int port) {

	/**
	 * @param uri a URI
	 * @return its origin, or {@code null} if it has none: not absolute, no host, or a scheme other than {@code http}
	 * and {@code https} (a relative or protocol-relative URI has none)
	 */
	public static @Nullable Origin of(URI uri) {
		String scheme = uri.getScheme();
		String host = uri.getHost();
		if (scheme == null || host == null || host.isEmpty()) {
			return null;
		}
		return of(scheme, host, uri.getPort());
	}

	/**
	 * @param baseUrl a {@code RestClient}'s base URL, which may hold URI template variables in its path
	 * @return its origin, or {@code null} if it has none (see {@link #of(URI)}) or cannot be parsed
	 */
	public static @Nullable Origin ofBaseUrl(String baseUrl) {
		UriComponents components;
		try {
			components = UriComponentsBuilder.fromUriString(baseUrl).build();
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
		String scheme = components.getScheme();
		String host = components.getHost();
		if (scheme == null || host == null || host.isEmpty() || host.contains("{")) {
			return null;
		}
		return of(scheme, host, components.getPort());
	}

	private static @Nullable Origin of(String scheme, String host, int port) {
		scheme = scheme.toLowerCase(Locale.ROOT);
		int defaultPort = switch (scheme) {
			case "https" -> 443;
			case "http" -> 80;
			default -> -1;
		};
		if (defaultPort == -1) {
			return null;
		}
		return new Origin(scheme, host.toLowerCase(Locale.ROOT), (port == -1) ? defaultPort : port);
	}

	/**
	 * @return {@code scheme://host:port}
	 */
	@Override
	public String toString() {
		return this.scheme + "://" + this.host + ":" + this.port;
	}

}
