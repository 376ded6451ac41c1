package io.github.oauthcallback.internal.store;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.oauthcallback.internal.observation.Failure;
import io.github.oauthcallback.internal.observation.OAuthCallbackObservationDocumentation;
import io.github.oauthcallback.internal.observation.Observations;
import io.github.oauthcallback.internal.observation.Outcome;
import io.github.oauthcallback.internal.observation.StoreObservationContext;
import io.github.oauthcallback.internal.observation.StoreObservationContext.StoreOperation;
import io.github.oauthcallback.internal.observation.StoreObservationConvention;
import io.github.oauthcallback.store.FileTokenStore;
import io.github.oauthcallback.store.InMemoryTokenStore;
import io.github.oauthcallback.store.JdbcTokenStore;
import io.github.oauthcallback.store.StoredLogin;
import io.github.oauthcallback.store.TokenStore;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

/**
 * A token store whose loads, saves and removals (also through the {@link LockedLogin} of
 * {@link #exclusively}), listings and removals of everything are {@code oauth.callback.store} observations, tagged
 * with the store type, the operation, the registration id and the outcome; never the account, a token or the
 * location. The starter's client manager and authorizers use the store through it; the store bean itself stays
 * the store.
 */
public final class ObservedTokenStore implements TokenStore {

	private static final StoreObservationConvention CONVENTION = new StoreObservationConvention();

	private final TokenStore store;

	private final String type;

	private final ObservationRegistry registry;

	private ObservedTokenStore(TokenStore store, ObservationRegistry registry) {
		this.store = store;
		this.type = type(store);
		this.registry = registry;
	}

	/**
	 * @param store the store
	 * @param registry the registry
	 * @return the store observed, or the store itself if the registry is the no-op one
	 */
	public static TokenStore of(TokenStore store, ObservationRegistry registry) {
		return (registry.isNoop() || store instanceof ObservedTokenStore) ? store
				: new ObservedTokenStore(store, registry);
	}

	/**
	 * @param store a store
	 * @return the store type tag value: {@code file}, {@code jdbc}, {@code memory}, {@code application} (the
	 * application's own {@code OAuth2AuthorizedClientService}) or {@code custom}
	 */
	static String type(TokenStore store) {
		if (store instanceof FileTokenStore) {
			return "file";
		}
		if (store instanceof JdbcTokenStore) {
			return "jdbc";
		}
		if (store instanceof InMemoryTokenStore) {
			return "memory";
		}
		return (store instanceof AdaptedTokenStore) ? "application" : "custom";
	}

	@Override
	public <T extends OAuth2AuthorizedClient> @Nullable T loadAuthorizedClient(String clientRegistrationId,
			String principalName) {
		return observed(clientRegistrationId, StoreOperation.LOAD,
				() -> this.store.<T>loadAuthorizedClient(clientRegistrationId, principalName));
	}

	@Override
	public void saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, Authentication principal) {
		observed(authorizedClient.getClientRegistration().getRegistrationId(), StoreOperation.SAVE, () -> {
			this.store.saveAuthorizedClient(authorizedClient, principal);
			return null;
		});
	}

	@Override
	public void removeAuthorizedClient(String clientRegistrationId, String principalName) {
		observed(clientRegistrationId, StoreOperation.REMOVE, () -> {
			this.store.removeAuthorizedClient(clientRegistrationId, principalName);
			return null;
		});
	}

	@Override
	public List<StoredLogin> logins() {
		return observed(null, StoreOperation.LIST, this.store::logins);
	}

	@Override
	public Optional<StoredLogin> logout(String registrationId, String account) {
		return observed(registrationId, StoreOperation.REMOVE, () -> this.store.logout(registrationId, account));
	}

	@Override
	public List<StoredLogin> logoutAll() {
		return observed(null, StoreOperation.REMOVE_ALL, this.store::logoutAll);
	}

	@Override
	public <T extends @Nullable Object> T exclusively(String registrationId, String account,
			Function<? super LockedLogin, T> action) {
		return this.store.exclusively(registrationId, account, (locked) -> action.apply(new ObservedLockedLogin(locked)));
	}

	@Override
	public String location() {
		return this.store.location();
	}

	@Override
	public String toString() {
		return this.store.toString();
	}

	private <T extends @Nullable Object> T observed(@Nullable String registrationId, StoreOperation operation,
			Supplier<T> work) {
		return Observations.observe(OAuthCallbackObservationDocumentation.STORE, CONVENTION,
				new StoreObservationContext(registrationId, this.type, operation), this.registry,
				(failure) -> Failure.of(Outcome.FAILURE, null), work);
	}

	/** The locked login, each read, save and removal of which is observed. */
	private final class ObservedLockedLogin implements LockedLogin {

		private final LockedLogin locked;

		ObservedLockedLogin(LockedLogin locked) {
			this.locked = locked;
		}

		@Override
		public String registrationId() {
			return this.locked.registrationId();
		}

		@Override
		public String account() {
			return this.locked.account();
		}

		@Override
		public <T extends OAuth2AuthorizedClient> @Nullable T load() {
			return observed(registrationId(), StoreOperation.LOAD, this.locked::<T>load);
		}

		@Override
		public void save(OAuth2AuthorizedClient client) {
			observed(registrationId(), StoreOperation.SAVE, () -> {
				this.locked.save(client);
				return null;
			});
		}

		@Override
		public void remove() {
			observed(registrationId(), StoreOperation.REMOVE, () -> {
				this.locked.remove();
				return null;
			});
		}

		@Override
		public String toString() {
			return this.locked.toString();
		}

	}

}
