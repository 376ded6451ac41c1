package io.github.oauthcallback.internal.mcp;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.github.oauthcallback.internal.mcp.registration.ClientIdentityOptions;
import io.github.oauthcallback.internal.mcp.registration.McpClient;
import io.github.oauthcallback.internal.mcp.registration.McpClientIdentities;
import io.github.oauthcallback.internal.mcp.registration.RegisteredClients;

/**
 * {@link McpClientSource} on {@link McpClientIdentities}: the options configured for a server (its pre-registered
 * client, the registration method) by its registration id, else the defaults (the Client ID Metadata Document URL).
 * {@link #known} answers from the configuration and the stored registrations only.
 */
public final class IdentitiesClientSource implements McpClientSource {

	private final McpClientIdentities identities;

	private final RegisteredClients registered;

	private final Map<String, ClientIdentityOptions> options;

	private final ClientIdentityOptions defaults;

	private final Clock clock;

	/**
	 * @param identities the client identities
	 * @param registered where they keep dynamic registrations
	 * @param options the options of configured servers, by registration id
	 * @param defaults the options of every other server
	 * @param clock tells whether a stored secret has expired
	 */
	public IdentitiesClientSource(McpClientIdentities identities, RegisteredClients registered,
			Map<String, ClientIdentityOptions> options, ClientIdentityOptions defaults, Clock clock) {
		this.identities = identities;
		this.registered = registered;
		this.options = Map.copyOf(options);
		this.defaults = defaults;
		this.clock = clock;
	}

	@Override
	public McpClientCredentials obtain(URI server, String registrationId, McpServerMetadata metadata,
			Set<String> scopes) {
		return credentials(this.identities.identify(server, registrationId, metadata.authorizationServer(),
				options(registrationId), List.copyOf(scopes)));
	}

	@Override
	public Optional<McpClientCredentials> known(URI server, String registrationId, McpServerMetadata metadata) {
		ClientIdentityOptions options = options(registrationId);
		AuthorizationServerMetadata authorizationServer = metadata.authorizationServer();
		if (options.preRegistered() != null || (options.clientIdMetadataDocument() != null
				&& authorizationServer.clientIdMetadataDocumentSupported())) {
			// Neither needs the network.
			return Optional.of(credentials(
					this.identities.identify(server, registrationId, authorizationServer, options, List.of())));
		}
		return this.registered.find(registrationId)
			.filter((client) -> client.issuer().toString().equals(authorizationServer.issuer().toString()))
			.filter((client) -> !client.secretExpired(this.clock.instant()))
			.map(IdentitiesClientSource::credentials);
	}

	@Override
	public boolean forget(String registrationId, String clientId) {
		return this.identities.forget(registrationId, clientId);
	}

	private ClientIdentityOptions options(String registrationId) {
		return this.options.getOrDefault(registrationId, this.defaults);
	}

	private static McpClientCredentials credentials(McpClient client) {
		return new McpClientCredentials(client.clientId(), client.clientSecret(), client.method(), client.issuer(),
				client.source() == McpClient.Source.DYNAMIC_REGISTRATION);
	}

}
