package io.github.oauthcallback;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;

/**
 * An {@link OAuth2AuthorizedClient} from an OpenID Connect login, which also carries the validated ID token (who
 * logged in: {@code getIdToken().getSubject()}, {@code getEmail()}, ...). Logins whose scopes include {@code openid}
 * return this type.
 */
public class OidcAuthorizedClient extends OAuth2AuthorizedClient {

	private static final long serialVersionUID = 1L;

	private final OidcIdToken idToken;

	/**
	 * @param clientRegistration the registration
	 * @param principalName the account the client is stored under
	 * @param accessToken the access token
	 * @param refreshToken the refresh token, or {@code null}
	 * @param idToken the validated ID token
	 */
	public OidcAuthorizedClient(ClientRegistration clientRegistration, String principalName,
			OAuth2AccessToken accessToken, OAuth2RefreshToken refreshToken, OidcIdToken idToken) {
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
