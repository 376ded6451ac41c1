package io.github.oauthcallback.internal.mcp;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.AuthorizationGrantType;

/**
 * The part of an authorization server's metadata (RFC 8414 or OpenID Connect Discovery) that an MCP login uses, already
 * checked: the issuer matches the one asked for and {@code S256} is among the PKCE methods.
 *
 * @param issuer the issuer
 * @param authorizationEndpoint the authorization endpoint
 * @param tokenEndpoint the token endpoint
 * @param registrationEndpoint the dynamic client registration endpoint (RFC 7591), if offered
 * @param deviceAuthorizationEndpoint the device authorization endpoint (RFC 8628), if offered
 * @param revocationEndpoint the revocation endpoint (RFC 7009), if offered
 * @param jwksUri the JWK set, if offered (OpenID providers)
 * @param scopesSupported {@code scopes_supported}, possibly none
 * @param tokenEndpointAuthMethodsSupported {@code token_endpoint_auth_methods_supported}, possibly none
 * @param grantTypesSupported {@code grant_types_supported}, possibly none
 * @param clientIdMetadataDocumentSupported {@code client_id_metadata_document_supported}
 * @param metadata every member of the document as read, for Spring Security's
 * {@code ClientRegistration.ProviderDetails.configurationMetadata} (the issuer check of the authorization response and
 * revocation read it there)
 */
public record AuthorizationServerMetadata(URI issuer, URI authorizationEndpoint, URI tokenEndpoint,
		@Nullable URI registrationEndpoint, @Nullable URI deviceAuthorizationEndpoint, @Nullable URI revocationEndpoint,
		@Nullable URI jwksUri, List<String> scopesSupported, List<String> tokenEndpointAuthMethodsSupported,
		List<String> grantTypesSupported, boolean clientIdMetadataDocumentSupported, Map<String, Object> metadata) {

	public AuthorizationServerMetadata {
		scopesSupported = List.copyOf(scopesSupported);
		tokenEndpointAuthMethodsSupported = List.copyOf(tokenEndpointAuthMethodsSupported);
		grantTypesSupported = List.copyOf(grantTypesSupported);
		metadata = Map.copyOf(metadata);
	}

	/**
	 * Whether the server offers the device authorization grant (RFC 8628) to its clients: it has a device
	 * authorization endpoint and lists {@code urn:ietf:params:oauth:grant-type:device_code} in {@code grant_types_supported} (an omitted list
	 * means {@code authorization_code} and {@code implicit} only, RFC 8414 section 2).
	 * @return whether a client may be registered for the device grant and log in with it
	 */
	public boolean offersDeviceGrant() {
		return this.deviceAuthorizationEndpoint != null && this.grantTypesSupported.contains(AuthorizationGrantType.DEVICE_CODE.getValue());
	}
}
