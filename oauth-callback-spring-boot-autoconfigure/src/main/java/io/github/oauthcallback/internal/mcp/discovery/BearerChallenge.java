package io.github.oauthcallback.internal.mcp.discovery;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.github.oauthcallback.internal.mcp.discovery.AuthenticateChallenges.Challenge;
import org.jspecify.annotations.Nullable;

/**
 * The {@code Bearer} challenge of an MCP server's 401 or 403 answer (RFC 6750 section 3, RFC 9728 section 5.1): where
 * its protected resource metadata is, the scopes it asks for, and the error. Only well-formed values are kept: a
 * {@code resource_metadata} that is not an absolute {@code http}/{@code https} URL with a host (no user info, no
 * fragment) is absent; a {@code scope} with a character RFC 6749 does not allow in a scope token is ignored as a
 * whole (the metadata's {@code scopes_supported} then apply); an {@code error} that is not an RFC 6750 error code is
 * absent. A parameter given twice is ambiguous and ignored.
 *
 * @param resourceMetadata the URL of the server's protected resource metadata, if the challenge gave a usable one
 * @param scope the scopes the challenge asks for, in order, without repeats; empty if it gave none
 * @param error the error code, such as {@code invalid_token} or {@code insufficient_scope}, if any
 */
public record BearerChallenge(@Nullable URI resourceMetadata, List<String> scope, @Nullable String error) {

	private static final String SCHEME = "bearer";

	/** Longest URL or error code kept. */
	private static final int MAX_VALUE_LENGTH = 2048;

	public BearerChallenge {
		scope = List.copyOf(scope);
	}

	/**
	 * Reads the first {@code Bearer} challenge (scheme compared without case) of a response's
	 * {@code WWW-Authenticate} headers: any number of header values, each with any number of challenges of any
	 * scheme, parameters as tokens or quoted strings with escapes.
	 * @param wwwAuthenticateHeaderValues every {@code WWW-Authenticate} value of the response, in order
	 * @return the first Bearer challenge, or empty if there is none that can be read
	 */
	public static Optional<BearerChallenge> parse(List<String> wwwAuthenticateHeaderValues) {
		for (Challenge challenge : AuthenticateChallenges.parse(wwwAuthenticateHeaderValues)) {
			if (SCHEME.equals(challenge.scheme())) {
				return Optional.of(of(challenge.parameters()));
			}
		}
		return Optional.empty();
	}

	private static BearerChallenge of(Map<String, String> parameters) {
		return new BearerChallenge(resourceMetadata(parameters.get("resource_metadata")), scope(parameters.get("scope")),
				error(parameters.get("error")));
	}

	private static @Nullable URI resourceMetadata(@Nullable String value) {
		if (value == null || value.length() > MAX_VALUE_LENGTH) {
			return null;
		}
		return ResourceUris.httpUrl(value.strip());
	}

	/** RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by spaces. */
	private static List<String> scope(@Nullable String value) {
		if (value == null) {
			return List.of();
		}
		Set<String> scopes = new LinkedHashSet<>();
		for (String token : value.split(" ", -1)) {
			if (token.isEmpty()) {
				continue;
			}
			if (!isScopeToken(token)) {
				return List.of();
			}
			scopes.add(token);
		}
		return new ArrayList<>(scopes);
	}

	private static boolean isScopeToken(String token) {
		for (int i = 0; i < token.length(); i++) {
			char c = token.charAt(i);
			if (c < 0x21 || c == 0x22 || c == 0x5C || c > 0x7E) {
				return false;
			}
		}
		return true;
	}

	/** RFC 6750 section 3: error = 1*( %x20-21 / %x23-5B / %x5D-7E ). */
	private static @Nullable String error(@Nullable String value) {
		if (value == null || value.isEmpty() || value.length() > MAX_VALUE_LENGTH) {
			return null;
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c < 0x20 || c == 0x22 || c == 0x5C || c > 0x7E) {
				return null;
			}
		}
		return value;
	}

}
