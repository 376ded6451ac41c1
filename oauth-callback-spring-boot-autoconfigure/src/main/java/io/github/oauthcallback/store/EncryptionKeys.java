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
	 * Reads the key file after checking, on POSIX, that only its owner can read it and that the owner is the given
	 * user. A key file that is a symbolic link is judged by the file it leads to ({@link Path#toRealPath}, resolved
	 * once): both checks look at that same file.
	 * @param keyFile the key file
	 * @param userId the id of the user it must belong to (the running user's, or {@code null} if unknown)
	 * @return its content
	 */
	static String readKeyFile(Path keyFile, Long userId) {
		try {
			Path real = keyFile.toRealPath();
			if (real.getFileSystem().supportedFileAttributeViews().contains("posix")) {
				String named = real.equals(keyFile) ? keyFile.toString()
						: keyFile + " (a symbolic link to " + real + ")";
				Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(real, LinkOption.NOFOLLOW_LINKS);
				if (permissions.stream().anyMatch((permission) -> permission.name().startsWith("GROUP")
						|| permission.name().startsWith("OTHERS"))) {
					throw new InvalidConfigurationException("The encryption key file " + named
							+ " can be read by other users; refusing to use it. Run: chmod 600 " + real);
				}
				if (!PrivateFiles.ownedBy(real, userId)) {
					String owner = Files.getOwner(real, LinkOption.NOFOLLOW_LINKS).getName();
					throw new InvalidConfigurationException("The encryption key file " + named + " belongs to '"
							+ owner + "', not to the user running this program (user id " + userId + "); refusing to use "
							+ "it. Make it yours (chown " + System.getProperty("user.name") + " " + real
							+ ") or use a key file of your own.");
				}
			}
			return Files.readString(real, StandardCharsets.UTF_8).trim();
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
