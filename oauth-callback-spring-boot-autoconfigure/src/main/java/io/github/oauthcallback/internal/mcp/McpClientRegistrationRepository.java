package io.github.oauthcallback.internal.mcp;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.oauthcallback.internal.Registrations;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

/**
 * The application's registrations with the MCP servers' in front: a registration id an MCP server uses is looked up
 * among the {@link McpRegistrations} first. Iterable like Spring's in-memory repository (when the application's is),
 * so listings ({@code status}) show both.
 */
public final class McpClientRegistrationRepository
		implements ClientRegistrationRepository, Iterable<ClientRegistration> {

	private final McpRegistrations mcp;

	private final @Nullable ClientRegistrationRepository application;

	/**
	 * @param mcp the MCP servers' registrations
	 * @param application the application's registrations, or {@code null} when it has none
	 */
	public McpClientRegistrationRepository(McpRegistrations mcp, @Nullable ClientRegistrationRepository application) {
		this.mcp = mcp;
		this.application = application;
	}

	@Override
	public @Nullable ClientRegistration findByRegistrationId(String registrationId) {
		ClientRegistration registration = this.mcp.find(registrationId);
		if (registration != null || this.application == null) {
			return registration;
		}
		return this.application.findByRegistrationId(registrationId);
	}

	/**
	 * @return the application's repository, or {@code null}
	 */
	public @Nullable ClientRegistrationRepository application() {
		return this.application;
	}

	@Override
	public Iterator<ClientRegistration> iterator() {
		Map<String, ClientRegistration> all = new LinkedHashMap<>();
		if (this.application != null) {
			Registrations.all(this.application).forEach((each) -> all.put(each.getRegistrationId(), each));
		}
		this.mcp.all().forEach((each) -> all.put(each.getRegistrationId(), each));
		List<ClientRegistration> registrations = new ArrayList<>(all.values());
		return registrations.iterator();
	}

}
