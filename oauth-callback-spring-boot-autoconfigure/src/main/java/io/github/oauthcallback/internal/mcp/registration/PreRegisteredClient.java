package io.github.oauthcallback.internal.mcp.registration;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * A client registered in advance at an MCP server's authorization server, as the user configured it. Its
 * {@code toString()} never shows the client secret.
 *
 * @param clientId the client id
 * @param clientSecret the client secret, or {@code null} for a public client
 * @param method how it authenticates at the token endpoint, or {@code null} to choose: {@code none} without a secret,
 * else {@code client_secret_basic}, or {@code client_secret_post} when the authorization server lists only that one
 * @param scopes the scopes configured for it, possibly none (the caller decides which scopes a login asks for)
 */
public record PreRegisteredClient(String clientId, @Nullable String clientSecret,
		@Nullable ClientAuthenticationMethod method, List<String> scopes) {

	public PreRegisteredClient {
		Objects.requireNonNull(clientId, "clientId");
		if (clientId.isBlank()) {
			throw new IllegalArgumentException("The client id of a pre-registered client must not be blank");
		}
		if (clientSecret != null && clientSecret.isEmpty()) {
			clientSecret = null;
		}
		scopes = (scopes != null) ? List.copyOf(scopes) : List.of();
	}

	@Override
	public String toString() {
		return "PreRegisteredClient[clientId=" + this.clientId + ", clientSecret="
				+ ((this.clientSecret != null) ? "[hidden]" : "none") + ", method="
				+ ((this.method != null) ? this.method.getValue() : "chosen") + ", scopes=" + this.scopes + "]";
	}

}
