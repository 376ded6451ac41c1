package io.github.oauthcallback.internal.mcp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.github.oauthcallback.internal.device.DeviceEndpoints;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;

/**
 * Builds the Spring Security {@link ClientRegistration} of an MCP server from what discovery found and the client
 * identity: the authorization code grant with the loopback listener's redirect URI, the authorization server's
 * endpoints, its issuer and its whole metadata document as the provider's configuration metadata (so the RFC 9207
 * {@code iss} check of the authorization response, revocation and the device grant read it as for any discovered
 * provider), and the scopes chosen by {@link McpScopes}. Its {@code device_authorization_endpoint} stays in that metadata
 * only when the server offers the device grant ({@link AuthorizationServerMetadata#offersDeviceGrant()}, the grant a
 * dynamic registration then asks for): the login then takes the device grant by the rules of
 * {@code oauth-callback.login.mode} as for any registration whose provider has a device authorization endpoint, and
 * never tries it with a client the server did not offer it to.
 */
public final class McpClientRegistrationFactory {

	/** The redirect URI that means "the loopback listener's settings" (oauth-callback.listener.*). */
	static final String LISTENER_REDIRECT_URI = "{baseUrl}/{action}/oauth2/code/{registrationId}";

	private final String clientName;

	/**
	 * @param clientName the name shown for the registration (the application's name)
	 */
	public McpClientRegistrationFactory(String clientName) {
		this.clientName = clientName;
	}

	/**
	 * @param registrationId the server's registration id
	 * @param metadata what discovery found
	 * @param client the client identity
	 * @param scopes the scopes of a login, possibly none
	 * @return the registration
	 */
	public ClientRegistration build(String registrationId, McpServerMetadata metadata, McpClientCredentials client,
			Set<String> scopes) {
		AuthorizationServerMetadata server = metadata.authorizationServer();
		ClientRegistration.Builder builder = ClientRegistration.withRegistrationId(registrationId)
			.clientId(client.clientId())
			.clientAuthenticationMethod(client.method())
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri(LISTENER_REDIRECT_URI)
			.scope(scopes)
			.clientName(this.clientName)
			.authorizationUri(server.authorizationEndpoint().toString())
			.tokenUri(server.tokenEndpoint().toString())
			.issuerUri(server.issuer().toString())
			.providerConfigurationMetadata(configurationMetadata(server));
		if (client.clientSecret() != null) {
			builder.clientSecret(client.clientSecret());
		}
		if (server.jwksUri() != null) {
			builder.jwkSetUri(server.jwksUri().toString());
		}
		return builder.build();
	}

	/** The server's metadata, without its device authorization endpoint unless it offers the device grant. */
	private static Map<String, Object> configurationMetadata(AuthorizationServerMetadata server) {
		if (server.offersDeviceGrant() || !server.metadata().containsKey(DeviceEndpoints.METADATA_NAME)) {
			return server.metadata();
		}
		Map<String, Object> metadata = new LinkedHashMap<>(server.metadata());
		metadata.remove(DeviceEndpoints.METADATA_NAME);
		return metadata;
	}

	/**
	 * @param registration a registration this factory built
	 * @param scopes other scopes
	 * @return the same registration asking for these scopes
	 */
	public static ClientRegistration withScopes(ClientRegistration registration, Set<String> scopes) {
		return ClientRegistration.withClientRegistration(registration).scope(scopes).build();
	}

}
