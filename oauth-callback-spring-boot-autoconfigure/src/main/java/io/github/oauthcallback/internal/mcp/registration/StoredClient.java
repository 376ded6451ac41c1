package io.github.oauthcallback.internal.mcp.registration;

import java.net.URI;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.oauthcallback.internal.mcp.registration.McpClient.Source;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * A registered client as the file and the sealed documents hold it: plain strings, so the stored form does not
 * depend on Spring Security's classes. Its {@code toString()} never shows the client secret.
 *
 * @param clientId the client id
 * @param clientSecret the client secret, or {@code null}
 * @param method the token endpoint authentication method's value
 * @param issuer the issuer the client belongs to
 * @param source the {@link Source} name
 * @param clientSecretExpiresAt when the secret expires, in seconds since the epoch, or {@code null}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
record StoredClient(@Nullable String clientId, @Nullable String clientSecret, @Nullable String method,
		@Nullable String issuer, @Nullable String source, @Nullable Long clientSecretExpiresAt) {

	static StoredClient of(McpClient client) {
		return new StoredClient(client.clientId(), client.clientSecret(), client.method().getValue(),
				client.issuer().toString(), client.source().name(),
				(client.clientSecretExpiresAt() != null) ? client.clientSecretExpiresAt().getEpochSecond() : null);
	}

	/**
	 * @return the client, or {@code null} if a field is missing or cannot be read (never saying which value)
	 */
	@Nullable McpClient toClient() {
		if (this.clientId == null || this.clientId.isBlank() || this.method == null || this.issuer == null
				|| this.source == null) {
			return null;
		}
		ClientAuthenticationMethod authentication = ClientIdentityOptions.usable(this.method);
		if (authentication == null) {
			return null;
		}
		try {
			return new McpClient(this.clientId, this.clientSecret, authentication, new URI(this.issuer),
					Source.valueOf(this.source),
					(this.clientSecretExpiresAt != null) ? Instant.ofEpochSecond(this.clientSecretExpiresAt) : null);
		}
		catch (java.net.URISyntaxException | IllegalArgumentException | java.time.DateTimeException ex) {
			return null;
		}
	}

	@Override
	public String toString() {
		return "StoredClient[" + this.clientId + ", secret " + ((this.clientSecret != null) ? "[hidden]" : "none")
				+ "]";
	}

}
