package io.github.oauthcallback;

import io.github.oauthcallback.internal.SafeText;
import org.jspecify.annotations.Nullable;

/**
 * The authorization server redirected back with an {@code error} (RFC 6749 section 4.1.2.1), for example
 * {@code access_denied} when the user refused consent. What the provider sent ({@code error},
 * {@code error_description}, {@code error_uri}) came through the browser and may have been written by anyone who
 * could send the user there: it is cleaned with {@link SafeText#providerText(String)} before it is kept, so the
 * message and the getters never hold control characters, escape sequences or invisible formatting characters, and
 * are of bounded length. The raw text is not kept.
 */
public class AuthorizationErrorException extends OAuthCallbackException {

	private static final long serialVersionUID = 1L;

	private final String error;

	private final @Nullable String errorDescription;

	private final @Nullable String errorUri;

	public AuthorizationErrorException(String registrationId, String error, @Nullable String errorDescription,
			@Nullable String errorUri) {
		this(registrationId, new Cleaned(SafeText.providerText(error), SafeText.providerText(errorDescription),
				SafeText.providerText(errorUri)));
	}

	private AuthorizationErrorException(String registrationId, Cleaned cleaned) {
		super(message(registrationId, cleaned.error(), cleaned.description(), cleaned.uri()));
		this.error = cleaned.error();
		this.errorDescription = cleaned.description();
		this.errorUri = cleaned.uri();
	}

	/** The provider's fields, cleaned once for both the message and the getters. */
	private record Cleaned(String error, @Nullable String description, @Nullable String uri) {
	}

	private static String message(String registrationId, String error, @Nullable String description,
			@Nullable String uri) {
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
	 * @return the {@code error} code sent by the authorization server, cleaned (a valid RFC 6749 error code is
	 * unchanged)
	 */
	public String getError() {
		return this.error;
	}

	/**
	 * @return the cleaned {@code error_description}, or {@code null}
	 */
	public @Nullable String getErrorDescription() {
		return this.errorDescription;
	}

	/**
	 * @return the cleaned {@code error_uri}, or {@code null}
	 */
	public @Nullable String getErrorUri() {
		return this.errorUri;
	}

}
