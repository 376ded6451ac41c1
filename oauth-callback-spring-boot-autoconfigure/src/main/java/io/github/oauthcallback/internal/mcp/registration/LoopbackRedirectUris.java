package io.github.oauthcallback.internal.mcp.registration;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import io.github.oauthcallback.internal.loopback.ListenerSettings;

/**
 * The redirect URIs a dynamic registration asks for: what the loopback listener will send. The listener binds
 * {@link ListenerSettings#host()} on an ephemeral port (or one of {@link ListenerSettings#ports()}) and sends
 * {@code http://<host>:<port><path>}. RFC 8252 section 7.3 has the authorization server ignore the port of a loopback
 * IP redirect URI, so the URI without a port is registered ({@code http://127.0.0.1/callback} by default); for
 * configured ports, each {@code http://<host>:<port><path>} is registered as well, for servers that compare exactly.
 * A registration with the {@code localhost} host depends on the server accepting any port for it, which RFC 8252 does
 * not require (it recommends the IP literal).
 */
public final class LoopbackRedirectUris {

	private LoopbackRedirectUris() {
	}

	/**
	 * @param settings the loopback listener's settings
	 * @return the redirect URIs to register, the one without a port first
	 */
	public static List<URI> of(ListenerSettings settings) {
		List<URI> uris = new ArrayList<>();
		uris.add(URI.create("http://" + settings.host() + settings.path()));
		for (int port : settings.ports()) {
			uris.add(URI.create("http://" + settings.host() + ":" + port + settings.path()));
		}
		return List.copyOf(uris);
	}

}
