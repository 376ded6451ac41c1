package io.github.oauthcallback.refresh;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;

import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.store.FileTokenStore;
import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.store.TokenStore;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

/**
 * A separate JVM that, like another process refreshing the same login, takes the login's store lock on a token file
 * and stores a fresh login of {@code ada} for {@code api} ({@code at-other}, {@code rt-other}):
 * {@code <file> <token uri>}. Prints {@code SAVED}.
 */
public final class StoreLockWorker {

	private StoreLockWorker() {
	}

	public static void main(String[] args) {
		ClientRegistration registration = RefreshWorker.registration(args[1]);
		TokenStore store = new FileTokenStore(Path.of(args[0]), new InMemoryClientRegistrationRepository(registration),
				TokenCipher.none());
		store.exclusively("api", "ada", (locked) -> {
			store.saveAuthorizedClient(fresh(registration, "at-other", "rt-other"), Accounts.principal("ada"));
			return null;
		});
		System.out.println("SAVED");
	}

	static OAuth2AuthorizedClient fresh(ClientRegistration registration, String access, String refresh) {
		Instant now = Instant.now();
		return new OAuth2AuthorizedClient(registration, "ada",
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, access, now, now.plusSeconds(3600), Set.of()),
				new OAuth2RefreshToken(refresh, now));
	}

}
