package io.github.oauthcallback.internal.store;

import io.github.oauthcallback.internal.store.TokenCipher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.oauthcallback.internal.store.EncryptionKeyException.KeySource;
import io.github.oauthcallback.internal.store.keychain.CredentialStore;
import io.github.oauthcallback.internal.store.keychain.KeychainException;
import io.github.oauthcallback.internal.store.keychain.KeychainException.Problem;
import io.github.oauthcallback.internal.store.keychain.Keychains;
import org.jspecify.annotations.Nullable;

/**
 * Reads encryption keys from configuration: base64 text, or a key file that only its owner may read, or the OS
 * keychain ({@link #keychainCipher}). This is the one check of the keys: the configuration properties run it too (all
 * but the keychain, which is only reached when the store is created), and name the property of the key it reports.
 */
public final class EncryptionKeys {

	private static final String GENERATE = "Generate a key with: openssl rand -base64 32";

	private EncryptionKeys() {
	}

	/**
	 * @param key the current key as base64, or {@code null}
	 * @param keyFile a file holding the current key as base64, or {@code null}
	 * @param previousKeys older keys as base64, still accepted for reading, or {@code null}
	 * @return the cipher, {@link TokenCipher#none()} when no key is configured
	 * @throws EncryptionKeyException if a key cannot be used, naming which
	 */
	public static TokenCipher cipher(@Nullable String key, @Nullable Path keyFile,
			@Nullable List<String> previousKeys) {
		boolean hasKey = key != null && !key.isBlank();
		if (hasKey && keyFile != null) {
			throw new EncryptionKeyException(KeySource.KEY_FILE, "The current encryption key is given twice, as text "
					+ "and as a key file: give only one of them.", null);
		}
		List<byte[]> previous = previous(previousKeys);
		if (hasKey) {
			return TokenCipher.of(decode(key, KeySource.KEY, "The encryption key"), previous)
				.withKeyLocation("property oauth-callback.store.encryption.key");
		}
		if (keyFile != null) {
			return TokenCipher.of(decode(readKeyFile(keyFile), KeySource.KEY_FILE, "The key file " + keyFile), previous)
				.withKeyLocation("key file " + keyFile);
		}
		if (!previous.isEmpty()) {
			throw new EncryptionKeyException(KeySource.PREVIOUS_KEYS, "Previous encryption keys are given but no "
					+ "current key: give the current key too (new logins are sealed with it, the previous keys only "
					+ "read older ones).", null);
		}
		return TokenCipher.none();
	}

	/**
	 * The cipher whose current key is kept in the OS keychain, created there on first use
	 * ({@link Keychains#currentKey}). Reaches the keychain: call it when the store is created, not while binding
	 * properties. A missing item is only created when the token file holds no login sealed with a key that is not
	 * among the previous keys: otherwise a new key would leave those logins unreadable, and it is refused.
	 * @param keychain the keychain item
	 * @param underLock runs the creation of a new key under the item's lock ({@link Keychains#itemLock})
	 * @param previousKeys older keys as base64, still accepted for reading, or {@code null}
	 * @param tokenFile the token file whose sealed logins need the key, or {@code null} (another store)
	 * @return the cipher
	 * @throws EncryptionKeyException if a previous key cannot be used, or the keychain cannot give a key
	 * ({@link io.github.oauthcallback.internal.store.keychain.KeychainException})
	 */
	public static TokenCipher keychainCipher(CredentialStore keychain, Function<Supplier<byte[]>, byte[]> underLock,
			@Nullable List<String> previousKeys, @Nullable TokenFile tokenFile) {
		List<byte[]> previous = previous(previousKeys);
		Runnable beforeCreate = (tokenFile != null) ? () -> refuseIfSealedWithAnotherKey(keychain, tokenFile, previous)
				: () -> {
				};
		return TokenCipher.of(Keychains.currentKey(keychain, underLock, beforeCreate), previous)
			.withKeyLocation("OS keychain (" + keychain.describe() + ")");
	}

	/**
	 * Refuses a new key while the token file holds logins sealed with a key that is neither in the keychain (which has
	 * none) nor among the previous keys.
	 */
	private static void refuseIfSealedWithAnotherKey(CredentialStore keychain, TokenFile tokenFile,
			List<byte[]> previous) {
		Set<String> known = new java.util.HashSet<>();
		previous.forEach((key) -> known.add(TokenCipher.keyId(key)));
		Set<String> others = new java.util.TreeSet<>();
		int logins = 0;
		for (TokenFileDocument.Entry entry : tokenFile.exclusively(tokenFile::readCurrent).entries()) {
			String keyId = TokenCipher.keyIdOf(entry.sealed());
			if (keyId == null) {
				keyId = TokenCipher.keyIdOf(entry.accessToken().value());
			}
			if (keyId != null && !known.contains(keyId)) {
				logins++;
				others.add(keyId);
			}
		}
		if (logins > 0) {
			throw new KeychainException(Problem.MISSING, "The OS keychain holds no token encryption key ("
					+ keychain.describe() + "), but the token file " + tokenFile.path() + " holds " + logins
					+ " login" + ((logins != 1) ? "s" : "") + " sealed with another key (key id "
					+ String.join(", ", others) + "). A new key would leave them unreadable, so none was created and "
					+ "the file was left as it is. Restore the keychain item from a backup (or the old key into it), "
					+ "or give the old key in oauth-callback.store.encryption.previous-keys; to give those logins up, "
					+ "move " + tokenFile.path() + " aside or delete it (what logout --all does), then start again "
					+ "and log in.",
					null);
		}
	}

	/**
	 * @param previousKeys older keys as base64, or {@code null}
	 * @return them decoded
	 * @throws EncryptionKeyException if one cannot be used
	 */
	public static List<byte[]> previous(@Nullable List<String> previousKeys) {
		List<byte[]> previous = new ArrayList<>();
		if (previousKeys != null) {
			for (String old : previousKeys) {
				previous.add(decode(old, KeySource.PREVIOUS_KEYS, "A previous encryption key"));
			}
		}
		return previous;
	}

	private static String readKeyFile(Path keyFile) {
		return readKeyFile(keyFile, PrivateFiles.currentUserId());
	}

	/**
	 * Reads the key file after checking, on POSIX, that only its owner can read it and that the owner is the given
	 * user. A key file that is a symbolic link is judged by the file it leads to ({@link Path#toRealPath}, resolved
	 * once): both checks look at that same file.
	 * @param keyFile the key file
	 * @param userId the id of the user it must belong to (the running user's, or {@code null} if unknown)
	 * @return its content
	 * @throws EncryptionKeyException if it may not or cannot be used
	 */
	public static String readKeyFile(Path keyFile, @Nullable Long userId) {
		try {
			Path real = keyFile.toRealPath();
			if (real.getFileSystem().supportedFileAttributeViews().contains("posix")) {
				String named = real.equals(keyFile) ? keyFile.toString()
						: keyFile + " (a symbolic link to " + real + ")";
				Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(real, LinkOption.NOFOLLOW_LINKS);
				if (permissions.stream().anyMatch((permission) -> permission.name().startsWith("GROUP")
						|| permission.name().startsWith("OTHERS"))) {
					throw keyFile("The encryption key file " + named + " can be read by other users; refusing to use "
							+ "it. Run: chmod 600 " + real, null);
				}
				if (!PrivateFiles.ownedBy(real, userId)) {
					String owner = Files.getOwner(real, LinkOption.NOFOLLOW_LINKS).getName();
					throw keyFile("The encryption key file " + named + " belongs to '" + owner + "', not to the user "
							+ "running this program (user id " + userId + "); refusing to use it. Make it yours (chown "
							+ System.getProperty("user.name") + " " + real + ") or use a key file of your own.", null);
				}
			}
			return Files.readString(real, StandardCharsets.UTF_8).trim();
		}
		catch (IOException ex) {
			throw keyFile("Cannot read the encryption key file " + keyFile + " (" + PrivateFiles.describe(ex)
					+ "). Check the path, or give the key as text instead.", ex);
		}
	}

	private static EncryptionKeyException keyFile(String message, @Nullable Throwable cause) {
		return new EncryptionKeyException(KeySource.KEY_FILE, message, cause);
	}

	private static byte[] decode(String base64, KeySource source, String what) {
		byte[] key;
		try {
			key = Base64.getDecoder().decode(base64.trim());
		}
		catch (IllegalArgumentException ex) {
			// The decoder's message quotes the offending character: not shown, it is part of a key.
			throw new EncryptionKeyException(source, what + " is not valid base64. " + GENERATE, null);
		}
		String problem = TokenCipher.keyProblem(key);
		if (problem != null) {
			throw new EncryptionKeyException(source, what + " " + problem, null);
		}
		return key;
	}

}
