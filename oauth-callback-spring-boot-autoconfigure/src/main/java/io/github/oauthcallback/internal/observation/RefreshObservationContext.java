package io.github.oauthcallback.internal.observation;

/**
 * One refresh of a stored login with its refresh token ({@code oauth.callback.refresh}): one attempt; a retry of the
 * client manager is an observation of its own.
 */
public final class RefreshObservationContext extends OAuthCallbackObservationContext {

	/**
	 * @param registrationId the registration id
	 */
	public RefreshObservationContext(String registrationId) {
		super(registrationId);
	}

}
