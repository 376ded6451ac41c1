package io.github.oauthcallback.store;

import io.github.oauthcallback.internal.store.StoreLockedLogin;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

/**
 * One login as seen by the action that holds its lock ({@link TokenStore#exclusively}): the lock is passed to the
 * action as this handle, so nothing about it is kept per thread. Reads through it always see what the store holds now
 * (never a cached copy), so a decision taken under the lock, such as sending the stored refresh token, rests on the
 * latest login; saves and removals through it happen under the same lock.
 */
public interface LockedLogin {

	/**
	 * @return the registration id of the locked login
	 */
	String registrationId();

	/**
	 * @return the account of the locked login
	 */
	String account();

	/**
	 * Reads the stored login from the store itself, bypassing any cache.
	 * @param <T> the client type
	 * @return the stored login, or {@code null} if none is stored (or it cannot be used, as the store's
	 * {@code loadAuthorizedClient} says)
	 */
	<T extends OAuth2AuthorizedClient> T load();

	/**
	 * Stores the login under the lock.
	 * @param client a login of this registration and account
	 */
	void save(OAuth2AuthorizedClient client);

	/**
	 * Removes the stored login under the lock.
	 */
	void remove();

	/**
	 * The handle of a store that keeps no cache: every call goes to the store's own methods. For stores whose
	 * {@code loadAuthorizedClient} always reads what is stored.
	 * @param store the store
	 * @param registrationId the registration id
	 * @param account the account
	 * @return the handle
	 */
	static LockedLogin of(TokenStore store, String registrationId, String account) {
		return new StoreLockedLogin(store, registrationId, account);
	}

}
