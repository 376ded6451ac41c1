package io.github.oauthcallback.internal.mcp.registration;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * The client an MCP login uses at one authorization server: what goes into the {@code ClientRegistration} of the
 * server. Its {@code toString()} never shows the client secret.
 *
 * @param clientId the client id (for a Client ID Metadata Document, the document's {@code https} URL)
 * @param clientSecret the client secret, or {@code null} for a public client
 * @param method how the client authenticates at the token endpoint: {@code none}, {@code client_secret_basic} or
 * {@code client_secret_post}
 * @param issuer the issuer of the authorization server the client belongs to
 * @param source where the identity came from
 * @param clientSecretExpiresAt when the client secret expires ({@code client_secret_expires_at} of RFC 7591), or
 * {@code null} if it does not (or there is none)
 */
public record McpClient(String clientId, @Nullable String clientSecret, ClientAuthenticationMethod method, URI issuer,
		Source source, @Nullable Instant clientSecretExpiresAt) {

	public McpClient {
		Objects.requireNonNull(clientId, "clientId");
		Objects.requireNonNull(method, "method");
		Objects.requireNonNull(issuer, "issuer");
		Objects.requireNonNull(source, "source");
		if (clientId.isBlank()) {
			throw new IllegalArgumentException("clientId must not be blank");
		}
	}

	/**
	 * @param now the current time
	 * @return whether the client secret has expired, so the client can no longer authenticate
	 */
	public boolean secretExpired(Instant now) {
		return this.clientSecret != null && this.clientSecretExpiresAt != null
				&& !now.isBefore(this.clientSecretExpiresAt);
	}

	@Override
	public String toString() {
		return "McpClient[clientId=" + this.clientId + ", clientSecret=" + ((this.clientSecret != null) ? "[hidden]" : "none")
				+ ", method=" + this.method.getValue() + ", issuer=" + this.issuer + ", source=" + this.source
				+ ((this.clientSecretExpiresAt != null) ? ", clientSecretExpiresAt=" + this.clientSecretExpiresAt : "")
				+ "]";
	}

	/** Where a client identity came from. */
	public enum Source {

		/** A client registered in advance at the authorization server and configured by the user. */
		PRE_REGISTERED,

		/** A Client ID Metadata Document URL configured by the user, used as the client id. */
		CLIENT_ID_METADATA_DOCUMENT,

		/** A dynamic client registration (RFC 7591), made by this program and stored with the tokens. */
		DYNAMIC_REGISTRATION

	}

}
