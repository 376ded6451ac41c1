package io.github.oauthcallback.store;

import io.github.oauthcallback.store.TokenStore.LockedLogin;
import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.internal.store.LoginProtection;
import io.github.oauthcallback.internal.store.SealedLogin;
import io.github.oauthcallback.internal.store.StoreLockedLogin;
import io.github.oauthcallback.internal.store.TokenFile;
import io.github.oauthcallback.internal.store.TokenFileDocument;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.github.oauthcallback.TokenStoreException;
import io.github.oauthcallback.internal.store.TokenFileDocument.Entry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

/**
 * Keeps logins in one JSON file (see {@link TokenFile} for how it is written safely). With an encryption key each login
 * is sealed as one AES-GCM document ({@link SealedLogin}): token values, expiry, scopes, type, issuer, client id and
 * token endpoint cannot be read, edited or swapped between entries unnoticed, and a login that is not sealed
 * (plaintext, or in the {@code enc:v1} form of earlier versions) is refused ({@link io.github.oauthcallback.internal.store.PlaintextLoginException}). Without a key the file is plaintext and only as trustworthy as its directory:
 * the stored ID token is then not presented as validated (a plain {@link OAuth2AuthorizedClient} is returned). An
 * entry whose client id or issuer no longer matches its registration is not used (a warning is logged once) but is
 * kept in the file.
 */
public final class FileTokenStore implements TokenStore {

	/** How long a store waits for another process's lock on a login, unless told otherwise. */
	public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMinutes(10);

	private static final Log logger = LogFactory.getLog(FileTokenStore.class);

	private final TokenFile file;

	private final ClientRegistrationRepository registrations;

	private final LoginProtection protection;

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
		this.protection = new LoginProtection(cipher, this::location, () -> "The token file " + location());
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T extends OAuth2AuthorizedClient> @Nullable T loadAuthorizedClient(String clientRegistrationId,
			String principalName) {
		return (T) load(this.file.read(), clientRegistrationId, principalName);
	}

	private @Nullable OAuth2AuthorizedClient load(TokenFileDocument document, String clientRegistrationId,
			String principalName) {
		Built current = this.built;
		if (current.document() != document) {
			current = new Built(document, new ConcurrentHashMap<>());
			this.built = current;
		}
		String key = clientRegistrationId + "\n" + principalName;
		OAuth2AuthorizedClient client = current.clients().get(key);
		if (client != null) {
			return client;
		}
		Entry entry = document.find(clientRegistrationId, principalName);
		if (entry == null) {
			return null;
		}
		ClientRegistration registration = this.registrations.findByRegistrationId(clientRegistrationId);
		if (registration == null) {
			return null;
		}
		SealedLogin login = read(entry);
		if (!this.protection.belongsTo(clientRegistrationId, principalName, login.issuedBy(), registration)) {
			return null;
		}
		try {
			client = login.toClient(registration, principalName, this.protection.sealing());
		}
		catch (RuntimeException ex) {
			throw new TokenStoreException(location(), "The token file " + location() + " holds a login for '"
					+ clientRegistrationId + "' that cannot be read back (" + ex.getClass().getSimpleName() + "). Log "
					+ "in again to replace it, or remove it with 'logout " + clientRegistrationId + "'. Nothing was "
					+ "changed.");
		}
		current.clients().put(key, client);
		return client;
	}

	/**
	 * Saves the login (sealed when a key is configured). Other entries are left as they are: one that is not sealed
	 * stays refused until the migration or a new login replaces it.
	 */
	@Override
	public void saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, Authentication principal) {
		String registrationId = authorizedClient.getClientRegistration().getRegistrationId();
		Entry entry = toEntry(registrationId, principal.getName(), SealedLogin.of(authorizedClient));
		this.file.update((document) -> document.with(entry));
	}

	/**
	 * The one-time {@code encrypt-plaintext} migration: seals every entry stored
	 * as plaintext (before encryption was turned on) or in the {@code enc:v1} form of older versions, in one write,
	 * trusting it as it is found, without its ID token (which is then not presented as validated). Each sealed entry
	 * is logged at WARN; entries that do not decrypt with the configured keys are left as they are, with a warning.
	 * @return how many entries were sealed
	 */
	public int encryptPlaintext() {
		if (!this.protection.sealing()) {
			return 0;
		}
		List<Entry> sealed = new ArrayList<>();
		Map<Entry, String> left = new LinkedHashMap<>();
		this.file.update((document) -> {
			sealed.clear();
			left.clear();
			return document.withEach((entry) -> {
				if (entry.sealed() != null) {
					return entry;
				}
				try {
					Entry after = toEntry(entry.registrationId(), entry.account(),
							this.protection.migrated(entry.registrationId(), entry.account(), entry.stored()));
					sealed.add(entry);
					return after;
				}
				catch (TokenStoreException ex) {
					left.put(entry, ex.getMessage());
					return entry;
				}
			});
		});
		sealed.forEach((entry) -> this.protection.logMigrated(entry.registrationId(), entry.account(), entry.stored()));
		left.forEach((entry, reason) -> this.protection.logNotMigrated(entry.registrationId(), entry.account(), reason));
		return sealed.size();
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
	 * Holds a lock on one byte of the lock file, chosen by the key, across processes. Reads through the
	 * {@link LockedLogin} parse what is on disk, never a cached document.
	 */
	@Override
	public <T extends @Nullable Object> T exclusively(String registrationId, String account,
			Function<? super LockedLogin, T> action) {
		LockedLogin locked = new StoreLockedLogin(this, registrationId, account,
				(id, name) -> load(this.file.readCurrent(), id, name));
		return this.file.lockedForKey(registrationId + "\n" + account, () -> action.apply(locked));
	}

	@Override
	public String location() {
		return this.file.path().toString();
	}

	/**
	 * @return the login an entry holds, decrypted and checked: a sealed entry must match its plain copy, and an entry
	 * stored field by field is refused when a key is configured
	 */
	private SealedLogin read(Entry entry) {
		boolean valuesOutsideSeal = entry.accessToken().value() != null || entry.idToken() != null
				|| (entry.refreshToken() != null && entry.refreshToken().value() != null);
		return this.protection.read(entry.registrationId(), entry.account(), entry.stored(), entry.sealed(),
				valuesOutsideSeal, true);
	}

	private Entry toEntry(String registrationId, String account, SealedLogin login) {
		return Entry.of(registrationId, account, login,
				this.protection.sealing() ? this.protection.seal(registrationId, account, login) : null);
	}

	private record Built(@Nullable TokenFileDocument document, Map<String, OAuth2AuthorizedClient> clients) {

	}

}
