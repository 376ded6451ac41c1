package io.github.oauthcallback.internal.loopback;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

import io.github.oauthcallback.InvalidRegistrationException;
import org.jspecify.annotations.Nullable;

/**
 * The host, candidate ports and path a login's listener binds, resolved from a registration's {@code redirect-uri}
 * and the listener settings.
 *
 * @param host {@code 127.0.0.1}, {@code [::1]} or {@code localhost}
 * @param ports ordered candidate ports, at least one; {@code 0} means ephemeral
 * @param path the exact callback path, starting with {@code /}
 */
public record CallbackEndpoint(String host, List<Integer> ports, String path) {

	private static final String PORT_PLACEHOLDER = ":{port}";

	public CallbackEndpoint {
		if (!ListenerSettings.LOOPBACK_HOSTS.contains(host)) {
			throw new IllegalArgumentException("host must be one of " + ListenerSettings.LOOPBACK_HOSTS + " (was '"
					+ host + "')");
		}
		if (ports == null || ports.isEmpty()) {
			throw new IllegalArgumentException("ports must hold at least one candidate port (0 for an ephemeral one)");
		}
		for (Integer port : ports) {
			if (port == null || port < 0 || port > 65535) {
				throw new IllegalArgumentException("ports must be between 0 and 65535 (found " + port + ")");
			}
		}
		ports = List.copyOf(ports);
		if (path == null || !path.startsWith("/")) {
			throw new IllegalArgumentException("path must start with '/' (was '" + path + "')");
		}
	}

	/**
	 * Resolves the endpoint for a registration. A literal loopback {@code redirect-uri} is honoured (host, port,
	 * path; no port or {@code {port}} means ephemeral or the configured candidate ports). A template such as Boot's
	 * {@code {baseUrl}/login/oauth2/code/{registrationId}}, or no redirect URI, means the listener settings.
	 * @param redirectUri the registration's redirect URI, possibly a template, or {@code null} for the listener
	 * settings
	 * @param registrationId the registration id, for {@code {registrationId}} and messages
	 * @param settings the listener settings
	 * @return the endpoint
	 * @throws InvalidRegistrationException if the redirect URI is not a loopback http URI
	 */
	public static CallbackEndpoint resolve(@Nullable String redirectUri, String registrationId,
			ListenerSettings settings) {
		List<Integer> defaultPorts = settings.ports().isEmpty() ? List.of(0) : settings.ports();
		if (redirectUri == null || redirectUri.isBlank()) {
			return new CallbackEndpoint(settings.host(), defaultPorts, settings.path());
		}
		String expanded = redirectUri.replace("{registrationId}", registrationId);
		boolean portPlaceholder = expanded.contains(PORT_PLACEHOLDER);
		expanded = expanded.replace(PORT_PLACEHOLDER, "");
		if (expanded.contains("{")) {
			return new CallbackEndpoint(settings.host(), defaultPorts, settings.path());
		}
		URI uri;
		try {
			uri = new URI(expanded);
		}
		catch (URISyntaxException ex) {
			throw notLoopback(registrationId, redirectUri);
		}
		String host = "http".equalsIgnoreCase(uri.getScheme()) ? ListenerSettings.normalizedLoopbackHost(uri.getHost())
				: null;
		if (host == null) {
			throw notLoopback(registrationId, redirectUri);
		}
		String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty()) ? "/" : uri.getRawPath();
		List<Integer> ports = (portPlaceholder || uri.getPort() == -1) ? defaultPorts : List.of(uri.getPort());
		return new CallbackEndpoint(host, ports, path);
	}

	private static InvalidRegistrationException notLoopback(String registrationId, String value) {
		return new InvalidRegistrationException(registrationId, "redirect-uri", "spring.security.oauth2.client."
				+ "registration." + registrationId + ".redirect-uri is '" + value + "', which is not a loopback http URI. "
				+ "A command-line login needs http://127.0.0.1/callback (any port), http://[::1]/callback or "
				+ "http://localhost/callback, registered the same way at the provider (RFC 8252 section 7.3).");
	}

}
