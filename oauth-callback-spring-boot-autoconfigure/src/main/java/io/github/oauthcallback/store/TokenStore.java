package io.github.oauthcallback.store;

import io.github.oauthcallback.internal.store.AdaptedTokenStore;
import io.github.oauthcallback.internal.store.StoreLockedLogin;
import org.jspecify.annotations.Nullable;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;

/**
 * An {@link OAuth2AuthorizedClientService} that can also list and remove what it holds, for {@code status} and
 * {@code logout} commands. Entries are keyed by registration id and account (principal name). No method returns a
 * token value except the {@code loadAuthorizedClient} inherited from Spring Security.
 */
public interface TokenStore extends OAuth2AuthorizedClientService {

	/**
	 * @return every stored login, without token values
	 */
	List<StoredLogin> logins();

	/**
	 * Removes one login.
	 * @param registrationId the registration id
	 * @param account the account
	 * @return what was removed, or empty if nothing was stored under that key
	 */
	Optional<StoredLogin> logout(String registrationId, String account);

	/**
	 * Removes every login this store holds for the application.
	 * @return what was removed
	 */
	List<StoredLogin> logoutAll();

	/**
	 * Runs an action while no other thread, and no other process sharing this store, runs one for the same key. The
	 * client manager refreshes under it after re-reading the stored login through the {@link LockedLogin} the action
	 * is given, so a rotating refresh token is never sent twice. The handle is how the action knows it holds the lock:
	 * its reads bypass any cache. Saves and removals may happen inside, through the handle or through this store's
	 * own methods, and must not wait for this lock again. A store without a cache can give
	 * {@link LockedLogin#of(TokenStore, String, String)}.
	 * @param <T> the result type
	 * @param registrationId the registration id
	 * @param account the account
	 * @param action the action, given the locked login
	 * @return the action's result
	 */
	<T extends @Nullable Object> T exclusively(String registrationId, String account,
			Function<? super LockedLogin, T> action);

	/**
	 * @return where the tokens live, for messages and {@code status} (a file path, "memory", a table and database)
	 */
	String location();

	/**
	 * The given service as a token store: itself if it is one, otherwise an adapter that cannot list its logins and
	 * whose {@link #exclusively} guards nothing beyond what its caller does (the client manager takes turns per login
	 * within the JVM).
	 * @param service an authorized client service
	 * @return a token store backed by it
	 */
	static TokenStore of(OAuth2AuthorizedClientService service) {
		return (service instanceof TokenStore store) ? store : new AdaptedTokenStore(service);
	}

	/**
	 * One login as seen by the action that holds its lock ({@link TokenStore#exclusively}): the lock is passed to the
	 * action as this handle, so nothing about it is kept per thread. Reads through it always see what the store holds now
	 * (never a cached copy), so a decision taken under the lock, such as sending the stored refresh token, rests on the
	 * latest login; saves and removals through it happen under the same lock.
	 */
	interface LockedLogin {

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
		<T extends OAuth2AuthorizedClient> @Nullable T load();

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

}
