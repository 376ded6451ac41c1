package io.github.oauthcallback.internal.mcp;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.github.oauthcallback.McpAuthorizationException;
import io.github.oauthcallback.internal.tokenendpoint.ResourceIndicators;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.registration.ClientRegistration;

/**
 * The client registrations of the MCP servers this process has met, one per server, built from discovery and the
 * client identity and kept in memory: {@link McpClientRegistrationRepository} puts them in front of the application's
 * registrations, so that the client manager, the stores and the login treat them like any other. Also says the
 * resource (RFC 8707) of each, for the token clients and the authorization request.
 * <p>
 * Each entry belongs to one server (its {@link McpServerUrls#comparable comparable} URL): a registration id is never
 * taken over by another server in this process ({@link #put} refuses it), and {@link #find(String, URI)} gives an
 * entry only to its own server, so neither the registration nor the login stored under its id is used for another
 * server.
 */
public final class McpRegistrations implements ResourceIndicators {

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	/**
	 * Adds or replaces the registration of a server.
	 * @param entry the server's registration and what goes with it
	 * @throws McpAuthorizationException if the registration id belongs to another server in this process (nothing is
	 * changed)
	 */
	public void put(Entry entry) {
		Objects.requireNonNull(entry, "entry must not be null");
		String id = entry.registration().getRegistrationId();
		Entry kept = this.entries.compute(id,
				(key, current) -> (current == null || current.server().equals(entry.server())) ? entry : current);
		if (kept != entry) {
			throw new McpAuthorizationException(entry.server(), "The MCP server " + entry.server() + " would store its "
					+ "logins under the registration id '" + id + "', which the MCP server " + kept.server()
					+ " already uses in this process. Nothing was sent: one server's tokens never go to another. Tie "
					+ "each server to its own registration (oauth-callback.mcp.servers.<name>.registration).");
		}
	}

	/**
	 * @param registrationId a registration id
	 * @param server an MCP server's URL
	 * @return the entry of that id if it belongs to that server, else {@code null}
	 */
	public @Nullable Entry entry(String registrationId, URI server) {
		Entry entry = this.entries.get(registrationId);
		return (entry != null && entry.server().equals(McpServerUrls.comparable(server))) ? entry : null;
	}

	/**
	 * @param registrationId a registration id
	 * @param server an MCP server's URL
	 * @return the registration of that id if it belongs to that server, else {@code null}
	 */
	public @Nullable ClientRegistration find(String registrationId, URI server) {
		Entry entry = entry(registrationId, server);
		return (entry != null) ? entry.registration() : null;
	}

	/**
	 * @param registrationId a registration id
	 * @return the MCP server's registration of that id, whichever server it belongs to, or {@code null} (for the
	 * repository the client manager and the stores look registrations up in)
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

	/**
	 * The registration of one MCP server.
	 *
	 * @param server the server's URL, kept in {@link McpServerUrls#comparable comparable} form
	 * @param registration its client registration
	 * @param resource its canonical resource identifier (RFC 8707)
	 * @param dynamicClient whether the client is a dynamic registration of this program (which may be forgotten and
	 * registered again after {@code invalid_client}), not a pre-registered client or a metadata document
	 * @param fromExpiredMetadata whether it was built from a cache entry past its time to live, only to find and use
	 * the stored login: a login that needs the user discovers the server first
	 */
	public record Entry(URI server, ClientRegistration registration, URI resource, boolean dynamicClient,
			boolean fromExpiredMetadata) {

		public Entry {
			server = McpServerUrls.comparable(Objects.requireNonNull(server, "server must not be null"));
			Objects.requireNonNull(registration, "registration must not be null");
			Objects.requireNonNull(resource, "resource must not be null");
		}

		/**
		 * @param other another registration of the same server (for example with more scopes)
		 * @return this entry with that registration
		 */
		public Entry with(ClientRegistration other) {
			return new Entry(this.server, other, this.resource, this.dynamicClient, this.fromExpiredMetadata);
		}

		@Override
		public String toString() {
			return "Entry[server=" + this.server + ", registrationId=" + this.registration.getRegistrationId()
					+ ", resource=" + this.resource + ", dynamicClient=" + this.dynamicClient
					+ ", fromExpiredMetadata=" + this.fromExpiredMetadata + "]";
		}

	}

}
