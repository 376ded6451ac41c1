package io.github.oauthcallback.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

import io.github.oauthcallback.OidcAuthorizedClient;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;

/**
 * Registrations and clients for store tests.
 */
public final class StoreFixtures {

	private StoreFixtures() {
	}

	public static ClientRegistration registration(String id) {
		return registration(id, "cli-" + id, "https://idp.example");
	}

	public static ClientRegistration registration(String id, String clientId, String issuer) {
		return ClientRegistration.withRegistrationId(id)
			.clientId(clientId)
			.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("http://127.0.0.1/callback")
			.scope("openid", "read")
			.authorizationUri("https://idp.example/authorize")
			.tokenUri("https://idp.example/token")
			.issuerUri(issuer)
			.build();
	}

	public static InMemoryClientRegistrationRepository registrations(String... ids) {
		return new InMemoryClientRegistrationRepository(
				java.util.Arrays.stream(ids).map(StoreFixtures::registration).toList());
	}

	public static Authentication account(String name) {
		return UsernamePasswordAuthenticationToken.authenticated(name, null, AuthorityUtils.NO_AUTHORITIES);
	}

	public static OAuth2AuthorizedClient client(ClientRegistration registration, String account, String access,
			String refresh) {
		Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
		return new OAuth2AuthorizedClient(registration, account,
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, access, now, now.plusSeconds(3600),
						Set.of("read", "openid")),
				(refresh != null) ? new OAuth2RefreshToken(refresh, now) : null);
	}

	/**
	 * The first part of every ID token {@link #oidcClient} makes (base64url of {@code {"alg":"RS256"}}): what a test
	 * looks for to tell that an ID token was stored as plaintext. Not a short prefix such as {@code eyJ}, which random
	 * ciphertext holds now and then.
	 */
	public static final String ID_TOKEN_HEADER = Base64.getUrlEncoder()
		.withoutPadding()
		.encodeToString("{\"alg\":\"RS256\"}".getBytes());

	public static OidcAuthorizedClient oidcClient(ClientRegistration registration, String account, String access) {
		OAuth2AuthorizedClient plain = client(registration, account, access, "refresh-" + access);
		long iat = Instant.now().getEpochSecond();
		String payload = "{\"iss\":\"https://idp.example\",\"sub\":\"" + account + "\",\"aud\":\"cli\",\"iat\":" + iat
				+ ",\"exp\":" + (iat + 600) + ",\"email\":\"" + account + "@example.com\"}";
		Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
		String jwt = b64.encodeToString("{\"alg\":\"RS256\"}".getBytes()) + "." + b64.encodeToString(payload.getBytes())
				+ ".c2lnbmF0dXJl";
		OidcIdToken idToken = new OidcIdToken(jwt, Instant.ofEpochSecond(iat), Instant.ofEpochSecond(iat + 600),
				Map.of("sub", account));
		return new OidcAuthorizedClient(registration, account, plain.getAccessToken(), plain.getRefreshToken(),
				idToken);
	}

}
