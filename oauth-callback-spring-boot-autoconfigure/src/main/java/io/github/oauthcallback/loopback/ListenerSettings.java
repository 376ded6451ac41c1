package io.github.oauthcallback.loopback;

import java.util.List;
import java.util.Locale;

import io.github.oauthcallback.InvalidConfigurationException;
import org.jspecify.annotations.Nullable;

/**
 * Where the loopback listener binds when a registration's {@code redirect-uri} does not say, and what it answers.
 *
 * @param host {@code 127.0.0.1}, {@code [::1]} or {@code localhost}
 * @param path the callback path, starting with {@code /}
 * @param ports ordered candidate ports; empty means an ephemeral port
 * @param pages the pages the listener answers with
 */
public record ListenerSettings(String host, String path, List<Integer> ports, CallbackPages pages) {

	static final List<String> LOOPBACK_HOSTS = List.of("127.0.0.1", "[::1]", "localhost");

	public ListenerSettings {
		host = normalizeHost(host, "The listener host");
		if (path == null || !path.startsWith("/")) {
			throw new InvalidConfigurationException("The listener path must start with '/' (was '" + path
					+ "'); the default is /callback.");
		}
		ports = (ports != null) ? List.copyOf(ports) : List.of();
		for (Integer port : ports) {
			if (port == null || port < 1 || port > 65535) {
				throw new InvalidConfigurationException("The listener ports must hold ports between 1 and "
						+ "65535 (found " + port + "); leave it empty for an ephemeral port.");
			}
		}
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

	static String normalizeHost(@Nullable String host, String source) {
		String normalized = (host != null) ? host.trim().toLowerCase(Locale.ROOT) : "";
		if ("::1".equals(normalized)) {
			normalized = "[::1]";
		}
		if (!LOOPBACK_HOSTS.contains(normalized)) {
			throw new InvalidConfigurationException(source + " must be a loopback host: 127.0.0.1, [::1] or localhost "
					+ "(was '" + host + "'). RFC 8252 section 7.3 requires the redirect to stay on this machine.");
		}
		return normalized;
	}

}
