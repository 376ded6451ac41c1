package io.github.oauthcallback.internal.mcp;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.github.oauthcallback.internal.tokenendpoint.ResourceIndicators;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.registration.ClientRegistration;

/**
 * The client registrations of the MCP servers this process has met, one per server, built from discovery and the
 * client identity and kept in memory: {@link McpClientRegistrationRepository} puts them in front of the application's
 * registrations, so that the client manager, the stores and the login treat them like any other. Also says the
 * resource (RFC 8707) of each, for the token clients and the authorization request.
 */
public final class McpRegistrations implements ResourceIndicators {

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	/**
	 * Adds or replaces the registration of a server.
	 * @param registration the registration
	 * @param resource the server's canonical resource identifier
	 */
	public void put(ClientRegistration registration, URI resource) {
		this.entries.put(registration.getRegistrationId(),
				new Entry(registration, Objects.requireNonNull(resource, "resource must not be null")));
	}

	/**
	 * @param registrationId a registration id
	 * @return the MCP server's registration of that id, or {@code null}
	 */
	public @Nullable ClientRegistration find(String registrationId) {
		Entry entry = this.entries.get(registrationId);
		return (entry != null) ? entry.registration() : null;
	}

	/**
	 * @return the registrations met so far
	 */
	public List<ClientRegistration> all() {
		return this.entries.values().stream().map(Entry::registration).toList();
	}

	@Override
	public @Nullable URI resource(ClientRegistration registration) {
		Entry entry = this.entries.get(registration.getRegistrationId());
		return (entry != null) ? entry.resource() : null;
	}

	private record Entry(ClientRegistration registration, URI resource) {

	}

}
