package io.github.oauthcallback.store;

import java.time.Instant;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * What a store says about one login, never a token value.
 *
 * @param registrationId the client registration id
 * @param account the account (principal name)
 * @param scopes the access token's scopes
 * @param expiresAt when the access token expires, or {@code null} if unknown
 * @param refreshable whether a refresh token is stored
 */
public record StoredLogin(String registrationId, String account, Set<String> scopes, @Nullable Instant expiresAt,
		boolean refreshable) {

	public StoredLogin {
		scopes = (scopes != null) ? Set.copyOf(scopes) : Set.of();
	}

}
