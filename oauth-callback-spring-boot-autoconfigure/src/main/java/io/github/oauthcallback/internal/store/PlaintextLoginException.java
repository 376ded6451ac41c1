package io.github.oauthcallback.internal.store;

import io.github.oauthcallback.TokenStoreException;

/**
 * A stored login is not sealed although an encryption key is configured: it is plaintext, or was encrypted by an
 * earlier version ({@code enc:v1}, whose expiry, scopes, issuer and client id are not protected). It is not used:
 * whoever can write the store could have put it there, or put back an old copy with edited fields. Such logins are
 * sealed by the stores' one-time {@code encrypt-plaintext} migration.
 */
public class PlaintextLoginException extends TokenStoreException {

	private static final long serialVersionUID = 1L;

	private final String registrationId;

	/**
	 * @param location the store
	 * @param message what is wrong and the ways out
	 * @param registrationId the registration of the login
	 */
	public PlaintextLoginException(String location, String message, String registrationId) {
		super(location, message);
		this.registrationId = registrationId;
	}

	/**
	 * @return the registration of the plaintext login
	 */
	public String getRegistrationId() {
		return this.registrationId;
	}

}
