package io.github.oauthcallback.internal.mcp;

import java.net.URI;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * The client identity an MCP server's logins use at its authorization server.
 *
 * @param clientId the client id (a URL for a client ID metadata document)
 * @param clientSecret the client secret, or {@code null} for a public client (a secret: never shown)
 * @param method how the client authenticates at the token endpoint
 * @param issuer the authorization server the identity belongs to
 * @param dynamicRegistration whether it is a dynamic registration of this program (stored, and registered again
 * after {@code invalid_client}), not a pre-registered client or a Client ID Metadata Document
 */
public record McpClientCredentials(String clientId, @Nullable String clientSecret, ClientAuthenticationMethod method,
		URI issuer, boolean dynamicRegistration) {

	/**
	 * A client identity that is not a dynamic registration.
	 * @param clientId the client id
	 * @param clientSecret the client secret, or {@code null}
	 * @param method how the client authenticates at the token endpoint
	 * @param issuer the authorization server the identity belongs to
	 */
	public McpClientCredentials(String clientId, @Nullable String clientSecret, ClientAuthenticationMethod method,
			URI issuer) {
		this(clientId, clientSecret, method, issuer, false);
	}

	@Override
	public String toString() {
		return "McpClientCredentials[clientId=" + this.clientId + ", clientSecret="
				+ ((this.clientSecret != null) ? "(set)" : "(none)") + ", method=" + this.method.getValue() + ", issuer="
				+ this.issuer + ", dynamicRegistration=" + this.dynamicRegistration + "]";
	}

}
