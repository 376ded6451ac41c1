package io.github.oauthcallback;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;

/**
 * An {@link OAuth2AuthorizedClient} from an OpenID Connect login, which also carries the ID token validated at login
 * (who logged in: {@code getIdToken().getSubject()}, {@code getEmail()}, ...). Logins whose scopes include
 * {@code openid} return this type right after the login, and when read back from a store that can show the ID token
 * is the one validated then: the memory store, and the file and JDBC stores with an encryption key (the login is
 * sealed). The file and JDBC stores without a key return a plain {@link OAuth2AuthorizedClient} instead: whoever can
 * write the file or table could have replaced the ID token, so its claims are not presented as validated.
 */
public class OidcAuthorizedClient extends OAuth2AuthorizedClient {

	private static final long serialVersionUID = 1L;

	private final OidcIdToken idToken;

	/**
	 * @param clientRegistration the registration
	 * @param principalName the account the client is stored under
	 * @param accessToken the access token
	 * @param refreshToken the refresh token, or {@code null}
	 * @param idToken the ID token, validated at login (or read back from a sealed login)
	 */
	public OidcAuthorizedClient(ClientRegistration clientRegistration, String principalName,
			OAuth2AccessToken accessToken, @Nullable OAuth2RefreshToken refreshToken, OidcIdToken idToken) {
		super(clientRegistration, principalName, accessToken, refreshToken);
		this.idToken = idToken;
	}

	/**
	 * @return the ID token; never log its value
	 */
	public OidcIdToken getIdToken() {
		return this.idToken;
	}

}
