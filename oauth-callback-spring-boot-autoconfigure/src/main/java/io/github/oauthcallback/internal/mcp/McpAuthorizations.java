package io.github.oauthcallback.internal.mcp;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.store.TokenStore;
import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * The {@link McpServerAuthorization}s of this process, one per MCP server (its {@link McpServerUrls#comparable
 * comparable} URL) and account, so that every transport to the same server and account takes turns on the same one,
 * and two servers never share one, whatever their registration ids.
 */
public final class McpAuthorizations {

	private final McpMetadataSource metadata;

	private final McpClientSource clients;

	private final McpRegistrations registrations;

	private final McpClientRegistrationFactory factory;

	private final OAuthCallbackAuthorizedClientManager manager;

	private final TokenStore store;

	private final Map<URI, String> preRegistered;

	private final String defaultAccount;

	private final int maxAttempts;

	private final Function<URI, String> derivedIds;

	private final Map<String, McpServerAuthorization> authorizations = new ConcurrentHashMap<>();

	/**
	 * @param metadata discovery
	 * @param clients client identities
	 * @param registrations the MCP servers' registrations
	 * @param factory builds a server's registration
	 * @param manager the client manager
	 * @param store the store the manager keeps logins in
	 * @param preRegistered the registration id of the pre-registered client of a server, by the server's
	 * {@link McpServerUrls#comparable comparable} URL
	 * @param defaultAccount the account of calls that name none
	 * @param maxAttempts how many authorization attempts one request may cause
	 */
	public McpAuthorizations(McpMetadataSource metadata, McpClientSource clients, McpRegistrations registrations,
			McpClientRegistrationFactory factory, OAuthCallbackAuthorizedClientManager manager, TokenStore store,
			Map<URI, String> preRegistered, String defaultAccount, int maxAttempts) {
		this(metadata, clients, registrations, factory, manager, store, preRegistered, defaultAccount, maxAttempts,
				McpServerUrls::registrationId);
	}

	/**
	 * As the public constructor, with the function deriving the registration id of a server that has no
	 * pre-registered client (a seam for tests that make two servers' ids collide).
	 */
	McpAuthorizations(McpMetadataSource metadata, McpClientSource clients, McpRegistrations registrations,
			McpClientRegistrationFactory factory, OAuthCallbackAuthorizedClientManager manager, TokenStore store,
			Map<URI, String> preRegistered, String defaultAccount, int maxAttempts,
			Function<URI, String> derivedIds) {
		this.derivedIds = derivedIds;
		this.metadata = metadata;
		this.clients = clients;
		this.registrations = registrations;
		this.factory = factory;
		this.manager = manager;
		this.store = store;
		this.preRegistered = Map.copyOf(preRegistered);
		this.defaultAccount = defaultAccount;
		this.maxAttempts = maxAttempts;
	}

	/**
	 * @param server the MCP server's URL (checked with {@link McpServerUrls#check})
	 * @param account the account, or {@code null} for the default one
	 * @return the server's authorization for the account
	 */
	public McpServerAuthorization of(URI server, @Nullable String account) {
		URI checked = McpServerUrls.check(server);
		String chosen = StringUtils.hasText(account) ? account : this.defaultAccount;
		String registrationId = registrationId(checked);
		return this.authorizations.computeIfAbsent(McpServerUrls.comparable(checked) + "\n" + chosen,
				(key) -> new McpServerAuthorization(checked, registrationId, chosen, this.metadata, this.clients,
						this.registrations, this.factory, this.manager, this.store));
	}

	/**
	 * @param server the MCP server's URL
	 * @return the registration id its logins are stored under: its pre-registered client's, else one derived from
	 * the URL
	 */
	public String registrationId(URI server) {
		String configured = this.preRegistered.get(McpServerUrls.comparable(server));
		return (configured != null) ? configured : this.derivedIds.apply(server);
	}

	/**
	 * @return how many authorization attempts one request may cause
	 */
	public int maxAttempts() {
		return this.maxAttempts;
	}

}
