package io.github.oauthcallback.internal.device;

import java.net.URI;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.registration.ClientRegistration;

/**
 * Where a registration's device authorization endpoint is: {@code oauth-callback.registrations.<id>.device-authorization-uri},
 * else the {@code device_authorization_endpoint} of the provider's discovery document (RFC 8628 section 4), which
 * Spring Security keeps in the registration's provider configuration metadata.
 */
public final class DeviceEndpoints {

	/** The discovery metadata name of the device authorization endpoint. */
	public static final String METADATA_NAME = "device_authorization_endpoint";

	private final Map<String, URI> configured;

	/**
	 * @param configured endpoints by registration id, from configuration; they take precedence over discovery
	 */
	public DeviceEndpoints(Map<String, URI> configured) {
		this.configured = Map.copyOf(configured);
	}

	/**
	 * @param registration the registration
	 * @return its device authorization endpoint, or {@code null} if it has none
	 */
	public @Nullable URI of(ClientRegistration registration) {
		URI given = this.configured.get(registration.getRegistrationId());
		if (given != null) {
			return given;
		}
		Object discovered = registration.getProviderDetails().getConfigurationMetadata().get(METADATA_NAME);
		if (discovered == null || discovered.toString().isBlank()) {
			return null;
		}
		try {
			URI uri = new URI(discovered.toString().trim());
			return (uri.isAbsolute() && uri.getHost() != null) ? uri : null;
		}
		catch (java.net.URISyntaxException ex) {
			return null;
		}
	}

}
