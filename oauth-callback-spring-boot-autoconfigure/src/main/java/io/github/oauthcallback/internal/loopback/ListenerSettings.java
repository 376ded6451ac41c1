package io.github.oauthcallback.internal.loopback;

import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Where the loopback listener binds when a registration's {@code redirect-uri} does not say, and what it answers.
 * The checks of its values ({@link #loopbackHost}, {@link #callbackPath}, {@link #candidatePorts}) are the only ones:
 * the configuration properties reuse them.
 *
 * @param host {@code 127.0.0.1}, {@code [::1]} or {@code localhost}
 * @param path the callback path, starting with {@code /}
 * @param ports ordered candidate ports; empty means an ephemeral port
 * @param pages the pages the listener answers with
 */
public record ListenerSettings(String host, String path, List<Integer> ports, CallbackPages pages) {

	/** The hosts a listener may bind and put in a redirect URI, as {@link #loopbackHost} normalizes them. */
	static final List<String> LOOPBACK_HOSTS = List.of("127.0.0.1", "[::1]", "localhost");

	/**
	 * @throws IllegalArgumentException if a value cannot be used, saying which and what is valid
	 */
	public ListenerSettings {
		host = loopbackHost(host);
		path = callbackPath(path);
		ports = candidatePorts(ports);
		if (pages == null) {
			throw new IllegalArgumentException("pages must not be null");
		}
	}

	/**
	 * Settings with the defaults: {@code 127.0.0.1}, {@code /callback}, an ephemeral port and the built-in pages.
	 * @return the default settings
	 */
	public static ListenerSettings defaults() {
		return new ListenerSettings("127.0.0.1", "/callback", List.of(), CallbackPages.defaults());
	}

	/**
	 * @param host a listener host
	 * @return the host, trimmed, in lower case, and {@code ::1} written {@code [::1]}
	 * @throws IllegalArgumentException if it is not {@code 127.0.0.1}, {@code [::1]} or {@code localhost}
	 */
	public static String loopbackHost(@Nullable String host) {
		String normalized = normalizedLoopbackHost(host);
		if (normalized == null) {
			throw new IllegalArgumentException("The listener host must be a loopback host: 127.0.0.1, [::1] or "
					+ "localhost (was '" + host + "'). RFC 8252 section 7.3 requires the redirect to stay on this "
					+ "machine, so the listener never binds another address.");
		}
		return normalized;
	}

	/**
	 * @param path a callback path
	 * @return the path
	 * @throws IllegalArgumentException if it does not start with {@code /}
	 */
	public static String callbackPath(@Nullable String path) {
		if (path == null || !path.startsWith("/")) {
			throw new IllegalArgumentException("The listener path must start with '/' (was '" + path
					+ "'); the default is /callback.");
		}
		return path;
	}

	/**
	 * @param ports ordered candidate ports, or {@code null} for none
	 * @return an unmodifiable copy, empty for an ephemeral port
	 * @throws IllegalArgumentException if one is not between 1 and 65535
	 */
	public static List<Integer> candidatePorts(@Nullable List<Integer> ports) {
		List<Integer> candidates = (ports != null) ? ports : List.of();
		for (Integer port : candidates) {
			if (port == null || port < 1 || port > 65535) {
				throw new IllegalArgumentException("The listener ports must hold ports between 1 and 65535 (found "
						+ port + "); leave them out for an ephemeral port.");
			}
		}
		return List.copyOf(candidates);
	}

	/**
	 * @param host a host, from a setting or a redirect URI
	 * @return the host as {@link #LOOPBACK_HOSTS} writes it, or {@code null} if it is not a loopback host
	 */
	static @Nullable String normalizedLoopbackHost(@Nullable String host) {
		String normalized = (host != null) ? host.trim().toLowerCase(Locale.ROOT) : "";
		if ("::1".equals(normalized)) {
			normalized = "[::1]";
		}
		return LOOPBACK_HOSTS.contains(normalized) ? normalized : null;
	}

}
