package io.github.oauthcallback;

/**
 * A client registration cannot be used for what was asked of it: a loopback login with a redirect URI that is not a
 * loopback one, a client without a secret whose authentication method needs one, a browser login for a grant other
 * than {@code authorization_code}, or a token for a grant no provider can run. The message names the registration,
 * the attribute to fix ({@link #getAttribute()}) and the values that work.
 */
public class InvalidRegistrationException extends OAuthCallbackException {

	private static final long serialVersionUID = 1L;

	private final String registrationId;

	private final String attribute;

	/**
	 * @param registrationId the registration
	 * @param attribute the registration's attribute to fix, as Spring Boot names its property (for example
	 * {@code redirect-uri} or {@code client-authentication-method})
	 * @param message what is wrong and what to do
	 */
	public InvalidRegistrationException(String registrationId, String attribute, String message) {
		super(message);
		this.registrationId = registrationId;
		this.attribute = attribute;
	}

	/**
	 * @return the id of the registration
	 */
	public String getRegistrationId() {
		return this.registrationId;
	}

	/**
	 * @return the registration's attribute to fix, as Spring Boot names its property under
	 * {@code spring.security.oauth2.client.registration.<id>}
	 */
	public String getAttribute() {
		return this.attribute;
	}

}
