package io.github.oauthcallback.store;

import io.github.oauthcallback.store.TokenStore.LockedLogin;
import org.jspecify.annotations.Nullable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

/**
 * Keeps logins in this process only: every run logs in again. For tests and for tools that must not persist tokens.
 */
public final class InMemoryTokenStore implements TokenStore {

	private final Map<Key, OAuth2AuthorizedClient> clients = new ConcurrentHashMap<>();

	private final Map<Key, ReentrantLock> locks = new ConcurrentHashMap<>();

	@Override
	@SuppressWarnings("unchecked")
	public <T extends OAuth2AuthorizedClient> @Nullable T loadAuthorizedClient(String clientRegistrationId,
			String principalName) {
		return (T) this.clients.get(new Key(clientRegistrationId, principalName));
	}

	@Override
	public void saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, Authentication principal) {
		this.clients.put(new Key(authorizedClient.getClientRegistration().getRegistrationId(), principal.getName()),
				authorizedClient);
	}

	@Override
	public void removeAuthorizedClient(String clientRegistrationId, String principalName) {
		this.clients.remove(new Key(clientRegistrationId, principalName));
	}

	@Override
	public List<StoredLogin> logins() {
		return this.clients.values().stream().map(InMemoryTokenStore::summary).toList();
	}

	@Override
	public Optional<StoredLogin> logout(String registrationId, String account) {
		return Optional.ofNullable(this.clients.remove(new Key(registrationId, account)))
			.map(InMemoryTokenStore::summary);
	}

	@Override
	public List<StoredLogin> logoutAll() {
		List<StoredLogin> removed = logins();
		this.clients.clear();
		return removed;
	}

	@Override
	public <T extends @Nullable Object> T exclusively(String registrationId, String account,
			Function<? super LockedLogin, T> action) {
		ReentrantLock lock = this.locks.computeIfAbsent(new Key(registrationId, account), (key) -> new ReentrantLock());
		lock.lock();
		try {
			return action.apply(LockedLogin.of(this, registrationId, account));
		}
		finally {
			lock.unlock();
		}
	}

	@Override
	public String location() {
		return "memory (this process only)";
	}

	static StoredLogin summary(OAuth2AuthorizedClient client) {
		return new StoredLogin(client.getClientRegistration().getRegistrationId(), client.getPrincipalName(),
				client.getAccessToken().getScopes(), client.getAccessToken().getExpiresAt(),
				client.getRefreshToken() != null);
	}

	private record Key(String registrationId, String account) {
	}

}
