package io.github.oauthcallback.internal.authorize;

import io.github.oauthcallback.InvalidRegistrationException;

/**
 * {@code oauth-callback.login.mode=device} asked for the device authorization grant for a registration it is not
 * available for. Nothing was started.
 */
public class DeviceGrantUnavailableException extends InvalidRegistrationException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param registrationId the registration
	 * @param why why the grant is not available
	 */
	public DeviceGrantUnavailableException(String registrationId, String why) {
		super(registrationId, "authorization-grant-type", "The device authorization grant is not available for "
				+ "registration '" + registrationId + "': " + why + ". Set oauth-callback.login.mode to auto, browser "
				+ "or paste to log in through the browser (paste works where the browser cannot reach this machine).");
	}

}
