package io.github.oauthcallback.internal.observation;

/**
 * One token-endpoint request ({@code oauth.callback.token.request}): a code exchange, refresh, client-credentials or
 * device-code request. Boot's HTTP client observation ({@code http.client.requests}) of the same call is separate.
 */
public final class TokenRequestObservationContext extends OAuthCallbackObservationContext {

	private final String grant;

	/**
	 * @param registrationId the registration id
	 * @param grant the grant tag value (see {@link #grant(org.springframework.security.oauth2.core.AuthorizationGrantType)})
	 */
	public TokenRequestObservationContext(String registrationId, String grant) {
		super(registrationId);
		this.grant = grant;
	}

	/**
	 * @return the grant tag value
	 */
	public String grant() {
		return this.grant;
	}

}
