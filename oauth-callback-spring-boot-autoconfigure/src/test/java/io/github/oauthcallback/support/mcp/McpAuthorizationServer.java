package io.github.oauthcallback.support.mcp;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.oauthcallback.support.TestAuthorizationServer;
import io.github.oauthcallback.support.UserAgentBrowser;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real Spring Authorization Server set up as an MCP server's authorization server, on 127.0.0.1 and a random port
 * in its own application context:
 * <ul>
 * <li>Open dynamic client registration (RFC 7591) at {@link #registrationEndpoint()}: no initial access token.
 * Public ({@code token_endpoint_auth_method: none}) and confidential ({@code client_secret_basic},
 * {@code client_secret_post}) clients; a registration's {@code scope} is kept, without one the client may ask for
 * every scope of {@link #SCOPES}. Registered clients must use PKCE (S256) and, by default, see no consent page.</li>
 * <li>Authorization code with PKCE, and refresh tokens for every client registered with the {@code refresh_token}
 * grant, public clients included (Spring Authorization Server issues none to public clients out of the box; a token
 * generator of this server does, and public clients may refresh and revoke with their {@code client_id} only).</li>
 * <li>Resource indicators (RFC 8707): the access token's {@code aud} is the {@code resource} of the token request,
 * else of the authorization request; a refresh without {@code resource} keeps the audience of the token it
 * replaces; a {@code resource} outside what was authorized, or not an absolute URI without fragment, is refused
 * with {@code invalid_target}. Without any {@code resource}, {@code aud} is the client id (Spring's default), which
 * no {@link TestMcpServer} accepts.</li>
 * <li>Authorization server metadata (RFC 8414) at {@code /.well-known/oauth-authorization-server} and OpenID
 * configuration at {@code /.well-known/openid-configuration}, both with {@code registration_endpoint},
 * {@code code_challenge_methods_supported: [S256]}, {@code scopes_supported} and {@code none} among the token
 * endpoint authentication methods.</li>
 * <li>The device authorization grant (RFC 8628) with a one-second {@code interval}, for the pre-registered clients
 * and for registered clients that ask for the grant; a public client sends only its {@code client_id}. The
 * {@code resource} of a device authorization request is recorded but not kept by Spring Authorization Server, so
 * the device-code token request's {@code resource} sets the audience. {@code DeviceApprover} plays the user.</li>
 * <li>The user {@link TestAuthorizationServer#USER} / {@link TestAuthorizationServer#PASSWORD} signs in with form
 * login, so {@link UserAgentBrowser#approving()} plays the user.</li>
 * </ul>
 * It records what tests check: requests per endpoint ({@link #counts()}), the {@code resource} parameters of
 * every authorization and token request ({@link #resourceIndicators()}), and every secret it received or issued
 * ({@link #secrets()}).
 */
public final class McpAuthorizationServer implements AutoCloseable {

	/** The scopes it supports and advertises. */
	public static final List<String> SCOPES = List.of("openid", "profile", "offline_access", TestMcpServer.TOOLS_SCOPE,
			TestMcpServer.ADMIN_SCOPE);

	/**
	 * A pre-registered public client: authorization code with PKCE, refresh token and device code grants, every
	 * scope, redirect http://127.0.0.1/callback.
	 */
	public static final String PUBLIC_CLIENT = "mcp-public-cli";

	/** A pre-registered confidential client (client_secret_basic and client_secret_post), otherwise as the public one. */
	public static final String CONFIDENTIAL_CLIENT = "mcp-conf-cli";

	public static final String CONFIDENTIAL_SECRET = "mcpc-Secret-3318";

	/** The redirect URI of the pre-registered clients; any port is accepted (RFC 8252 section 7.3). */
	public static final String REDIRECT_URI = "http://127.0.0.1/callback";

	private final ConfigurableApplicationContext context;

	private final McpAuthorizationServerState state;

	private final String issuer;

	private McpAuthorizationServer(ConfigurableApplicationContext context, McpAuthorizationServerState state) {
		this.context = context;
		this.state = state;
		this.issuer = "http://127.0.0.1:" + PeerApplications.port(context);
	}

	/** Starts a server with the default {@link Options}. */
	public static McpAuthorizationServer start() {
		return start(Options.defaults());
	}

	public static McpAuthorizationServer start(Options options) {
		McpAuthorizationServerState state = new McpAuthorizationServerState(options);
		ConfigurableApplicationContext context = PeerApplications.start(McpAuthorizationServerConfig.class, state,
				Map.of());
		return new McpAuthorizationServer(context, state);
	}

	/** The issuer: {@code http://127.0.0.1:<port>}, without path. */
	public String issuer() {
		return this.issuer;
	}

	/** The RFC 7591 registration endpoint ({@code <issuer>/oauth2/register}). */
	public URI registrationEndpoint() {
		return URI.create(this.issuer + "/oauth2/register");
	}

	public URI authorizationEndpoint() {
		return URI.create(this.issuer + "/oauth2/authorize");
	}

	public URI tokenEndpoint() {
		return URI.create(this.issuer + "/oauth2/token");
	}

	/** The RFC 8414 metadata URL. */
	public URI metadataUrl() {
		return URI.create(this.issuer + "/.well-known/oauth-authorization-server");
	}

	public Options options() {
		return this.state.options();
	}

	/** Requests per endpoint since start or the last {@link #resetRecordings()}. */
	public Counts counts() {
		return this.state.counts();
	}

	/** The {@code resource} parameters of the authorization and token requests, in order of arrival. */
	public List<ResourceIndicator> resourceIndicators() {
		return this.state.resourceIndicators();
	}

	/**
	 * Every secret received or issued since start, in order: from the clients' requests to the token, revocation,
	 * introspection and device authorization endpoints the authorization codes, PKCE verifiers, device codes, refresh
	 * tokens, tokens, form-body client secrets and {@code client_secret_basic} credentials (the header's Base64 and the
	 * secret in it); from the token endpoint's answers the access, refresh and ID tokens; from the registration
	 * endpoint's answers the client secrets and registration access tokens. Not forgotten by
	 * {@link #resetRecordings()}.
	 */
	public List<String> secrets() {
		return this.state.secrets().all();
	}

	/**
	 * @return the names of the secret fields ({@code client_secret}, {@code registration_access_token}) in the
	 * registration endpoint's answers since start, in order
	 */
	public List<String> registrationSecretFields() {
		return this.state.secrets().registrationFields();
	}

	/** Forgets counts and resource indicators (registered clients and tokens stay). */
	public void resetRecordings() {
		this.state.reset();
	}

	/**
	 * Deletes a registered client, as an authorization server that expired a dynamic registration would: its next
	 * token request is refused with {@code invalid_client}, its next authorization request with an error page.
	 * @return whether the client was registered
	 */
	public boolean forgetClient(String clientId) {
		return this.state.clients().remove(clientId);
	}

	/** The client ids registered so far through the registration endpoint, in order. */
	public List<String> dynamicallyRegisteredClients() {
		return this.state.clients().dynamicallyRegistered();
	}

	@Override
	public void close() {
		PeerApplications.stop(this.context);
	}

	/**
	 * @param accessTokenTimeToLive the lifetime of access tokens (of dynamically registered and pre-registered
	 * clients)
	 * @param refreshTokensForPublicClients whether public clients get refresh tokens (a confidential client with the
	 * {@code refresh_token} grant always does)
	 * @param consent whether the user sees a consent page for the clients it registers
	 * @param deviceGrant whether its metadata offers the device grant ({@code device_authorization_endpoint} and
	 * {@code urn:ietf:params:oauth:grant-type:device_code} in {@code grant_types_supported}); without, both are left
	 * out, as an authorization server without the device grant has neither
	 */
	public record Options(Duration accessTokenTimeToLive, boolean refreshTokensForPublicClients, boolean consent,
			boolean deviceGrant) {

		/** Access tokens for five minutes, refresh tokens for public clients, no consent page, the device grant. */
		public static Options defaults() {
			return new Options(Duration.ofMinutes(5), true, false, true);
		}

		public Options withAccessTokenTimeToLive(Duration timeToLive) {
			return new Options(timeToLive, this.refreshTokensForPublicClients, this.consent, this.deviceGrant);
		}

		public Options withRefreshTokensForPublicClients(boolean refreshTokens) {
			return new Options(this.accessTokenTimeToLive, refreshTokens, this.consent, this.deviceGrant);
		}

		public Options withConsent(boolean consent) {
			return new Options(this.accessTokenTimeToLive, this.refreshTokensForPublicClients, consent,
					this.deviceGrant);
		}

		public Options withDeviceGrant(boolean deviceGrant) {
			return new Options(this.accessTokenTimeToLive, this.refreshTokensForPublicClients, this.consent,
					deviceGrant);
		}

	}

	/**
	 * Requests the server received.
	 * @param metadata requests under {@code /.well-known/}
	 * @param registration POST requests to the registration endpoint
	 * @param authorization authorization requests (GET {@code /oauth2/authorize} with a {@code response_type}; not the
	 * browser's replay after the login form)
	 * @param token token requests
	 */
	public record Counts(int metadata, int registration, int authorization, int token) {
	}

	/**
	 * The {@code resource} parameters of one request.
	 * @param endpoint {@code "authorize"}, {@code "device_authorization"} or {@code "token"}
	 * @param grantType the token request's {@code grant_type}; {@code null} for the other endpoints
	 * @param clientId the {@code client_id} parameter, if the request had one (a confidential client may send its id
	 * in the {@code Authorization} header only)
	 * @param resources the {@code resource} values, in order; empty if none was sent
	 */
	public record ResourceIndicator(String endpoint, @Nullable String grantType, @Nullable String clientId,
			List<String> resources) {

		public ResourceIndicator {
			resources = List.copyOf(resources);
		}

	}

}
