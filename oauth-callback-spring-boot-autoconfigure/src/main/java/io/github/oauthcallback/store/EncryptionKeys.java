package io.github.oauthcallback.store;

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

import io.github.oauthcallback.InvalidConfigurationException;

/**
 * Reads encryption keys from configuration: base64 text, or a key file that only its owner may read.
 */
public final class EncryptionKeys {

	private EncryptionKeys() {
	}

	/**
	 * @param key the current key as base64, or {@code null}
	 * @param keyFile a file holding the current key as base64, or {@code null}
	 * @param previousKeys older keys as base64, still accepted for reading
	 * @return the cipher, {@link TokenCipher#none()} when no key is configured
	 */
	public static TokenCipher cipher(String key, Path keyFile, List<String> previousKeys) {
		boolean hasKey = key != null && !key.isBlank();
		if (hasKey && keyFile != null) {
			throw new InvalidConfigurationException("Set either oauth-callback.store.encryption.key or "
					+ "oauth-callback.store.encryption.key-file, not both.");
		}
		List<byte[]> previous = new ArrayList<>();
		if (previousKeys != null) {
			for (String old : previousKeys) {
				previous.add(decode(old, "oauth-callback.store.encryption.previous-keys"));
			}
		}
		if (hasKey) {
			return TokenCipher.of(decode(key, "oauth-callback.store.encryption.key"), previous);
		}
		if (keyFile != null) {
			return TokenCipher.of(decode(readKeyFile(keyFile), "the key file " + keyFile), previous);
		}
		if (!previous.isEmpty()) {
			throw new InvalidConfigurationException("oauth-callback.store.encryption.previous-keys is set but no "
					+ "current key: set oauth-callback.store.encryption.key (or key-file) too.");
		}
		return TokenCipher.none();
	}

	private static String readKeyFile(Path keyFile) {
		return readKeyFile(keyFile, PrivateFiles.currentUserId());
	}

	/**
	 * @param keyFile the key file
	 * @param userId the id of the user it must belong to (the running user's, or {@code null} if unknown)
	 * @return its content
	 */
	static String readKeyFile(Path keyFile, Long userId) {
		try {
			if (keyFile.getFileSystem().supportedFileAttributeViews().contains("posix")) {
				Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(keyFile);
				if (permissions.stream().anyMatch((permission) -> permission.name().startsWith("GROUP")
						|| permission.name().startsWith("OTHERS"))) {
					throw new InvalidConfigurationException("The encryption key file " + keyFile
							+ " can be read by other users; refusing to use it. Run: chmod 600 " + keyFile);
				}
				if (!PrivateFiles.ownedBy(keyFile, userId)) {
					String owner = Files.getOwner(keyFile, LinkOption.NOFOLLOW_LINKS).getName();
					throw new InvalidConfigurationException("The encryption key file " + keyFile + " belongs to '"
							+ owner + "', not to the user running this program (user id " + userId + "); refusing to use "
							+ "it. Make it yours (chown " + System.getProperty("user.name") + " "
							+ keyFile + ") or use a key file of your own.");
				}
			}
			return Files.readString(keyFile, StandardCharsets.UTF_8).trim();
		}
		catch (IOException ex) {
			throw new InvalidConfigurationException("Cannot read the encryption key file " + keyFile + " ("
					+ ex.getClass().getSimpleName() + "). Fix oauth-callback.store.encryption.key-file.", ex);
		}
	}

	private static byte[] decode(String base64, String source) {
		try {
			return Base64.getDecoder().decode(base64.trim());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationException(source + " is not valid base64. Generate a key with: "
					+ "openssl rand -base64 32");
		}
	}

}
