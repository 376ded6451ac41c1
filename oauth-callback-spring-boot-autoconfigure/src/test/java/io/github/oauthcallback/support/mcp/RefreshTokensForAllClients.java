package io.github.oauthcallback.support.mcp;

import java.time.Instant;
import java.util.Base64;

import org.jspecify.annotations.Nullable;

import org.springframework.security.crypto.keygen.Base64StringKeyGenerator;
import org.springframework.security.crypto.keygen.StringKeyGenerator;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.OAuth2RefreshTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * Refresh tokens for public clients too. Spring Authorization Server's {@link OAuth2RefreshTokenGenerator} returns
 * none for a public client's authorization code grant; the grant providers ask the generator only when the client is
 * registered with the {@code refresh_token} grant, so this one issues a token whenever asked, for public clients when
 * the option says so, and leaves confidential clients to Spring's generator.
 */
final class RefreshTokensForAllClients implements OAuth2TokenGenerator<OAuth2RefreshToken> {

	private final StringKeyGenerator keys = new Base64StringKeyGenerator(Base64.getUrlEncoder().withoutPadding(), 96);

	private final OAuth2RefreshTokenGenerator spring = new OAuth2RefreshTokenGenerator();

	private final boolean publicClients;

	RefreshTokensForAllClients(boolean publicClients) {
		this.publicClients = publicClients;
	}

	@Override
	public @Nullable OAuth2RefreshToken generate(OAuth2TokenContext context) {
		if (!OAuth2TokenType.REFRESH_TOKEN.equals(context.getTokenType())) {
			return null;
		}
		boolean publicClient = context.getRegisteredClient()
			.getClientAuthenticationMethods()
			.equals(java.util.Set.of(ClientAuthenticationMethod.NONE));
		if (!publicClient || !this.publicClients) {
			return this.spring.generate(context);
		}
		Instant issuedAt = Instant.now();
		return new OAuth2RefreshToken(this.keys.generateKey(), issuedAt,
				issuedAt.plus(context.getRegisteredClient().getTokenSettings().getRefreshTokenTimeToLive()));
	}

}
