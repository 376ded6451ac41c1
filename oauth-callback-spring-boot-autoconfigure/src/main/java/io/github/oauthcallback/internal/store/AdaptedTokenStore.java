package io.github.oauthcallback.internal.store;

import io.github.oauthcallback.store.TokenStore.LockedLogin;
import io.github.oauthcallback.store.StoredLogin;
import io.github.oauthcallback.store.TokenStore;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import io.github.oauthcallback.TokenStoreException;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;

/**
 * An application's own {@link OAuth2AuthorizedClientService} seen as a {@link TokenStore}, so the client manager,
 * the {@code RestClient} integration and the commands work with it too. It cannot list what it holds and has no lock
 * of its own: refreshes take turns within this JVM only (the client manager's lock).
 */
public final class AdaptedTokenStore implements TokenStore {

	private final OAuth2AuthorizedClientService service;

	public AdaptedTokenStore(OAuth2AuthorizedClientService service) {
		this.service = service;
	}

	@Override
	public <T extends OAuth2AuthorizedClient> @Nullable T loadAuthorizedClient(String clientRegistrationId,
			String principalName) {
		return this.service.loadAuthorizedClient(clientRegistrationId, principalName);
	}

	@Override
	public void saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, Authentication principal) {
		this.service.saveAuthorizedClient(authorizedClient, principal);
	}

	@Override
	public void removeAuthorizedClient(String clientRegistrationId, String principalName) {
		this.service.removeAuthorizedClient(clientRegistrationId, principalName);
	}

	/**
	 * @return nothing: a plain {@link OAuth2AuthorizedClientService} cannot list its logins
	 */
	@Override
	public List<StoredLogin> logins() {
		return List.of();
	}

	@Override
	public Optional<StoredLogin> logout(String registrationId, String account) {
		OAuth2AuthorizedClient stored = this.service.loadAuthorizedClient(registrationId, account);
		this.service.removeAuthorizedClient(registrationId, account);
		return Optional.ofNullable(stored)
			.map((client) -> new StoredLogin(registrationId, account, client.getAccessToken().getScopes(),
					client.getAccessToken().getExpiresAt(), client.getRefreshToken() != null));
	}

	@Override
	public List<StoredLogin> logoutAll() {
		throw new TokenStoreException(location(), "The application's own OAuth2AuthorizedClientService ("
				+ this.service.getClass().getName() + ") cannot list its logins, so they cannot all be removed at once: "
				+ "log out of each registration, or keep the logins in one of the starter's token stores (file, JDBC "
				+ "or memory).");
	}

	@Override
	public <T extends @Nullable Object> T exclusively(String registrationId, String account,
			Function<? super LockedLogin, T> action) {
		return action.apply(LockedLogin.of(this, registrationId, account));
	}

	@Override
	public String location() {
		return "the application's OAuth2AuthorizedClientService (" + this.service.getClass().getName() + ")";
	}

}
