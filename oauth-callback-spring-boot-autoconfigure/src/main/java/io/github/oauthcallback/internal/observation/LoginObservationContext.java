package io.github.oauthcallback.internal.observation;

/**
 * An interactive login ({@code oauth.callback.login}): from its start until the tokens are saved, or it failed, timed
 * out or was cancelled.
 */
public final class LoginObservationContext extends OAuthCallbackObservationContext {

	/** The login way of a browser login. */
	public static final String BROWSER = "browser";

	/** The login way of a login whose URL is only printed (no browser launched; pasting back may be offered). */
	public static final String PRINT = "print";

	/** The login way of a device login (RFC 8628). */
	public static final String DEVICE = "device";

	private final String grant;

	private final String way;

	/**
	 * @param registrationId the registration id
	 * @param grant the grant tag value (see {@link #grant(org.springframework.security.oauth2.core.AuthorizationGrantType)})
	 * @param way {@link #BROWSER}, {@link #PRINT} or {@link #DEVICE}
	 */
	public LoginObservationContext(String registrationId, String grant, String way) {
		super(registrationId);
		this.grant = grant;
		this.way = way;
	}

	/**
	 * @return the grant tag value
	 */
	public String grant() {
		return this.grant;
	}

	/**
	 * @return the login way
	 */
	public String way() {
		return this.way;
	}

}
