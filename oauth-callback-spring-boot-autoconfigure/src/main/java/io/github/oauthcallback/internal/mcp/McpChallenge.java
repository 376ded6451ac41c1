package io.github.oauthcallback.internal.mcp;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the glue reads from an MCP server's {@code Bearer} challenge ({@code WWW-Authenticate}, RFC 6750): the scopes
 * it names and its error code.
 *
 * @param scope the scopes of its {@code scope} parameter, possibly none
 * @param error its {@code error} parameter, or {@code null}
 */
public record McpChallenge(List<String> scope, @Nullable String error) {

	/** No challenge, or one without scope and error. */
	public static final McpChallenge NONE = new McpChallenge(List.of(), null);

	/** The error of a token that lacks scopes the request needs (RFC 6750 section 3.1). */
	public static final String INSUFFICIENT_SCOPE = "insufficient_scope";

	public McpChallenge {
		scope = List.copyOf(scope);
	}

	/**
	 * @return whether the challenge says the token lacks scopes
	 */
	public boolean insufficientScope() {
		return INSUFFICIENT_SCOPE.equals(this.error);
	}

}
