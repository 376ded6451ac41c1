package io.github.oauthcallback;

/**
 * The authorization server redirected back with an {@code error} (RFC 6749 section 4.1.2.1), for example
 * {@code access_denied} when the user refused consent.
 */
public class AuthorizationErrorException extends OAuthCallbackException {

	private static final long serialVersionUID = 1L;

	private final String error;

	private final String errorDescription;

	private final String errorUri;

	public AuthorizationErrorException(String registrationId, String error, String errorDescription, String errorUri) {
		super(message(registrationId, error, errorDescription, errorUri));
		this.error = error;
		this.errorDescription = errorDescription;
		this.errorUri = errorUri;
	}

	private static String message(String registrationId, String error, String description, String uri) {
		StringBuilder message = new StringBuilder("The authorization server refused the login for registration '")
			.append(registrationId)
			.append("' with error '")
			.append(error)
			.append("'");
		if (description != null) {
			message.append(": ").append(description);
		}
		if (uri != null) {
			message.append(" (see ").append(uri).append(")");
		}
		if ("access_denied".equals(error)) {
			message.append(". The user declined; run the login again and approve the request.");
		}
		else {
			message.append(". Check the registration's client-id, scopes and redirect-uri against the provider's settings.");
		}
		return message.toString();
	}

	/**
	 * @return the {@code error} code sent by the authorization server
	 */
	public String getError() {
		return this.error;
	}

	/**
	 * @return the {@code error_description}, or {@code null}
	 */
	public String getErrorDescription() {
		return this.errorDescription;
	}

	/**
	 * @return the {@code error_uri}, or {@code null}
	 */
	public String getErrorUri() {
		return this.errorUri;
	}

}
