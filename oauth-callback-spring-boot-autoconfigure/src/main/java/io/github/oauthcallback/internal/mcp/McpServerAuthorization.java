package io.github.oauthcallback.internal.mcp;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import io.github.oauthcallback.McpAuthorizationException;
import io.github.oauthcallback.ReauthorizationRequiredException;
import io.github.oauthcallback.TokenExchangeException;
import io.github.oauthcallback.TokenRefreshException;
import io.github.oauthcallback.authorize.AuthorizationOptions;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.internal.Causes;
import io.github.oauthcallback.internal.authorize.DeviceGrantUnavailableException;
import io.github.oauthcallback.internal.device.DeviceEndpoints;
import io.github.oauthcallback.internal.refresh.LoopbackAuthorizedClientProvider;
import io.github.oauthcallback.store.TokenStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

/**
 * The authorization of one MCP server for one account, which the SDK hooks call: the token to send, and what to do
 * when the server answers 401 or 403. Tokens are kept by the starter's client manager and store under the server's
 * registration id and the account, like any login (single-flight refresh, {@code status}, {@code logout}).
 * <ul>
 * <li>{@link #accessToken()}: the stored token, refreshed without the user when it expired; never a login. The
 * server's registration is known in this process, or built without any network call from the cached metadata (also
 * past its time to live) and a client identity at hand. Without a stored login the request goes without a token, so
 * the server's 401 challenge drives discovery.</li>
 * <li>{@link #onAuthorizationError}: a 401 when a usable login is stored (renewed by another request, or stored after
 * this one left without a token) only asks for a retry; a 401 to the stored token marks it expired so the manager
 * refreshes it, and only logs in again when that cannot work; a 401 without a stored login discovers the server's
 * metadata, gets a client identity, builds the server's registration and logs in (browser, or device grant or
 * paste-back by the login's rules). A 403 {@code insufficient_scope} logs in again asking for the scopes held and
 * those demanded, unless they are all held already (then the request fails: a new login would not help). An
 * {@code invalid_client} answer to a dynamic registration of this program forgets it and registers again, once; for
 * a pre-registered client or a metadata document it is an {@link McpAuthorizationException}.</li>
 * </ul>
 * Calls for one server and account take turns; one that finds the stored token already renewed by another only asks
 * for a retry. How often one request may be retried is the SDK's bound ({@code maxRetries}), set from
 * {@code oauth-callback.mcp.max-authorization-attempts}. The server's registration is looked up for this server only
 * ({@link McpRegistrations#find(String, URI)}): another server's, under the same registration id, is never used.
 */
public final class McpServerAuthorization {

	private static final Log logger = LogFactory.getLog(McpServerAuthorization.class);

	private final URI server;

	private final String registrationId;

	private final String account;

	private final McpMetadataSource metadata;

	private final McpClientSource clients;

	private final McpRegistrations registrations;

	private final McpClientRegistrationFactory factory;

	private final OAuthCallbackAuthorizedClientManager manager;

	private final TokenStore store;

	private final ReentrantLock lock = new ReentrantLock();

	/**
	 * @param server the MCP server's URL
	 * @param registrationId the registration id the server's logins are stored under
	 * @param account the account
	 * @param metadata discovery
	 * @param clients client identities
	 * @param registrations the MCP servers' registrations
	 * @param factory builds a server's registration
	 * @param manager the client manager
	 * @param store the store the manager keeps logins in
	 */
	public McpServerAuthorization(URI server, String registrationId, String account, McpMetadataSource metadata,
			McpClientSource clients, McpRegistrations registrations, McpClientRegistrationFactory factory,
			OAuthCallbackAuthorizedClientManager manager, TokenStore store) {
		this.server = server;
		this.registrationId = registrationId;
		this.account = account;
		this.metadata = metadata;
		this.clients = clients;
		this.registrations = registrations;
		this.factory = factory;
		this.manager = manager;
		this.store = store;
	}

	/**
	 * @return the MCP server's URL
	 */
	public URI server() {
		return this.server;
	}

	/**
	 * @return the registration id its logins are stored under
	 */
	public String registrationId() {
		return this.registrationId;
	}

	/**
	 * @return the account
	 */
	public String account() {
		return this.account;
	}

	/**
	 * @param uri the URI a request goes to
	 * @return whether it is on this server's origin (scheme, host and port), the only place its token may go
	 */
	public boolean isOrigin(URI uri) {
		if (uri.getScheme() == null || uri.getHost() == null) {
			return false;
		}
		URI target = McpServerUrls.comparable(uri);
		URI own = McpServerUrls.comparable(this.server);
		return target.getScheme().equals(own.getScheme()) && target.getHost().equals(own.getHost())
				&& target.getPort() == own.getPort();
	}

	/**
	 * The access token to send: the stored one, refreshed first if it expired and can be refreshed without the user.
	 * Never starts a login and makes no network call unless a refresh is due.
	 * @return the token, or {@code null} to send the request without one
	 * @throws McpAuthorizationException if the authorization server refused a pre-registered client or a metadata
	 * document ({@code invalid_client})
	 */
	public @Nullable String accessToken() {
		McpRegistrations.Entry entry = knownEntry();
		if (entry == null || this.store.loadAuthorizedClient(this.registrationId, this.account) == null) {
			return null;
		}
		try {
			OAuth2AuthorizedClient client = this.manager.authorize(request(false));
			return (client != null) ? client.getAccessToken().getTokenValue() : null;
		}
		catch (ReauthorizationRequiredException ex) {
			// The stored login cannot be renewed without the user: the server's 401 starts a login.
			logger.debug("No usable login for MCP server " + this.server + " (" + ex.getClass().getSimpleName() + ")");
			return null;
		}
		catch (RuntimeException ex) {
			if (!invalidClient(ex)) {
				throw ex;
			}
			this.lock.lock();
			try {
				forget(entry, ex);
			}
			finally {
				this.lock.unlock();
			}
			return null;
		}
	}

	/**
	 * Handles a 401 or 403 answer of the server.
	 * @param status the answer's status
	 * @param wwwAuthenticate its {@code WWW-Authenticate} values
	 * @param sentToken the access token the request carried, or {@code null}
	 * @return whether the request should be sent again (with the token {@link #accessToken()} then gives)
	 * @throws McpAuthorizationException if discovery or the client identity failed
	 * @throws io.github.oauthcallback.OAuthCallbackException if the login failed
	 */
	public boolean onAuthorizationError(int status, List<String> wwwAuthenticate, @Nullable String sentToken) {
		this.lock.lock();
		try {
			McpChallenge challenge = this.metadata.challenge(wwwAuthenticate);
			if (status == 403) {
				return challenge.insufficientScope() && stepUp(wwwAuthenticate, challenge, sentToken);
			}
			if (status != 401) {
				return false;
			}
			McpRegistrations.Entry known = this.registrations.entry(this.registrationId, this.server);
			OAuth2AuthorizedClient stored = (known != null)
					? this.store.loadAuthorizedClient(this.registrationId, this.account) : null;
			if (known != null && stored != null) {
				boolean refused = sentToken != null && sentToken.equals(stored.getAccessToken().getTokenValue());
				if (!refused && usableWithoutUser()) {
					// Renewed by another request meanwhile, or stored after this one left without a token.
					return true;
				}
				if (refused) {
					this.manager.invalidate(stored);
				}
				if (!known.fromExpiredMetadata()) {
					authorize(wwwAuthenticate, challenge);
					return true;
				}
			}
			register(wwwAuthenticate, challenge.scope(), known);
			authorize(wwwAuthenticate, challenge);
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Whether the stored login gives a token without the user (as it is, or refreshed). */
	private boolean usableWithoutUser() {
		try {
			return this.manager.authorize(request(false)) != null;
		}
		catch (ReauthorizationRequiredException ex) {
			return false;
		}
		catch (RuntimeException ex) {
			if (!invalidClient(ex)) {
				throw ex;
			}
			// authorize() meets it again and deals with it
			return false;
		}
	}

	/**
	 * A 403 {@code insufficient_scope}: a new login for the scopes held and those demanded, unless another request
	 * already got a token with them (a retry), or they are all held already (no login: it would not help).
	 */
	private boolean stepUp(List<String> wwwAuthenticate, McpChallenge challenge, @Nullable String sentToken) {
		McpRegistrations.Entry entry = this.registrations.entry(this.registrationId, this.server);
		if (entry == null) {
			return false;
		}
		ClientRegistration registration = entry.registration();
		OAuth2AuthorizedClient stored = this.store.loadAuthorizedClient(this.registrationId, this.account);
		Set<String> held = (stored != null) ? stored.getAccessToken().getScopes() : registration.getScopes();
		boolean renewed = stored != null && sentToken != null
				&& !sentToken.equals(stored.getAccessToken().getTokenValue());
		if (held.containsAll(challenge.scope())) {
			if (renewed) {
				return true;
			}
			logger.info("MCP server " + this.server + " refuses a token that holds the scopes it asks for ("
					+ String.join(" ", challenge.scope()) + "): not logging in again");
			return false;
		}
		Set<String> scopes = McpScopes.stepUp(held, challenge.scope());
		if (entry.fromExpiredMetadata()) {
			// a login with the user: on metadata discovered now, not on an expired cache entry
			register(wwwAuthenticate, List.copyOf(registration.getScopes()), entry);
			entry = this.registrations.entry(this.registrationId, this.server);
			if (entry == null) {
				return false;
			}
			registration = entry.registration();
		}
		this.registrations.put(entry.with(McpClientRegistrationFactory.withScopes(registration, scopes)));
		logger.info("MCP server " + this.server + " asks for more scopes (" + String.join(" ", challenge.scope())
				+ "): logging in again for " + String.join(" ", scopes));
		this.manager.login(this.registrationId, AuthorizationOptions.defaults().withAccount(this.account));
		return true;
	}

	/**
	 * Builds the server's registration from discovery and a client identity, registering the client if needed. The
	 * scopes of a registration already known (a step-up may have widened them) are kept.
	 */
	private ClientRegistration register(List<String> wwwAuthenticate, List<String> challengedScopes,
			McpRegistrations.@Nullable Entry known) {
		McpServerMetadata found = this.metadata.discover(this.server, wwwAuthenticate);
		Set<String> scopes = McpScopes.first(challengedScopes, found);
		if (known != null && !known.registration().getScopes().isEmpty()) {
			scopes = McpScopes.stepUp(known.registration().getScopes(), scopes);
		}
		// Registered for every scope the server lists, so a step-up to one of them is not refused as invalid_scope.
		McpClientCredentials client = this.clients.obtain(this.server, this.registrationId, found,
				McpScopes.registration(scopes, found));
		ClientRegistration registration = this.factory.build(this.registrationId, found, client, scopes);
		this.registrations.put(new McpRegistrations.Entry(this.server, registration, found.resource().resource(),
				client.dynamicRegistration(), false));
		return registration;
	}

	/**
	 * The stored login, refreshed, or a new one; a dynamic registration the authorization server refused is forgotten
	 * and the client registered again, once (when the refusal comes at the code exchange, after the user logged in,
	 * that means a second login).
	 */
	private void authorize(List<String> wwwAuthenticate, McpChallenge challenge) {
		try {
			this.manager.authorize(request(true));
		}
		catch (RuntimeException ex) {
			DeviceGrantUnavailableException noDevice = Causes.find(ex, DeviceGrantUnavailableException.class);
			if (noDevice != null) {
				throw deviceGrantUnavailable(noDevice);
			}
			if (!invalidClient(ex)) {
				throw ex;
			}
			McpRegistrations.Entry entry = this.registrations.entry(this.registrationId, this.server);
			forget(entry, ex);
			register(wwwAuthenticate, challenge.scope(), entry);
			this.manager.authorize(request(true));
		}
	}

	/**
	 * {@code oauth-callback.login.mode=device} for a server whose authorization server does not offer the device grant:
	 * said in the server's terms (the registration id is the starter's own), with what to set instead.
	 */
	private RuntimeException deviceGrantUnavailable(DeviceGrantUnavailableException failure) {
		ClientRegistration registration = this.registrations.find(this.registrationId, this.server);
		if (registration == null || registration.getProviderDetails()
			.getConfigurationMetadata()
			.containsKey(DeviceEndpoints.METADATA_NAME)) {
			return failure;
		}
		return new McpAuthorizationException(this.server, "oauth-callback.login.mode=device, but the authorization "
				+ "server " + registration.getProviderDetails().getIssuerUri() + " of the MCP server " + this.server
				+ " does not offer the device authorization grant (its metadata has no device_authorization_endpoint, "
				+ "or does not list urn:ietf:params:oauth:grant-type:device_code in grant_types_supported). Set "
				+ "oauth-callback.login.mode=paste to open the login URL in a browser on any machine and paste the "
				+ "address it ends on here, or oauth-callback.login.mode=browser where a browser can be opened on "
				+ "this machine.", failure);
	}

	/**
	 * Forgets the refused client if it is a dynamic registration that is still stored; otherwise says what to do.
	 * Called with the lock held.
	 */
	private void forget(McpRegistrations.@Nullable Entry entry, RuntimeException refusal) {
		if (entry == null || !entry.dynamicClient()) {
			throw new McpAuthorizationException(this.server, "The authorization server of the MCP server " + this.server
					+ " refused its client (invalid_client): the client configured for it (a pre-registered client or "
					+ "the Client ID Metadata Document) is not known there or its credentials are wrong. Check the "
					+ "client id and secret of the server's registration (oauth-callback.mcp.servers.<name>."
					+ "registration), or its issuer; nothing else was tried.", refusal);
		}
		logger.info("The authorization server of MCP server " + this.server + " refused its client (invalid_client): "
				+ "registering again");
		this.clients.forget(this.registrationId, entry.registration().getClientId());
	}

	/**
	 * The server's registration when it is known or can be built from cached metadata (also past its time to live)
	 * and a client identity at hand, without any network call.
	 */
	private McpRegistrations.@Nullable Entry knownEntry() {
		McpRegistrations.Entry known = this.registrations.entry(this.registrationId, this.server);
		if (known != null) {
			return known;
		}
		boolean expired = false;
		Optional<McpServerMetadata> cached = this.metadata.cached(this.server);
		if (cached.isEmpty()) {
			cached = this.metadata.cachedEvenIfExpired(this.server);
			expired = true;
		}
		if (cached.isEmpty()) {
			return null;
		}
		Optional<McpClientCredentials> client = this.clients.known(this.server, this.registrationId, cached.get());
		if (client.isEmpty()) {
			return null;
		}
		ClientRegistration registration = this.factory.build(this.registrationId, cached.get(), client.get(),
				McpScopes.first(List.of(), cached.get()));
		McpRegistrations.Entry entry = new McpRegistrations.Entry(this.server, registration,
				cached.get().resource().resource(), client.get().dynamicRegistration(), expired);
		this.lock.lock();
		try {
			// a registration made by a 401 meanwhile wins
			McpRegistrations.Entry meanwhile = this.registrations.entry(this.registrationId, this.server);
			if (meanwhile != null) {
				return meanwhile;
			}
			this.registrations.put(entry);
			return entry;
		}
		finally {
			this.lock.unlock();
		}
	}

	private OAuth2AuthorizeRequest request(boolean interactive) {
		OAuth2AuthorizeRequest.Builder builder = OAuth2AuthorizeRequest.withClientRegistrationId(this.registrationId)
			.principal(Accounts.principal(this.account));
		if (!interactive) {
			builder.attribute(LoopbackAuthorizedClientProvider.INTERACTIVE_ATTRIBUTE, false);
		}
		return builder.build();
	}

	/** Whether the token endpoint refused the client: on a refresh, on a code exchange, or as Spring reports it. */
	static boolean invalidClient(Throwable failure) {
		return Causes.first(failure, (cause) -> OAuth2ErrorCodes.INVALID_CLIENT.equals(errorCode(cause))) != null;
	}

	private static @Nullable String errorCode(Throwable failure) {
		if (failure instanceof TokenRefreshException refresh) {
			return refresh.getErrorCode();
		}
		if (failure instanceof TokenExchangeException exchange) {
			return exchange.getErrorCode();
		}
		if (failure instanceof OAuth2AuthorizationException oauth) {
			return oauth.getError().getErrorCode();
		}
		return null;
	}

}
