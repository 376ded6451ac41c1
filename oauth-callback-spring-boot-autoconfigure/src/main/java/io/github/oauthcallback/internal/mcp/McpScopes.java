package io.github.oauthcallback.internal.mcp;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The scopes an MCP login asks for (MCP authorization 2025-11-25, "Scope Selection Strategy"): those of the server's
 * {@code WWW-Authenticate} challenge, else every scope its protected resource metadata lists in
 * {@code scopes_supported}, else none (no {@code scope} parameter); {@code offline_access} is added when the
 * authorization server lists it, so a refresh token can be had (only next to other scopes: alone it would narrow what the token is for). A step-up asks for the scopes held and those the
 * server demands.
 */
public final class McpScopes {

	/** The scope asking for a refresh token (OpenID Connect, also used by OAuth servers). */
	public static final String OFFLINE_ACCESS = "offline_access";

	private McpScopes() {
	}

	/**
	 * @param challenged the scopes of the server's challenge, possibly none
	 * @param metadata what discovery found
	 * @return the scopes of the first login, possibly none
	 */
	public static Set<String> first(List<String> challenged, McpServerMetadata metadata) {
		Set<String> scopes = new LinkedHashSet<>(
				challenged.isEmpty() ? metadata.resource().scopesSupported() : challenged);
		if (!scopes.isEmpty() && metadata.authorizationServer().scopesSupported().contains(OFFLINE_ACCESS)) {
			scopes.add(OFFLINE_ACCESS);
		}
		return Collections.unmodifiableSet(scopes);
	}

	/**
	 * @param first the scopes of the first login
	 * @param metadata what discovery found
	 * @return the scopes a dynamic registration asks for: those and every scope the server lists, so that a later
	 * step-up to one of them is allowed for the client
	 */
	public static Set<String> registration(Set<String> first, McpServerMetadata metadata) {
		Set<String> scopes = new LinkedHashSet<>(first);
		scopes.addAll(metadata.resource().scopesSupported());
		return Collections.unmodifiableSet(scopes);
	}

	/**
	 * @param held the scopes held (granted, or asked for when the token response named none)
	 * @param demanded the scopes of the server's {@code insufficient_scope} challenge
	 * @return the scopes of the step-up login: both
	 */
	public static Set<String> stepUp(Collection<String> held, Collection<String> demanded) {
		Set<String> scopes = new LinkedHashSet<>(held);
		scopes.addAll(demanded);
		return Collections.unmodifiableSet(scopes);
	}

}
