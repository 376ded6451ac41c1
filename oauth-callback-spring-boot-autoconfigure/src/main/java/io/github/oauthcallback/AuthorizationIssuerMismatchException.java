package io.github.oauthcallback;

import io.github.oauthcallback.internal.SafeText;
import org.jspecify.annotations.Nullable;

/**
 * An authorization response carried the login's {@code state} but did not come from the expected authorization
 * server (RFC 9207, the mix-up defence of RFC 9700 section 4.4): its {@code iss} differs from the registration's
 * issuer, or it has no {@code iss} although the provider advertises
 * {@code authorization_response_iss_parameter_supported}. The code it carried was not sent anywhere.
 */
public class AuthorizationIssuerMismatchException extends OAuthCallbackException {

	private static final long serialVersionUID = 1L;

	private final String expectedIssuer;

	private final @Nullable String receivedIssuer;

	/**
	 * @param registrationId the registration of the login
	 * @param expectedIssuer the registration's issuer ({@code issuer-uri})
	 * @param receivedIssuer the {@code iss} the response carried, or {@code null} if it had none; it is cleaned with
	 * {@link SafeText#providerText(String)} before it is kept or shown
	 */
	public AuthorizationIssuerMismatchException(String registrationId, String expectedIssuer,
			@Nullable String receivedIssuer) {
		this(registrationId, expectedIssuer, new Received(SafeText.providerText(receivedIssuer)));
	}

	private AuthorizationIssuerMismatchException(String registrationId, String expectedIssuer, Received received) {
		super(message(registrationId, expectedIssuer, received.issuer()));
		this.expectedIssuer = expectedIssuer;
		this.receivedIssuer = received.issuer();
	}

	/** The received {@code iss}, cleaned once for both the message and the getter. */
	private record Received(@Nullable String issuer) {
	}

	private static String message(String registrationId, String expected, @Nullable String received) {
		String what = (received != null) ? "came from issuer '" + received + "'"
				: "carried no issuer (iss: none), although the provider advertises "
						+ "authorization_response_iss_parameter_supported";
		return "The authorization response for registration '" + registrationId + "' " + what + ", but the login "
				+ "was sent to issuer '" + expected + "'. Its code was not used (RFC 9207 mix-up defence). Run the "
				+ "login again and sign in at " + expected + " only; if another login is running at the same time "
				+ "in this browser, finish or close it first. If the provider's issuer really changed, correct the "
				+ "issuer-uri of the provider of registration '" + registrationId + "' "
				+ "(spring.security.oauth2.client.provider.<id>.issuer-uri).";
	}

	/**
	 * @return the issuer the login was sent to
	 */
	public String getExpectedIssuer() {
		return this.expectedIssuer;
	}

	/**
	 * @return the {@code iss} the response carried, cleaned with {@link SafeText#providerText(String)}, or
	 * {@code null} if it carried none
	 */
	public @Nullable String getReceivedIssuer() {
		return this.receivedIssuer;
	}

}
