package io.github.oauthcallback.store;

import io.github.oauthcallback.internal.store.AdaptedTokenStore;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

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
	<T> T exclusively(String registrationId, String account, Function<? super LockedLogin, T> action);

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

}
