package io.github.oauthcallback.internal.mcp.registration;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.oauthcallback.McpAuthorizationException;
import io.github.oauthcallback.internal.mcp.AuthorizationServerMetadata;
import io.github.oauthcallback.internal.mcp.registration.McpClient.Source;
import io.github.oauthcallback.internal.refresh.KeyLocks;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * Chooses the client an MCP login uses at the server's authorization server, in the order of the MCP authorization
 * specification (2025-11-25, client registration approaches):
 * <ol>
 * <li>a client registered in advance, when the user configured one for the server; when it is tied to an issuer
 * ({@link PreRegisteredClient#issuer()}) and the server names another, the login is refused;</li>
 * <li>a Client ID Metadata Document URL, when the user configured one and the authorization server advertises
 * {@code client_id_metadata_document_supported};</li>
 * <li>the client registered dynamically earlier for the server, when it belongs to the current issuer and its secret
 * has not expired (no HTTP request);</li>
 * <li>a new dynamic client registration (RFC 7591, {@link DynamicClientRegistration}), when the authorization server
 * has a registration endpoint; it is stored ({@link RegisteredClients}) and replaces the one of another issuer;</li>
 * <li>else an {@link McpAuthorizationException} naming the ways the user can provide an identity.</li>
 * </ol>
 * Registrations for the same server are made one at a time in this process, so concurrent first requests register
 * once; across processes the storage makes "find, else register and save" exclusive
 * ({@link RegisteredClients#exclusively}, the file) or settles a race with a compare-and-set save
 * ({@link RegisteredClients#saveUnlessChanged}, JDBC) whose loser uses the winner's client. {@link #forget} drops a stored registration the server no longer knows ({@code invalid_client}).
 */
public final class McpClientIdentities {

	private static final Log logger = LogFactory.getLog(McpClientIdentities.class);

	private final RegisteredClients registered;

	private final DynamicClientRegistration registration;

	private final Clock clock;

	private final KeyLocks locks = new KeyLocks();

	/** The registration ids whose pre-registered client without issuer was warned about. */
	private final Set<String> unpinnedWarned = ConcurrentHashMap.newKeySet();

	/**
	 * @param registered where dynamic registrations are kept
	 * @param registration makes dynamic registrations
	 */
	public McpClientIdentities(RegisteredClients registered, DynamicClientRegistration registration) {
		this(registered, registration, Clock.systemUTC());
	}

	/**
	 * @param registered where dynamic registrations are kept
	 * @param registration makes dynamic registrations
	 * @param clock tells whether a stored client secret has expired
	 */
	public McpClientIdentities(RegisteredClients registered, DynamicClientRegistration registration, Clock clock) {
		this.registered = registered;
		this.registration = registration;
		this.clock = clock;
	}

	/**
	 * @param server the MCP server's URL, for messages
	 * @param registrationId the server's registration id, under which a dynamic registration is stored
	 * @param authorizationServer the metadata of the server's authorization server (discovered and checked)
	 * @param options what the user configured for the server
	 * @param scopes the scopes to ask for in a dynamic registration ({@code scope}), possibly none
	 * @return the client to log in with
	 * @throws McpAuthorizationException if no identity can be had, or the registration was refused
	 * @throws io.github.oauthcallback.TokenStoreException if the stored registrations cannot be read or written
	 */
	public McpClient identify(URI server, String registrationId, AuthorizationServerMetadata authorizationServer,
			ClientIdentityOptions options, List<String> scopes) {
		URI issuer = authorizationServer.issuer();
		PreRegisteredClient preRegistered = options.preRegistered();
		if (preRegistered != null) {
			checkIssuer(server, registrationId, preRegistered, issuer);
			return new McpClient(preRegistered.clientId(), preRegistered.clientSecret(),
					preRegisteredMethod(preRegistered, authorizationServer), issuer, Source.PRE_REGISTERED, null);
		}
		URI document = options.clientIdMetadataDocument();
		if (document != null && authorizationServer.clientIdMetadataDocumentSupported()) {
			return new McpClient(document.toString(), null, ClientAuthenticationMethod.NONE, issuer,
					Source.CLIENT_ID_METADATA_DOCUMENT, null);
		}
		return this.locks.locked(registrationId, () -> this.registered.exclusively(registrationId,
				() -> storedOrRegistered(server, registrationId, authorizationServer, options, scopes)));
	}

	/**
	 * Drops the client registered for a server, so the next {@link #identify} registers again: for an
	 * {@code invalid_client} answer to a login with a stored registration.
	 * @param registrationId the server's registration id
	 */
	public void forget(String registrationId) {
		this.locks.locked(registrationId, () -> {
			this.registered.remove(registrationId);
			return null;
		});
	}

	/**
	 * Drops the client registered for a server if it is still the one the authorization server refused
	 * ({@code invalid_client}), so the next {@link #identify} registers again; a client registered meanwhile (another
	 * client id) stays.
	 * @param registrationId the server's registration id
	 * @param clientId the refused client's id
	 * @return whether it was dropped
	 */
	public boolean forget(String registrationId, String clientId) {
		return this.locks.locked(registrationId, () -> this.registered.exclusively(registrationId, () -> {
			Optional<McpClient> stored = this.registered.find(registrationId);
			if (stored.isEmpty() || !stored.get().clientId().equals(clientId)) {
				return false;
			}
			this.registered.remove(registrationId);
			return true;
		}));
	}

	private McpClient storedOrRegistered(URI server, String registrationId,
			AuthorizationServerMetadata authorizationServer, ClientIdentityOptions options, List<String> scopes) {
		URI issuer = authorizationServer.issuer();
		Optional<McpClient> stored = this.registered.find(registrationId);
		if (stored.isPresent() && usable(server, stored.get(), issuer)) {
			return stored.get();
		}
		if (authorizationServer.registrationEndpoint() == null) {
			throw noWay(server, authorizationServer, options);
		}
		McpClient client = this.registration.register(server, authorizationServer, options.registrationMethod(),
				scopes);
		McpClient replaced = stored.orElse(null);
		for (int attempt = 1; attempt <= 3; attempt++) {
			McpClient kept = this.registered.saveUnlessChanged(registrationId, replaced, client);
			if (kept.equals(client)) {
				return client;
			}
			if (kept.issuer().toString().equals(issuer.toString()) && !kept.secretExpired(this.clock.instant())) {
				logger.info("Another process registered a client for the MCP server " + server + " at " + issuer
						+ " at the same time; using that one");
				return kept;
			}
			replaced = kept;
		}
		// the storage keeps changing under us: the client just registered works all the same
		return client;
	}

	/** Whether a stored client belongs to the issuer and its secret has not expired; logs why not. */
	private boolean usable(URI server, McpClient client, URI issuer) {
		if (!client.issuer().toString().equals(issuer.toString())) {
			logger.info("The client registered for the MCP server " + server + " belongs to " + client.issuer()
					+ ", but the server's authorization server is now " + issuer + ": registering again");
			return false;
		}
		if (client.secretExpired(this.clock.instant())) {
			logger.info("The secret of the client registered for the MCP server " + server + " at " + issuer
					+ " expired at " + client.clientSecretExpiresAt() + ": registering again");
			return false;
		}
		return true;
	}

	/**
	 * A pre-registered client is only used with the issuer it is tied to; its secret would otherwise go to whichever
	 * authorization server the MCP server names. Without a tie, a client with a secret is warned about once.
	 */
	private void checkIssuer(URI server, String registrationId, PreRegisteredClient client, URI issuer) {
		URI expected = client.issuer();
		if (expected == null) {
			if (client.clientSecret() != null && this.unpinnedWarned.add(registrationId)) {
				logger.warn("The pre-registered client configured for the MCP server registration '" + registrationId
						+ "' has a client secret but no issuer: the secret will be sent to whichever authorization "
						+ "server the MCP server names in its metadata. Configure the issuer of the authorization server "
						+ "the client is registered at, so that any other is refused.");
			}
			return;
		}
		if (!expected.toString().equals(issuer.toString())) {
			throw new McpAuthorizationException(server, "The MCP server " + server + " names the authorization server "
					+ issuer + ", but the pre-registered client configured for it is registered at " + expected
					+ ". Nothing was sent (the client's credentials go only to its own issuer). If the server really "
					+ "moved to " + issuer + ", register a client there and configure it with that issuer; otherwise "
					+ "the MCP server's metadata may be forged: check the server's URL.");
		}
	}

	/** The configured method, else {@code none} without a secret, else basic, or post where only post is listed. */
	private static ClientAuthenticationMethod preRegisteredMethod(PreRegisteredClient client,
			AuthorizationServerMetadata authorizationServer) {
		if (client.method() != null) {
			return client.method();
		}
		if (client.clientSecret() == null) {
			return ClientAuthenticationMethod.NONE;
		}
		List<String> supported = authorizationServer.tokenEndpointAuthMethodsSupported();
		boolean post = supported.contains(ClientAuthenticationMethod.CLIENT_SECRET_POST.getValue());
		boolean basic = supported.contains(ClientAuthenticationMethod.CLIENT_SECRET_BASIC.getValue());
		return (post && !basic) ? ClientAuthenticationMethod.CLIENT_SECRET_POST
				: ClientAuthenticationMethod.CLIENT_SECRET_BASIC;
	}

	private static McpAuthorizationException noWay(URI server, AuthorizationServerMetadata authorizationServer,
			ClientIdentityOptions options) {
		URI issuer = authorizationServer.issuer();
		String documents = authorizationServer.clientIdMetadataDocumentSupported()
				? "it supports Client ID Metadata Documents, but none is configured"
				: (options.clientIdMetadataDocument() != null)
						? "it does not support Client ID Metadata Documents, so the one configured ("
								+ options.clientIdMetadataDocument() + ") cannot be used"
						: "it does not support Client ID Metadata Documents";
		return new McpAuthorizationException(server, "No client identity for the MCP server " + server + ": its "
				+ "authorization server " + issuer + " offers no dynamic client registration (no registration_endpoint "
				+ "in its metadata), " + documents + ", and no pre-registered client is configured for the server. "
				+ "Provide one of: (1) a client registered in advance at " + issuer + " (its client id, and its secret "
				+ "if it has one, with a loopback redirect URI such as " + "http://127.0.0.1/callback), tied to this "
				+ "server; (2) the https URL of a Client ID Metadata Document that publishes this program's client "
				+ "metadata, if the authorization server supports them; (3) an authorization server that allows "
				+ "dynamic client registration (RFC 7591).");
	}

}
