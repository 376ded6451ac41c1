package io.github.oauthcallback.internal.mcp.registration;

import java.net.URI;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * A client registered in advance at an MCP server's authorization server, as the user configured it. Its
 * {@code toString()} never shows the client secret.
 * <p>
 * The authorization server is not configured but named by the MCP server (its protected resource metadata). A client
 * secret is therefore sent to whichever authorization server the MCP server names, unless {@code issuer} pins it: with
 * an issuer, a login whose discovered issuer is not exactly that one (RFC 8414 issuer comparison: the same string) is
 * refused before anything is sent. Configure the issuer for every client with a secret; without it a warning is logged
 * once per MCP server.
 *
 * @param clientId the client id
 * @param clientSecret the client secret, or {@code null} for a public client
 * @param method how it authenticates at the token endpoint, or {@code null} to choose: {@code none} without a secret,
 * else {@code client_secret_basic}, or {@code client_secret_post} when the authorization server lists only that one;
 * {@code client_secret_basic} and {@code client_secret_post} need a secret
 * @param scopes the scopes configured for it, possibly none (the caller decides which scopes a login asks for)
 * @param issuer the issuer of the authorization server the client is registered at, or {@code null} to accept the one
 * the MCP server names (not recommended with a secret)
 */
public record PreRegisteredClient(String clientId, @Nullable String clientSecret,
		@Nullable ClientAuthenticationMethod method, List<String> scopes, @Nullable URI issuer) {

	/**
	 * @throws IllegalArgumentException if the client id is blank, or a secret-based method has no secret
	 */
	public PreRegisteredClient {
		Objects.requireNonNull(clientId, "clientId");
		if (clientId.isBlank()) {
			throw new IllegalArgumentException("The client id of a pre-registered client must not be blank");
		}
		if (clientSecret != null && clientSecret.isEmpty()) {
			clientSecret = null;
		}
		if (clientSecret == null && (ClientAuthenticationMethod.CLIENT_SECRET_BASIC.equals(method)
				|| ClientAuthenticationMethod.CLIENT_SECRET_POST.equals(method))) {
			throw new IllegalArgumentException("The pre-registered client '" + clientId + "' authenticates with "
					+ method.getValue() + " but has no client secret. Configure the secret the authorization server "
					+ "issued for it, or set the authentication method to none for a public client.");
		}
		scopes = (scopes != null) ? List.copyOf(scopes) : List.of();
	}

	/**
	 * A client not tied to an issuer: it is used with whichever authorization server the MCP server names.
	 * @param clientId the client id
	 * @param clientSecret the client secret, or {@code null} for a public client
	 * @param method how it authenticates at the token endpoint, or {@code null} to choose
	 * @param scopes the scopes configured for it, possibly none
	 */
	public PreRegisteredClient(String clientId, @Nullable String clientSecret,
			@Nullable ClientAuthenticationMethod method, List<String> scopes) {
		this(clientId, clientSecret, method, scopes, null);
	}

	@Override
	public String toString() {
		return "PreRegisteredClient[clientId=" + this.clientId + ", clientSecret="
				+ ((this.clientSecret != null) ? "[hidden]" : "none") + ", method="
				+ ((this.method != null) ? this.method.getValue() : "chosen") + ", scopes=" + this.scopes + ", issuer="
				+ ((this.issuer != null) ? this.issuer : "any") + "]";
	}

}
