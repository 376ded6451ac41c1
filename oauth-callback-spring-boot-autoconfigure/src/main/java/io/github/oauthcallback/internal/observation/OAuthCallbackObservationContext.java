package io.github.oauthcallback.internal.observation;

import java.util.Objects;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.AuthorizationGrantType;

/**
 * What every observation of the starter knows: the registration it is about and how it ended. Holds no token, code,
 * secret or account, so nothing a convention or handler reads from it can leak one.
 */
public abstract class OAuthCallbackObservationContext extends Observation.Context {

	/** The value of the registration tag when the work is about no single registration (listing a store). */
	public static final String NO_REGISTRATION = "none";

	private static final String GRANT_URN = "urn:ietf:params:oauth:grant-type:";

	private final String registrationId;

	private Outcome outcome = Outcome.FAILURE;

	private String errorCode = ErrorCodes.NONE;

	/**
	 * @param registrationId the registration id, or {@code null} if the work is about no single registration
	 */
	protected OAuthCallbackObservationContext(@Nullable String registrationId) {
		this.registrationId = (registrationId != null) ? registrationId : NO_REGISTRATION;
	}

	/**
	 * @return the registration id, or {@value #NO_REGISTRATION}
	 */
	public String registrationId() {
		return this.registrationId;
	}

	/**
	 * @return how the work ended ({@link Outcome#FAILURE} until it is known)
	 */
	public Outcome outcome() {
		return this.outcome;
	}

	/**
	 * @return the OAuth error code of a failure (one of the known ones, {@value ErrorCodes#OTHER} or
	 * {@value ErrorCodes#NONE})
	 */
	public String errorCode() {
		return this.errorCode;
	}

	/**
	 * Records that the work succeeded.
	 */
	public void succeeded() {
		this.outcome = Outcome.SUCCESS;
		this.errorCode = ErrorCodes.NONE;
	}

	/**
	 * Records that the work failed.
	 * @param failure what the failure means
	 */
	public void failed(Failure failure) {
		Objects.requireNonNull(failure, "failure must not be null");
		this.outcome = failure.outcome();
		this.errorCode = failure.errorCode();
	}

	/**
	 * The grant tag value: the grant type without the {@code urn:ietf:params:oauth:grant-type:} prefix
	 * ({@code authorization_code}, {@code refresh_token}, {@code client_credentials}, {@code device_code}, ...).
	 * @param grant the grant type
	 * @return the tag value
	 */
	public static String grant(AuthorizationGrantType grant) {
		String value = grant.getValue();
		return value.startsWith(GRANT_URN) ? value.substring(GRANT_URN.length()) : value;
	}

}
