package io.github.oauthcallback.internal.loopback;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.github.oauthcallback.AuthorizationErrorException;
import io.github.oauthcallback.AuthorizationIssuerMismatchException;
import io.github.oauthcallback.OAuthCallbackException;
import io.github.oauthcallback.internal.SafeText;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.registration.ClientRegistration;

/**
 * Judges an authorization response (RFC 6749 section 4.1.2) for one login. The loopback listener's callback and the
 * address a user pastes ({@link LoopbackListener#submit}) both go through it, so the checks are the same. In this
 * order:
 * <ol>
 * <li>the query must be well formed, {@code state} must occur once and equal the login's state (compared in constant
 * time), and neither {@code code} nor {@code error} may be repeated: otherwise the response is {@link NotThisLogin}
 * and the login keeps waiting;</li>
 * <li>{@code iss} (RFC 9207, the mix-up defence of RFC 9700 section 4.4): when the registration has an issuer, an
 * {@code iss} must equal it exactly (after form-decoding), and a missing {@code iss} is refused when the provider's
 * metadata advertises {@code authorization_response_iss_parameter_supported}. This comes before the {@code error}, so
 * an error response from another issuer is reported as a mix-up, without the text that issuer sent. A registration
 * without an issuer cannot check an {@code iss}: it is accepted with a warning;</li>
 * <li>{@code error}: the provider refused the login ({@link AuthorizationErrorException});</li>
 * <li>{@code code}: the response may be exchanged ({@link Code}); neither {@code code} nor {@code error} is refused
 * as {@code invalid_request}.</li>
 * </ol>
 * A refused response ({@link Refused}) ends the login; its code must never reach the token endpoint.
 */
public final class AuthorizationResponseCheck {

	/** The metadata key of RFC 9207 by which a provider promises to send {@code iss} in every response. */
	public static final String ISS_PARAMETER_SUPPORTED = "authorization_response_iss_parameter_supported";

	private static final Log logger = LogFactory.getLog(AuthorizationResponseCheck.class);

	private final String registrationId;

	/** {@code null} until a deferred check is told its state: then every response is {@link NotThisLogin}. */
	private volatile byte @Nullable [] expectedState;

	private final @Nullable String expectedIssuer;

	private final boolean issuerRequired;

	/**
	 * @param registrationId the registration of the login, for messages
	 * @param expectedState the {@code state} sent in the authorization request
	 * @param expectedIssuer the issuer the authorization request was sent to, or {@code null} if the registration
	 * has none (then {@code iss} cannot be checked)
	 * @param issuerRequired whether the provider advertises that it always sends {@code iss}; only used with an
	 * expected issuer
	 */
	public AuthorizationResponseCheck(String registrationId, String expectedState, @Nullable String expectedIssuer,
			boolean issuerRequired) {
		this.registrationId = registrationId;
		this.expectedState = Objects.requireNonNull(expectedState, "expectedState must not be null")
			.getBytes(StandardCharsets.UTF_8);
		this.expectedIssuer = (expectedIssuer != null && !expectedIssuer.isEmpty()) ? expectedIssuer : null;
		this.issuerRequired = this.expectedIssuer != null && issuerRequired;
	}

	private AuthorizationResponseCheck(String registrationId, @Nullable String expectedIssuer, boolean issuerRequired) {
		this.registrationId = registrationId;
		this.expectedState = null;
		this.expectedIssuer = (expectedIssuer != null && !expectedIssuer.isEmpty()) ? expectedIssuer : null;
		this.issuerRequired = this.expectedIssuer != null && issuerRequired;
	}

	/**
	 * Checks whose {@code state} is known only once the listener is bound (the authorization URL, which holds it, is
	 * built from the listener's redirect URI): until {@link #expectState} is called, every response is
	 * {@link NotThisLogin}.
	 * @param name the login's name, for messages
	 * @param expectedIssuer the issuer, or {@code null} to check no {@code iss}
	 * @param issuerRequired whether a response without {@code iss} is refused; only used with an expected issuer
	 * @return the checks, waiting for their state
	 */
	public static AuthorizationResponseCheck deferred(String name, @Nullable String expectedIssuer,
			boolean issuerRequired) {
		return new AuthorizationResponseCheck(name, expectedIssuer, issuerRequired);
	}

	/**
	 * Sets the state of a {@link #deferred} check.
	 * @param state the {@code state} of the authorization request
	 * @throws IllegalStateException if the check already has a state
	 */
	public synchronized void expectState(String state) {
		if (this.expectedState != null) {
			throw new IllegalStateException("The state of this login is already set");
		}
		this.expectedState = Objects.requireNonNull(state, "state must not be null").getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * The checks for a login of a registration: its issuer is {@code getProviderDetails().getIssuerUri()}, and an
	 * {@code iss} is required when its provider metadata holds {@value #ISS_PARAMETER_SUPPORTED} {@code true}
	 * (a boolean or the text {@code "true"}).
	 * @param registration the registration
	 * @param expectedState the {@code state} sent in the authorization request
	 * @return the checks
	 */
	public static AuthorizationResponseCheck forRegistration(ClientRegistration registration, String expectedState) {
		ClientRegistration.ProviderDetails provider = registration.getProviderDetails();
		Map<String, Object> metadata = provider.getConfigurationMetadata();
		Object supported = (metadata != null) ? metadata.get(ISS_PARAMETER_SUPPORTED) : null;
		return new AuthorizationResponseCheck(registration.getRegistrationId(), expectedState,
				provider.getIssuerUri(), Boolean.TRUE.equals(supported) || "true".equals(supported));
	}

	/**
	 * @return the registration of the login
	 */
	public String registrationId() {
		return this.registrationId;
	}

	/**
	 * Judges a response.
	 * @param rawQuery the raw (still percent-encoded) query of the redirect, or {@code null}
	 * @return what to do with it
	 */
	public Verdict check(@Nullable String rawQuery) {
		QueryParameters parameters = QueryParameters.parse(rawQuery);
		if (parameters == null) {
			return new NotThisLogin("its query is malformed or has too many parameters");
		}
		if (!stateMatches(parameters.single("state"))) {
			return new NotThisLogin("it does not carry the expected state");
		}
		if (parameters.repeated("code") || parameters.repeated("error")) {
			return new NotThisLogin("it repeats code or error");
		}
		OAuthCallbackException wrongIssuer = checkIssuer(parameters.values("iss"));
		if (wrongIssuer != null) {
			return new Refused(wrongIssuer);
		}
		String error = parameters.single("error");
		if (error != null) {
			return new Refused(new AuthorizationErrorException(this.registrationId, error,
					parameters.single("error_description"), parameters.single("error_uri")));
		}
		String code = parameters.single("code");
		if (code == null) {
			return new Refused(new AuthorizationErrorException(this.registrationId, "invalid_request",
					"the callback carried neither a code nor an error", null));
		}
		return new Code(code, parameters.asMap());
	}

	private boolean stateMatches(@Nullable String state) {
		byte[] expected = this.expectedState;
		return expected != null && state != null
				&& MessageDigest.isEqual(expected, state.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * @return the failure of a response from another issuer, or {@code null} if the response may be used
	 */
	private @Nullable OAuthCallbackException checkIssuer(List<String> iss) {
		if (this.expectedIssuer == null) {
			if (!iss.isEmpty()) {
				logger.warn("The authorization response for registration '" + this.registrationId + "' carries an "
						+ "iss, which cannot be checked because the registration has no issuer: set the issuer-uri of "
						+ "its provider (spring.security.oauth2.client.provider.<id>.issuer-uri) to enable the "
						+ "RFC 9207 mix-up defence.");
			}
			return null;
		}
		if (iss.isEmpty()) {
			return this.issuerRequired
					? new AuthorizationIssuerMismatchException(this.registrationId, this.expectedIssuer, null) : null;
		}
		if (iss.size() > 1) {
			return new AuthorizationIssuerMismatchException(this.registrationId, this.expectedIssuer,
					String.join(", ", iss) + " (" + iss.size() + " iss values)");
		}
		return this.expectedIssuer.equals(iss.get(0)) ? null
				: new AuthorizationIssuerMismatchException(this.registrationId, this.expectedIssuer, iss.get(0));
	}

	/**
	 * What to do with an authorization response: {@link NotThisLogin}, {@link Refused} or {@link Code}.
	 */
	public sealed interface Verdict permits NotThisLogin, Refused, Code {

	}

	/**
	 * The response does not belong to this login (or is malformed): answer that it was unexpected and keep waiting.
	 *
	 * @param reason why, for a debug log line; never quotes the response
	 */
	public record NotThisLogin(String reason) implements Verdict {

	}

	/**
	 * The response belongs to this login and ends it with a failure; whatever code it carried is not used.
	 *
	 * @param failure what the login ends with
	 */
	public record Refused(OAuthCallbackException failure) implements Verdict {

	}

	/**
	 * The response belongs to this login and passed every check: its code may be exchanged.
	 */
	public static final class Code implements Verdict {

		private final String value;

		private final Map<String, List<String>> parameters;

		Code(String value, Map<String, List<String>> parameters) {
			this.value = value;
			this.parameters = parameters;
		}

		/**
		 * @return every parameter of the response (code, state, iss and any other), in the order of the query;
		 * never log them
		 */
		public Map<String, List<String>> parameters() {
			return this.parameters;
		}

		/**
		 * @return the authorization code; never log it
		 */
		public String value() {
			return this.value;
		}

		@Override
		public String toString() {
			return "Code[value=<hidden>, parameters=" + SafeText.names(this.parameters.keySet()) + "]";
		}

	}

}
