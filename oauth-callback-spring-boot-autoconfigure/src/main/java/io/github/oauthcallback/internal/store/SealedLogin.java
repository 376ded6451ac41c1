package io.github.oauthcallback.internal.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.oauthcallback.OidcAuthorizedClient;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

/**
 * Everything that decides whether and how a stored login is used: the token values, the access token's type, times
 * and scopes, the refresh token's times, the ID token, and who issued them (issuer, token endpoint, client id). With an
 * encryption key both stores seal it as one AES-GCM document per login ({@link LoginProtection}), bound to its
 * registration id and account, so no part can be edited, swapped with another login's, or mixed with parts of another
 * save. It is also the in-memory form of a login stored field by field (without a key, or by older versions).
 *
 * @param issuer the issuer the tokens were issued by, or {@code null} if the registration has none
 * @param tokenUri the token endpoint they came from
 * @param clientId the client they were issued to
 * @param accessToken the access token value
 * @param tokenType the access token's type ({@code Bearer} or {@code DPoP})
 * @param issuedAt when the access token was issued
 * @param expiresAt when it expires
 * @param scopes its scopes
 * @param refreshToken the refresh token value, or {@code null}
 * @param refreshIssuedAt when the refresh token was issued, if known
 * @param refreshExpiresAt when it expires, if known
 * @param idToken the ID token's compact form, as validated at login, or {@code null}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SealedLogin(@Nullable String issuer, @Nullable String tokenUri, @Nullable String clientId,
		@Nullable String accessToken, String tokenType, @Nullable Instant issuedAt, @Nullable Instant expiresAt,
		Set<String> scopes, @Nullable String refreshToken, @Nullable Instant refreshIssuedAt,
		@Nullable Instant refreshExpiresAt, @Nullable String idToken) {

	public SealedLogin {
		scopes = (scopes != null) ? Set.copyOf(scopes) : Set.of();
	}

	/**
	 * @param client a login to store
	 * @return what decides its use, with the issuer, token endpoint and client id of its registration
	 */
	public static SealedLogin of(OAuth2AuthorizedClient client) {
		ClientRegistration registration = client.getClientRegistration();
		OAuth2AccessToken access = client.getAccessToken();
		OAuth2RefreshToken refresh = client.getRefreshToken();
		String idToken = (client instanceof OidcAuthorizedClient oidc && oidc.getIdToken() != null)
				? oidc.getIdToken().getTokenValue() : null;
		return new SealedLogin(registration.getProviderDetails().getIssuerUri(),
				registration.getProviderDetails().getTokenUri(), registration.getClientId(), access.getTokenValue(),
				access.getTokenType().getValue(), access.getIssuedAt(), access.getExpiresAt(), access.getScopes(),
				(refresh != null) ? refresh.getTokenValue() : null, (refresh != null) ? refresh.getIssuedAt() : null,
				(refresh != null) ? refresh.getExpiresAt() : null, idToken);
	}

	public IssuedBy issuedBy() {
		return new IssuedBy(this.issuer, this.tokenUri, this.clientId);
	}

	SealedLogin withValues(@Nullable String accessToken, @Nullable String refreshToken, @Nullable String idToken) {
		return new SealedLogin(this.issuer, this.tokenUri, this.clientId, accessToken, this.tokenType, this.issuedAt,
				this.expiresAt, this.scopes, refreshToken, this.refreshIssuedAt, this.refreshExpiresAt, idToken);
	}


	/**
	 * @param registration the registration the login is for
	 * @param account the account
	 * @param idTokenAuthentic whether the stored ID token is known to be the one validated at login (it was sealed);
	 * only then is an {@link OidcAuthorizedClient} returned
	 * @return the login
	 */
	public OAuth2AuthorizedClient toClient(ClientRegistration registration, String account, boolean idTokenAuthentic) {
		OAuth2AccessToken access = new OAuth2AccessToken(tokenType(this.tokenType), this.accessToken, this.issuedAt,
				this.expiresAt, this.scopes);
		OAuth2RefreshToken refresh = (this.refreshToken != null)
				? new OAuth2RefreshToken(this.refreshToken, this.refreshIssuedAt, this.refreshExpiresAt) : null;
		if (this.idToken != null && idTokenAuthentic) {
			return new OidcAuthorizedClient(registration, account, access, refresh, IdTokens.parse(this.idToken));
		}
		return new OAuth2AuthorizedClient(registration, account, access, refresh);
	}

	/**
	 * Compares what a store keeps in plain sight next to the sealed document (for listing, and Spring Security's
	 * columns) with the sealed document.
	 * @param plain the plain copy, without token values; {@code null} issuer, token endpoint or client id are not
	 * compared when {@code exact} is false (not recorded)
	 * @param exact whether times and identity are compared exactly (the file), or only what a database keeps
	 * unchanged whatever its time zone and precision (scopes, type, whether a refresh token exists)
	 * @return the name of the first field that differs, or {@code null}
	 */
	@Nullable String differenceFrom(SealedLogin plain, boolean exact) {
		if (!this.tokenType.equalsIgnoreCase(plain.tokenType)) {
			return "token type";
		}
		if (!plain.scopes.equals(this.scopes)) {
			return "scopes";
		}
		if ((plain.refreshToken == null) != (this.refreshToken == null)) {
			return "refresh token";
		}
		if (exact) {
			if (!Objects.equals(plain.issuedAt, this.issuedAt) || !Objects.equals(plain.refreshIssuedAt,
					this.refreshIssuedAt)) {
				return "issued-at";
			}
			if (!Objects.equals(plain.expiresAt, this.expiresAt)
					|| !Objects.equals(plain.refreshExpiresAt, this.refreshExpiresAt)) {
				return "expiry";
			}
		}
		return plain.issuedBy().differenceFrom(issuedBy(), exact);
	}

	static OAuth2AccessToken.TokenType tokenType(String stored) {
		return OAuth2AccessToken.TokenType.DPOP.getValue().equalsIgnoreCase(stored) ? OAuth2AccessToken.TokenType.DPOP
				: OAuth2AccessToken.TokenType.BEARER;
	}

	@Override
	public String toString() {
		return "SealedLogin[" + this.clientId + " at " + ((this.issuer != null) ? this.issuer : this.tokenUri) + ", "
				+ this.tokenType + ", expires " + this.expiresAt + ", scopes " + this.scopes + "]";
	}

}
