package io.github.oauthcallback.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.oauthcallback.OidcAuthorizedClient;
import io.github.oauthcallback.TokenStoreException;
import io.github.oauthcallback.store.TokenCipher.UndecryptableException;
import io.github.oauthcallback.store.TokenFileDocument.AccessToken;
import io.github.oauthcallback.store.TokenFileDocument.Entry;
import io.github.oauthcallback.store.TokenFileDocument.RefreshToken;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

/**
 * Keeps logins in one JSON file (see {@link TokenFile} for how it is written safely). Token values are encrypted
 * with the {@link TokenCipher} when a key is configured. An entry whose client id or issuer no longer matches its
 * registration is not used (a warning is logged once) but is kept in the file.
 */
public final class FileTokenStore implements TokenStore {

	/** The default of {@code oauth-callback.store.lock-timeout}. */
	public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMinutes(10);

	private static final Log logger = LogFactory.getLog(FileTokenStore.class);

	private final TokenFile file;

	private final ClientRegistrationRepository registrations;

	private final TokenCipher cipher;

	private final Set<String> warned = ConcurrentHashMap.newKeySet();

	/** Clients built from the last document read, so an unchanged file costs no decryption or object building. */
	private volatile Built built = new Built(null, new ConcurrentHashMap<>());

	/**
	 * @param path the token file
	 * @param registrations the client registrations, to rebuild stored clients
	 * @param cipher encrypts token values, or {@link TokenCipher#none()}
	 */
	public FileTokenStore(Path path, ClientRegistrationRepository registrations, TokenCipher cipher) {
		this(path, registrations, cipher, DEFAULT_LOCK_TIMEOUT);
	}

	/**
	 * @param path the token file
	 * @param registrations the client registrations, to rebuild stored clients
	 * @param cipher encrypts token values, or {@link TokenCipher#none()}
	 * @param lockTimeout how long to wait for another process's lock on the file before failing
	 */
	public FileTokenStore(Path path, ClientRegistrationRepository registrations, TokenCipher cipher,
			Duration lockTimeout) {
		this.file = new TokenFile(path, lockTimeout);
		this.registrations = registrations;
		this.cipher = cipher;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(String clientRegistrationId, String principalName) {
		TokenFileDocument document = this.file.read();
		Built current = this.built;
		if (current.document() != document) {
			current = new Built(document, new ConcurrentHashMap<>());
			this.built = current;
		}
		String key = clientRegistrationId + "\n" + principalName;
		OAuth2AuthorizedClient client = current.clients().get(key);
		if (client != null) {
			return (T) client;
		}
		Entry entry = document.find(clientRegistrationId, principalName);
		if (entry == null) {
			return null;
		}
		ClientRegistration registration = this.registrations.findByRegistrationId(clientRegistrationId);
		if (registration == null || !matches(entry, registration)) {
			return null;
		}
		client = toClient(entry, registration);
		current.clients().put(key, client);
		return (T) client;
	}

	@Override
	public void saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, Authentication principal) {
		Entry entry = toEntry(authorizedClient, principal.getName());
		this.file.update((document) -> document.with(entry));
	}

	@Override
	public void removeAuthorizedClient(String clientRegistrationId, String principalName) {
		logout(clientRegistrationId, principalName);
	}

	@Override
	public List<StoredLogin> logins() {
		return this.file.read().entries().stream().map(Entry::summary).toList();
	}

	@Override
	public Optional<StoredLogin> logout(String registrationId, String account) {
		TokenFileDocument before = this.file.update((document) -> (document.find(registrationId, account) != null)
				? document.without(registrationId, account) : document);
		return Optional.ofNullable(before.find(registrationId, account)).map(Entry::summary);
	}

	/**
	 * Removes every login. A file that cannot be read is moved aside (to {@code <file>.unusable-<time>}), never
	 * deleted, and nothing can be listed from it.
	 */
	@Override
	public List<StoredLogin> logoutAll() {
		try {
			TokenFileDocument before = this.file
				.update((document) -> document.entries().isEmpty() ? document : TokenFileDocument.empty());
			return before.entries().stream().map(Entry::summary).toList();
		}
		catch (TokenFile.UnusableFileException ex) {
			Path aside = this.file.quarantine();
			logger.warn("The token file " + this.file.path() + " could not be read; it was moved to " + aside);
			return List.of();
		}
	}

	/**
	 * Holds a lock on one byte of the lock file, chosen by the key, across processes.
	 */
	@Override
	public <T> T exclusively(String registrationId, String account, Supplier<T> action) {
		return this.file.lockedForKey(registrationId + "\n" + account, action::get);
	}

	@Override
	public String location() {
		return this.file.path().toString();
	}

	private boolean matches(Entry entry, ClientRegistration registration) {
		String issuer = registration.getProviderDetails().getIssuerUri();
		boolean clientMatches = Objects.equals(entry.clientId(), registration.getClientId());
		// The issuer identifies the provider; without one on either side, the token endpoint does (when recorded).
		boolean issuerMatches = (issuer != null || entry.issuer() != null) ? Objects.equals(issuer, entry.issuer())
				: entry.tokenUri() == null
						|| entry.tokenUri().equals(registration.getProviderDetails().getTokenUri());
		if (clientMatches && issuerMatches) {
			return true;
		}
		if (this.warned.add(entry.registrationId() + "\n" + entry.account())) {
			logger.warn("The stored login for registration '" + entry.registrationId() + "' and account '"
					+ entry.account() + "' was issued to " + (clientMatches ? "issuer " + describeIssuer(entry)
							: "client-id " + entry.clientId())
					+ ", not to the registration's current " + (clientMatches ? "issuer" : "client-id")
					+ "; it is ignored (and kept in " + this.file.path() + "). Log in again to replace it.");
		}
		return false;
	}

	private static String describeIssuer(Entry entry) {
		return (entry.issuer() != null) ? entry.issuer()
				: (entry.tokenUri() != null) ? "(none; token endpoint " + entry.tokenUri() + ")" : "(none)";
	}

	private Entry toEntry(OAuth2AuthorizedClient client, String account) {
		ClientRegistration registration = client.getClientRegistration();
		String id = registration.getRegistrationId();
		OAuth2AccessToken access = client.getAccessToken();
		OAuth2RefreshToken refresh = client.getRefreshToken();
		String idToken = (client instanceof OidcAuthorizedClient oidc && oidc.getIdToken() != null)
				? this.cipher.seal(oidc.getIdToken().getTokenValue(), context(id, account, "id_token")) : null;
		return new Entry(id, account, registration.getProviderDetails().getIssuerUri(),
				registration.getProviderDetails().getTokenUri(), registration.getClientId(),
				new AccessToken(this.cipher.seal(access.getTokenValue(), context(id, account, "access_token")),
						access.getTokenType().getValue(), access.getIssuedAt(), access.getExpiresAt(), access.getScopes()),
				(refresh != null) ? new RefreshToken(
						this.cipher.seal(refresh.getTokenValue(), context(id, account, "refresh_token")),
						refresh.getIssuedAt(), refresh.getExpiresAt()) : null,
				idToken);
	}

	private OAuth2AuthorizedClient toClient(Entry entry, ClientRegistration registration) {
		String id = entry.registrationId();
		String account = entry.account();
		try {
			AccessToken stored = entry.accessToken();
			OAuth2AccessToken access = new OAuth2AccessToken(tokenType(stored.type()),
					this.cipher.open(stored.value(), context(id, account, "access_token")), stored.issuedAt(),
					stored.expiresAt(), stored.scopes());
			OAuth2RefreshToken refresh = (entry.refreshToken() != null) ? new OAuth2RefreshToken(
					this.cipher.open(entry.refreshToken().value(), context(id, account, "refresh_token")),
					entry.refreshToken().issuedAt(), entry.refreshToken().expiresAt()) : null;
			if (entry.idToken() != null) {
				return new OidcAuthorizedClient(registration, account, access, refresh,
						IdTokens.parse(this.cipher.open(entry.idToken(), context(id, account, "id_token"))));
			}
			return new OAuth2AuthorizedClient(registration, account, access, refresh);
		}
		catch (RuntimeException ex) {
			if (!(ex instanceof UndecryptableException)) {
				throw new TokenStoreException(location(), "The token file " + location() + " holds a login for '" + id
						+ "' that cannot be read back (" + ex.getClass().getSimpleName() + "). Log in again to replace "
						+ "it, or remove it with 'logout " + id + "'. Nothing was changed.");
			}
			throw new TokenStoreException(location(), "The token file " + location() + " holds a login for '" + id
					+ "' that cannot be decrypted: " + ex.getMessage() + ". Configure the key it was written with "
					+ "(oauth-callback.store.encryption.key, or previous-keys while rotating), or remove the stored "
					+ "logins with 'logout --all'. Nothing was changed.");
		}
	}

	private static OAuth2AccessToken.TokenType tokenType(String stored) {
		return OAuth2AccessToken.TokenType.DPOP.getValue().equalsIgnoreCase(stored) ? OAuth2AccessToken.TokenType.DPOP
				: OAuth2AccessToken.TokenType.BEARER;
	}

	private record Built(TokenFileDocument document, Map<String, OAuth2AuthorizedClient> clients) {

	}

	static String context(String registrationId, String account, String field) {
		return registrationId + "\n" + account + "\n" + field;
	}

}
