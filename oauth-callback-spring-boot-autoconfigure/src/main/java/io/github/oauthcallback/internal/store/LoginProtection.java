package io.github.oauthcallback.internal.store;

import io.github.oauthcallback.internal.store.TokenCipher;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.oauthcallback.TokenStoreException;
import io.github.oauthcallback.internal.store.TokenCipher.UndecryptableException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.security.oauth2.client.registration.ClientRegistration;

/**
 * What both stores do to keep logins authentic: seal a login as one document ({@link SealedLogin}) when a key is
 * configured, open it again, read logins stored field by field (plaintext) without a key, refuse them (plaintext, or
 * the {@code enc:v1} values of older versions) where a key is configured unless the one-time migration seals them,
 * and use a login only with the provider and client it was issued by. Failures are {@link TokenStoreException}s naming the store and the way out, never a value.
 */
public final class LoginProtection {

	/** Bound into every sealed login, so the document cannot be taken for anything else sealed with the key. */
	private static final String PURPOSE = "oauth-callback sealed login v2";

	private static final Log logger = LogFactory.getLog(LoginProtection.class);

	private static final JsonMapper json = JsonMapper.builder().build();

	private final TokenCipher cipher;

	private final Supplier<String> location;

	private final Supplier<String> store;

	private final Set<String> warned = ConcurrentHashMap.newKeySet();

	/**
	 * @param cipher the cipher, {@link TokenCipher#none()} without a key
	 * @param location where the logins live (a file path, a table and database), for messages and exceptions
	 * @param store how messages start ("The token file ...")
	 */
	public LoginProtection(TokenCipher cipher, Supplier<String> location, Supplier<String> store) {
		this.cipher = cipher;
		this.location = location;
		this.store = store;
	}

	/**
	 * @return whether logins are sealed (a key is configured)
	 */
	public boolean sealing() {
		return this.cipher.encrypting();
	}

	/**
	 * @param registrationId the registration id
	 * @param account the account
	 * @param login the login
	 * @return the sealed document, {@code enc:v2:...}
	 */
	public String seal(String registrationId, String account, SealedLogin login) {
		return this.cipher.seal(json.writeValueAsString(login), associatedData(registrationId, account));
	}

	/**
	 * @param registrationId the registration id the document is stored under
	 * @param account the account it is stored under
	 * @param sealed the sealed document
	 * @return the login
	 * @throws TokenStoreException if it does not decrypt: another key, altered, or moved from another entry
	 */
	private SealedLogin open(String registrationId, String account, String sealed) {
		String document;
		try {
			document = this.cipher.open(sealed, associatedData(registrationId, account));
		}
		catch (UndecryptableException ex) {
			throw undecryptable(registrationId, account, ex);
		}
		try {
			return json.readValue(document, SealedLogin.class);
		}
		catch (JacksonException ex) {
			throw new TokenStoreException(this.location.get(), this.store.get() + " holds a login for '"
					+ registrationId + "' (account '" + account + "') sealed in a form this version of oauth-callback "
					+ "cannot read. Use the version that wrote it, or log in again to replace it. Nothing was changed.");
		}
	}

	/**
	 * The one read check of both stores. A login stored field by field is read as {@link #unsealed} says (refused
	 * where a key is configured). A sealed login must have no token value outside its seal, must open, and its plain
	 * copy (kept for listing and queries) must match the sealed one.
	 * @param registrationId the registration id it is stored under
	 * @param account the account it is stored under
	 * @param stored the plain copy: the login as stored field by field, with its values possibly in the {@code enc:v1}
	 * form
	 * @param sealed the sealed document, or {@code null} if the login is stored field by field
	 * @param valuesOutsideSeal whether token values were found next to the sealed document
	 * @param compareInstants whether the plain copy's instants must equal the sealed ones (a database may store them
	 * rounded or in the node's time zone: the sealed ones are used)
	 * @return the login, decrypted
	 * @throws PlaintextLoginException if it is stored field by field although a key is configured
	 * @throws TokenStoreException if it does not decrypt, or was altered
	 */
	public SealedLogin read(String registrationId, String account, SealedLogin stored, @Nullable String sealed,
			boolean valuesOutsideSeal, boolean compareInstants) {
		if (sealed == null) {
			return unsealed(registrationId, account, stored);
		}
		if (valuesOutsideSeal) {
			throw altered(registrationId, account, "token values (found outside the sealed copy)");
		}
		SealedLogin login = open(registrationId, account, sealed);
		String altered = login.differenceFrom(stored, compareInstants);
		if (altered != null) {
			throw altered(registrationId, account, altered);
		}
		return login;
	}

	/**
	 * Reads a login stored field by field: by this version without a key, or by older versions (plaintext, or the
	 * {@code enc:v1} values of versions before sealed logins). With a key neither is used: plaintext could have been
	 * planted by anyone who can write the store, and an {@code enc:v1} login left its expiry, scopes, issuer and client
	 * id in plain fields and can be put back from an old copy with those edited. Only the one-time migration
	 * ({@link #migrated}) reads them then.
	 * @param registrationId the registration id
	 * @param account the account
	 * @param stored the login as stored, with its values possibly in the {@code enc:v1} form
	 * @return the login with its values decrypted
	 * @throws PlaintextLoginException if a key is configured (the login is not sealed)
	 * @throws TokenStoreException if a value does not decrypt
	 */
	private SealedLogin unsealed(String registrationId, String account, SealedLogin stored) {
		if (sealing()) {
			throw notSealed(registrationId, account, stored);
		}
		return opened(registrationId, account, stored);
	}

	/**
	 * Opens a login stored field by field for the one-time {@code encrypt-plaintext} migration, which trusts it as it
	 * is found. Its ID token is
	 * dropped: nothing shows it is the one validated at login, so the sealed login must not present it as validated.
	 * @param registrationId the registration id
	 * @param account the account
	 * @param stored the login as stored, plaintext or with {@code enc:v1} values
	 * @return the login to seal, without ID token
	 * @throws TokenStoreException if a value does not decrypt
	 */
	public SealedLogin migrated(String registrationId, String account, SealedLogin stored) {
		SealedLogin login = opened(registrationId, account, stored);
		return login.withValues(login.accessToken(), login.refreshToken(), null);
	}

	/**
	 * Logs, at WARN and without any value, that a login was sealed by the migration.
	 * @param registrationId the registration id
	 * @param account the account
	 * @param stored the login as it was stored
	 */
	public void logMigrated(String registrationId, String account, SealedLogin stored) {
		logger.warn("The encrypt-plaintext migration sealed the login for registration '"
				+ registrationId + "' and account '" + account + "' in " + this.location.get() + ", which was stored "
				+ form(stored) + ". It is used as it was found" + ((stored.idToken() != null)
						? "; its ID token was dropped, since nothing shows it is the one validated at login" : "")
				+ ".");
	}

	/**
	 * Logs, at WARN and without any value, that the migration left a login as it is.
	 * @param registrationId the registration id
	 * @param account the account
	 * @param reason why, a message without values
	 */
	public void logNotMigrated(String registrationId, String account, String reason) {
		logger.warn("The encrypt-plaintext migration left the login for registration '"
				+ registrationId + "' and account '" + account + "' in " + this.location.get() + " as it is (still "
				+ "not sealed, so it is refused): " + reason);
	}

	private SealedLogin opened(String registrationId, String account, SealedLogin stored) {
		try {
			return stored.withValues(v1(stored.accessToken(), registrationId, account, "access_token"),
					v1(stored.refreshToken(), registrationId, account, "refresh_token"),
					v1(stored.idToken(), registrationId, account, "id_token"));
		}
		catch (UndecryptableException ex) {
			throw undecryptable(registrationId, account, ex);
		}
	}

	private PlaintextLoginException notSealed(String registrationId, String account, SealedLogin stored) {
		String problem = earlierVersion(stored) ? "that was encrypted by an earlier version of oauth-callback (enc:v1), "
				+ "which left its expiry, scopes, issuer and client id unprotected, although an encryption key is "
				+ "configured. It is not used: anyone who can write the store could have put back an old copy of it with "
				+ "those edited. If the store holds what that version wrote, start once with the encrypt-plaintext "
				+ "migration turned on to seal the stored logins (then turn it off)"
				: "that is not encrypted, although an encryption key is configured. It is not used: anyone who can write "
						+ "the store could have put it there. If it was stored before encryption was turned on, start "
						+ "once with the encrypt-plaintext migration turned on to encrypt the stored logins (then turn "
						+ "it off)";
		return new PlaintextLoginException(this.location.get(), this.store.get() + " holds a login for '"
				+ registrationId + "' (account '" + account + "') " + problem + "; otherwise log in again to replace "
				+ "it, or remove it with 'logout " + registrationId + "'. Nothing was changed.", registrationId);
	}

	private static boolean earlierVersion(SealedLogin stored) {
		return TokenCipher.isV1(stored.accessToken()) || TokenCipher.isV1(stored.refreshToken())
				|| TokenCipher.isV1(stored.idToken());
	}

	private static String form(SealedLogin stored) {
		return earlierVersion(stored) ? "in the enc:v1 form of an earlier version" : "as plaintext";
	}

	private @Nullable String v1(@Nullable String value, String registrationId, String account, String field) {
		if (!TokenCipher.isEncrypted(value)) {
			return value;
		}
		if (!TokenCipher.isV1(value)) {
			throw new UndecryptableException("a field holds a value of another form than enc:v1", null);
		}
		return this.cipher.openV1(value, TokenCipher.v1Context(registrationId, account, field));
	}

	/**
	 * @param registrationId the registration id
	 * @param account the account
	 * @param field what differs between the plain copy and the sealed document
	 * @return the failure to report
	 */
	private TokenStoreException altered(String registrationId, String account, String field) {
		return new TokenStoreException(this.location.get(), this.store.get() + " holds a login for '" + registrationId
				+ "' (account '" + account + "') whose " + field + " was changed outside oauth-callback: it no longer "
				+ "matches the sealed copy, so the login is not used. Log in again to replace it, or remove it with "
				+ "'logout " + registrationId + "'. Nothing was changed.");
	}

	/**
	 * Whether a login may be used with a registration: only if it was issued by the registration's provider to its
	 * client. A login that was not is logged once (naming the registration and what differs) and treated as absent,
	 * so a new login replaces it.
	 * @param registrationId the registration id
	 * @param account the account
	 * @param issuedBy who issued the login, or {@code null} if not recorded (rows of older versions)
	 * @param registration the registration
	 * @return whether the login may be used
	 */
	public boolean belongsTo(String registrationId, String account, @Nullable IssuedBy issuedBy,
			ClientRegistration registration) {
		String difference = (issuedBy != null) ? issuedBy.differenceFrom(registration) : null;
		if (difference == null) {
			return true;
		}
		if (this.warned.add(registrationId + "\n" + account + "\n" + difference)) {
			logger.warn("The stored login for registration '" + registrationId + "' and account '" + account
					+ "' was issued to " + difference + "; it is not used, and no token of it is sent anywhere (it is "
					+ "kept in " + this.location.get() + "). Log in again to replace it.");
		}
		return false;
	}

	private TokenStoreException undecryptable(String registrationId, String account, UndecryptableException ex) {
		return new TokenStoreException(this.location.get(), this.store.get() + " holds a login for '" + registrationId
				+ "' (account '" + account + "') that cannot be decrypted: " + ex.getMessage() + ". Configure the key "
				+ "it was written with (as the current key, or as a previous key while rotating), or "
				+ "remove the stored logins with 'logout --all'. Nothing was changed.", ex);
	}

	static byte[] associatedData(String registrationId, String account) {
		return TokenCipher.associatedData(PURPOSE, registrationId, account);
	}

}
