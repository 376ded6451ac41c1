package io.github.oauthcallback.internal.observation;

/**
 * The revocation of one token at the provider (RFC 7009, {@code oauth.callback.revocation}).
 */
public final class RevocationObservationContext extends OAuthCallbackObservationContext {

	private final String tokenType;

	/**
	 * @param registrationId the registration id
	 * @param tokenType {@code refresh_token} or {@code access_token} (the RFC 7009 hint sent)
	 */
	public RevocationObservationContext(String registrationId, String tokenType) {
		super(registrationId);
		this.tokenType = tokenType;
	}

	/**
	 * @return the token type
	 */
	public String tokenType() {
		return this.tokenType;
	}

}
