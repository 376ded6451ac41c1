package io.github.oauthcallback.internal.store;

import io.github.oauthcallback.store.TokenStore.LockedLogin;
import io.github.oauthcallback.internal.Accounts;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;

/**
 * A {@link LockedLogin} on a service's own methods: for stores that keep no cache ({@link LockedLogin#of}), and, with
 * a reader that bypasses the cache, for those that do.
 */
public record StoreLockedLogin(OAuth2AuthorizedClientService store, String registrationId, String account,
		Reader reader) implements LockedLogin {

	public StoreLockedLogin(OAuth2AuthorizedClientService store, String registrationId, String account) {
		this(store, registrationId, account, store::loadAuthorizedClient);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T extends OAuth2AuthorizedClient> @Nullable T load() {
		return (T) this.reader.read(this.registrationId, this.account);
	}

	@Override
	public void save(OAuth2AuthorizedClient client) {
		this.store.saveAuthorizedClient(client, Accounts.principal(this.account));
	}

	@Override
	public void remove() {
		this.store.removeAuthorizedClient(this.registrationId, this.account);
	}

	@Override
	public String toString() {
		return "LockedLogin[" + this.registrationId + ", " + this.account + "]";
	}

	/** Reads a stored login as it is now. */
	@FunctionalInterface
	public interface Reader {

		@Nullable OAuth2AuthorizedClient read(String registrationId, String account);

	}

}
