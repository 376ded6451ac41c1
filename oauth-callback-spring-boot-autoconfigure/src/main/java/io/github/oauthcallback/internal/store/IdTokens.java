package io.github.oauthcallback.internal.store;

import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.security.oauth2.core.oidc.OidcIdToken;

/**
 * Rebuilds a stored ID token from its compact JWT form. The token was validated when the login happened; here only
 * its claims are read back, so no key material is needed.
 */
public final class IdTokens {

	private static final JsonMapper json = JsonMapper.builder().build();

	private IdTokens() {
	}

	static OidcIdToken parse(String value) {
		String[] parts = value.split("\\.");
		if (parts.length < 2) {
			throw new IllegalArgumentException("not a compact JWT");
		}
		Map<String, Object> claims = json.readValue(Base64.getUrlDecoder().decode(parts[1]),
				new TypeReference<Map<String, Object>>() {
				});
		return new OidcIdToken(value, instant(claims.get("iat")), instant(claims.get("exp")), claims);
	}

	private static @Nullable Instant instant(@Nullable Object claim) {
		return (claim instanceof Number number) ? Instant.ofEpochSecond(number.longValue()) : null;
	}

}
