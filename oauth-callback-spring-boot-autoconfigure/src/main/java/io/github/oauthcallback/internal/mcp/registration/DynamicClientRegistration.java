package io.github.oauthcallback.internal.mcp.registration;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.github.oauthcallback.McpAuthorizationException;
import io.github.oauthcallback.internal.SafeText;
import io.github.oauthcallback.internal.mcp.AuthorizationServerMetadata;
import io.github.oauthcallback.internal.mcp.registration.McpClient.Source;
import io.github.oauthcallback.internal.store.TokenFileLocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Registers this program as a client of an authorization server (RFC 7591 dynamic client registration) for an MCP
 * server: a native application ({@code application_type: native}) with the loopback redirect URIs the listener will
 * send ({@link LoopbackRedirectUris}), the grant types {@code authorization_code} and {@code refresh_token} (and the
 * device grant {@code urn:ietf:params:oauth:grant-type:device_code} when the server offers it, so that a login where
 * no browser can be used may take it: {@link AuthorizationServerMetadata#offersDeviceGrant()}), response
 * type {@code code}, the application's name as {@code client_name}, the scopes if any, and the token endpoint
 * authentication method configured or else the first of {@code none}, {@code client_secret_basic},
 * {@code client_secret_post} that the server lists in {@code token_endpoint_auth_methods_supported} ({@code none} if it
 * lists none). The server's answer decides: its {@code token_endpoint_auth_method} (the one asked for when it omits
 * it), {@code client_id}, {@code client_secret} and {@code client_secret_expires_at}. Its registration access token is
 * not kept: this program never reads, updates or deletes a registration (RFC 7592).
 * <p>
 * The request goes through a {@code RestClient} of the token endpoint kind (the application's HTTP client settings,
 * the starter's timeouts, no redirects), created on the first registration; the JSON body is written and read here,
 * so the client needs no JSON converter and its status handler does not apply. Every refusal becomes an
 * {@link McpAuthorizationException} that says what the server said (without any secret) and what to do.
 */
public final class DynamicClientRegistration {

	private static final Log logger = LogFactory.getLog(DynamicClientRegistration.class);

	/** Larger answers are not read: a client information response is a few hundred bytes. */
	private static final int MAX_ANSWER_BYTES = 64 * 1024;

	private static final JsonMapper json = JsonMapper.builder().build();

	/** The longest client id kept: the {@code client_id} column of the registered clients' table. */
	static final int MAX_CLIENT_ID = 1000;

	/** The longest client secret kept (the table's {@code client_secret} column holds 2000). */
	static final int MAX_CLIENT_SECRET = 1000;

	/** 9999-12-31T23:59:59Z in seconds: the latest secret expiry taken literally. */
	private static final long LATEST_EXPIRY = 253402300799L;

	private final Supplier<RestClient> restClient;

	private final List<URI> redirectUris;

	private final String clientName;

	/**
	 * @param restClients creates the {@code RestClient}, once, on the first registration; usually one of
	 * {@code TokenEndpointClients.restClient}
	 * @param redirectUris the redirect URIs to register ({@link LoopbackRedirectUris#of})
	 * @param clientName the name shown to the user on the consent page ({@code spring.application.name}), or
	 * {@code null} for {@code oauth-callback}
	 */
	public DynamicClientRegistration(Supplier<RestClient> restClients, List<URI> redirectUris,
			@Nullable String clientName) {
		if (redirectUris.isEmpty()) {
			throw new IllegalArgumentException("A dynamic registration needs at least one redirect URI");
		}
		this.restClient = SingletonSupplier.of(restClients);
		this.redirectUris = List.copyOf(redirectUris);
		this.clientName = (clientName != null && !clientName.isBlank()) ? clientName.trim()
				: TokenFileLocation.DEFAULT_APPLICATION;
	}

	/**
	 * @return the redirect URIs registered
	 */
	public List<URI> redirectUris() {
		return this.redirectUris;
	}

	/**
	 * Registers a client.
	 * @param server the MCP server, for messages
	 * @param authorizationServer its authorization server's metadata, with a registration endpoint
	 * @param configured the token endpoint authentication method the user configured, or {@code null} to choose
	 * @param scopes the scopes to register ({@code scope}), possibly none (then not sent)
	 * @return the registered client
	 * @throws McpAuthorizationException if the server has no registration endpoint, cannot be reached, refuses, or
	 * answers with something that is not a usable client information response
	 */
	public McpClient register(URI server, AuthorizationServerMetadata authorizationServer,
			@Nullable ClientAuthenticationMethod configured, List<String> scopes) {
		URI endpoint = authorizationServer.registrationEndpoint();
		URI issuer = authorizationServer.issuer();
		if (endpoint == null) {
			throw new McpAuthorizationException(server, "The authorization server " + issuer + " of the MCP server "
					+ server + " offers no dynamic client registration (its metadata has no registration_endpoint).");
		}
		ClientAuthenticationMethod asked = (configured != null) ? configured
				: method(authorizationServer.tokenEndpointAuthMethodsSupported());
		if (asked == null) {
			throw new McpAuthorizationException(server, "The authorization server " + issuer + " of the MCP server "
					+ server + " accepts only " + authorizationServer.tokenEndpointAuthMethodsSupported() + " at its "
					+ "token endpoint (token_endpoint_auth_methods_supported), and this program can authenticate only "
					+ "with none, client_secret_basic or client_secret_post. Register a client in advance at " + issuer
					+ " and configure it for this server.");
		}
		byte[] body = json.writeValueAsBytes(request(asked, scopes, authorizationServer.offersDeviceGrant()));
		Answer answer;
		try {
			answer = this.restClient.get()
				.post()
				.uri(endpoint)
				.contentType(MediaType.APPLICATION_JSON)
				.accept(MediaType.APPLICATION_JSON)
				.contentLength(body.length)
				.body((output) -> output.write(body))
				.exchange((request, response) -> new Answer(response.getStatusCode().value(),
						response.getHeaders().getFirst(HttpHeaders.CONTENT_TYPE),
						response.getBody().readNBytes(MAX_ANSWER_BYTES)), true);
		}
		catch (RestClientException ex) {
			throw new McpAuthorizationException(server, "The registration endpoint " + endpoint + " of the "
					+ "authorization server " + issuer + " (MCP server " + server + ") could not be reached ("
					+ SafeText.describe(ex) + "). Check the network and try again, or register a client in advance "
					+ "and configure it for this server.", ex);
		}
		McpClient client = client(server, issuer, endpoint, asked, answer);
		logger.info("Registered a client for the MCP server " + server + " at " + issuer + " (client id "
				+ SafeText.providerText(client.clientId()) + ", token endpoint authentication "
				+ client.method().getValue() + ")");
		return client;
	}

	/** The first method of {@link ClientIdentityOptions#USABLE} the server lists; {@code none} if it lists none. */
	static @Nullable ClientAuthenticationMethod method(List<String> supported) {
		if (supported.isEmpty()) {
			// RFC 8414 says an omitted token_endpoint_auth_methods_supported means client_secret_basic. This program
			// still asks for none: it is a native application that cannot keep a secret (RFC 8252 section 8.4, the MCP
			// specification's public clients), the list describes the token endpoint rather than what registration
			// allows, and the registration answer is authoritative (RFC 7591 section 3.2.1): a server that wants
			// client_secret_basic registers the client so and sends a secret, which is then used.
			return ClientAuthenticationMethod.NONE;
		}
		return ClientIdentityOptions.USABLE.stream()
			.filter((method) -> supported.stream().anyMatch((value) -> method.equals(ClientIdentityOptions.usable(value))))
			.findFirst()
			.orElse(null);
	}

	private Map<String, Object> request(ClientAuthenticationMethod method, List<String> scopes, boolean device) {
		Map<String, Object> request = new LinkedHashMap<>();
		request.put("client_name", this.clientName);
		request.put("redirect_uris", this.redirectUris.stream().map(URI::toString).toList());
		request.put("grant_types", device
				? List.of(AuthorizationGrantType.AUTHORIZATION_CODE.getValue(),
						AuthorizationGrantType.REFRESH_TOKEN.getValue(), AuthorizationGrantType.DEVICE_CODE.getValue())
				: List.of(AuthorizationGrantType.AUTHORIZATION_CODE.getValue(),
						AuthorizationGrantType.REFRESH_TOKEN.getValue()));
		request.put("response_types", List.of("code"));
		request.put("token_endpoint_auth_method", method.getValue());
		request.put("application_type", "native");
		if (!scopes.isEmpty()) {
			request.put("scope", String.join(" ", scopes));
		}
		return request;
	}

	private McpClient client(URI server, URI issuer, URI endpoint, ClientAuthenticationMethod asked, Answer answer) {
		JsonNode document = answer.json();
		String refused = "The authorization server " + issuer + " of the MCP server " + server;
		if (answer.status() == 401 || answer.status() == 403) {
			throw new McpAuthorizationException(server, refused + " requires an initial access token to register a "
					+ "client at " + endpoint + " (it answered " + answer.status() + errorOf(document) + "), which this "
					+ "program does not have. Register a client in advance at " + issuer + " and configure it for this "
					+ "server, or use a Client ID Metadata Document if the server supports them.");
		}
		if (answer.status() < 200 || answer.status() > 299) {
			String error = (document != null) ? text(document, "error") : null;
			String advice = "invalid_redirect_uri".equals(error)
					? " It does not accept the loopback redirect URIs " + this.redirectUris + " that a command-line "
							+ "login uses (RFC 8252 section 7.3). Register a client in advance with a loopback redirect "
							+ "URI and configure it for this server, or use a Client ID Metadata Document if the server "
							+ "supports them."
					: "invalid_client_metadata".equals(error)
							? " It does not accept this program's client metadata (a native public client with the "
									+ "authorization_code and refresh_token grants, and the device_code grant where "
									+ "the server offers it). Register a client in advance at "
									+ issuer + " and configure it for this server, or set the authentication method "
									+ "for dynamic registration if the server needs another one."
							: (answer.status() >= 500 || answer.status() == 429) ? " Try again later, or register a "
									+ "client in advance and configure it for this server."
									: " Register a client in advance at " + issuer
											+ " and configure it for this server.";
			throw new McpAuthorizationException(server, refused + " refused to register a client at " + endpoint
					+ " (status " + answer.status() + errorOf(document) + ")." + advice);
		}
		if (document == null || !document.isObject()) {
			throw new McpAuthorizationException(server, refused + " answered the client registration at " + endpoint
					+ " with status " + answer.status() + " but not with a JSON client information response (content "
					+ "type " + SafeText.providerText(answer.contentType()) + "). Check that the registration_endpoint in its metadata is "
					+ "right, or register a client in advance and configure it for this server.");
		}
		String badField = firstNotString(document, "client_id", "client_secret", "token_endpoint_auth_method");
		if (badField != null) {
			throw new McpAuthorizationException(server, refused + " answered the client registration at " + endpoint
					+ " with a " + badField + " that is not a JSON string (RFC 7591 section 3.2.1). Its registration "
					+ "endpoint does not follow the standard: register a client in advance and configure it for this "
					+ "server.");
		}
		String clientId = text(document, "client_id");
		if (clientId == null || clientId.isBlank()) {
			throw new McpAuthorizationException(server, refused + " answered the client registration at " + endpoint
					+ " without a client_id. Register a client in advance and configure it for this server.");
		}
		String unusableId = unusable(clientId, MAX_CLIENT_ID);
		if (unusableId != null) {
			throw new McpAuthorizationException(server, refused + " answered the client registration at " + endpoint
					+ " with a client_id that " + unusableId + ", which this program does not use. Register a client "
					+ "in advance and configure it for this server.");
		}
		String methodValue = text(document, "token_endpoint_auth_method");
		ClientAuthenticationMethod method = (methodValue != null) ? ClientIdentityOptions.usable(methodValue) : asked;
		if (method == null) {
			throw new McpAuthorizationException(server, refused + " registered the client with the token endpoint "
					+ "authentication method '" + SafeText.providerText(methodValue) + "', which this program cannot "
					+ "use (it can use none, client_secret_basic and client_secret_post). Register a client in advance "
					+ "and configure it for this server.");
		}
		String secret = text(document, "client_secret");
		if (ClientAuthenticationMethod.NONE.equals(method)) {
			// A public client: a secret the server sent anyway is never used, so it is not kept.
			secret = null;
		}
		else if (secret == null || secret.isEmpty()) {
			throw new McpAuthorizationException(server, refused + " registered a client that authenticates with "
					+ method.getValue() + " but sent no client_secret. Register a client in advance and configure it "
					+ "for this server.");
		}
		else {
			String unusableSecret = unusable(secret, MAX_CLIENT_SECRET);
			if (unusableSecret != null) {
				throw new McpAuthorizationException(server, refused + " answered the client registration at " + endpoint
						+ " with a client_secret that " + unusableSecret + ", which this program does not use. Register "
						+ "a client in advance and configure it for this server.");
			}
		}
		Instant expiresAt = (secret != null) ? expiresAt(server, issuer, document.get("client_secret_expires_at"))
				: null;
		return new McpClient(clientId, secret, method, issuer, Source.DYNAMIC_REGISTRATION, expiresAt);
	}

	/**
	 * {@code client_secret_expires_at}: {@code 0} or absent means the secret does not expire (RFC 7591). A value that
	 * is not a whole number of seconds from 1 to {@link #LATEST_EXPIRY} (the end of the year 9999) is a server's
	 * mistake that no secret can mean; it is taken as "does not expire", with a warning, rather than refusing a client
	 * the server did create: if the secret does expire, the token endpoint's {@code invalid_client} makes the next login
	 * register again.
	 */
	private static @Nullable Instant expiresAt(URI server, URI issuer, @Nullable JsonNode expires) {
		if (expires == null || expires.isNull()) {
			return null;
		}
		if (expires.isNumber() && expires.canConvertToLong()) {
			long seconds = expires.longValue();
			if (seconds == 0) {
				return null;
			}
			if (seconds > 0 && seconds <= LATEST_EXPIRY) {
				return Instant.ofEpochSecond(seconds);
			}
		}
		logger.warn("The authorization server " + issuer + " of the MCP server " + server + " registered a client with "
				+ "a client_secret_expires_at that is not a time in seconds from 1970 to 9999 (RFC 7591): the secret "
				+ "is taken as not expiring; a login that the server refuses with invalid_client registers again");
		return null;
	}

	/** The first of the fields that is present but not a JSON string, or {@code null}. */
	private static @Nullable String firstNotString(JsonNode document, String... fields) {
		for (String field : fields) {
			JsonNode value = document.get(field);
			if (value != null && !value.isNull() && !value.isString()) {
				return field;
			}
		}
		return null;
	}

	/**
	 * Why a value the server issued cannot be kept, or {@code null}: control or invisible formatting characters (they
	 * could forge log lines or terminal output) or more characters than the storage columns hold.
	 */
	static @Nullable String unusable(String value, int maxLength) {
		if (value.length() > maxLength) {
			return "is " + value.length() + " characters long (at most " + maxLength + " are kept)";
		}
		for (int i = 0; i < value.length(); i++) {
			int type = Character.getType(value.charAt(i));
			if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
					|| type == Character.PARAGRAPH_SEPARATOR) {
				return "holds control or invisible formatting characters";
			}
		}
		return null;
	}

	/** {@code , error: description} of an RFC 7591 error response, cleaned, or nothing. */
	private static String errorOf(@Nullable JsonNode document) {
		if (document == null || !document.isObject()) {
			return "";
		}
		String error = SafeText.providerText(text(document, "error"));
		if (error == null || error.isBlank()) {
			return "";
		}
		String description = SafeText.providerText(text(document, "error_description"));
		return ", " + error + ((description != null && !description.isBlank()) ? ": " + description : "");
	}

	private static @Nullable String text(JsonNode document, String field) {
		JsonNode value = document.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

	/**
	 * What the registration endpoint answered.
	 *
	 * @param contentType the {@code Content-Type} header as sent, or {@code null}: parsed only when read
	 */
	private record Answer(int status, @Nullable String contentType, byte[] body) {

		/** The body as JSON, if it is declared (or not declared) as JSON and parses; never its text in a message. */
		@Nullable JsonNode json() {
			if (this.contentType != null && !json(this.contentType)) {
				return null;
			}
			try {
				return json.readTree(this.body);
			}
			catch (JacksonException ex) {
				return null;
			}
		}

		/** Whether a content type is JSON; one that cannot be parsed is not. */
		private static boolean json(String contentType) {
			MediaType type;
			try {
				type = MediaType.parseMediaType(contentType);
			}
			catch (InvalidMediaTypeException ex) {
				return false;
			}
			return MediaType.APPLICATION_JSON.isCompatibleWith(type) || type.getSubtype().endsWith("+json");
		}

		@Override
		public String toString() {
			return "Answer[" + this.status + ", " + SafeText.providerText(this.contentType) + "]";
		}

	}

}
