package io.github.oauthcallback.internal.store;

import io.github.oauthcallback.OAuthCallbackException;
import org.jspecify.annotations.Nullable;

/**
 * An encryption key cannot be used: it is not base64 or not 256 bits, its key file is readable by others, belongs to
 * another user or cannot be read, the OS keychain that keeps it cannot give it ({@code KeychainException}), or the keys
 * given do not fit together. {@link #getSource()} says which key is
 * concerned. The message never contains a key.
 */
public class EncryptionKeyException extends OAuthCallbackException {

	private static final long serialVersionUID = 1L;

	private final KeySource source;

	/**
	 * @param source which key is concerned
	 * @param message what is wrong and what to do, without the key
	 * @param cause the failure that made the key unusable, or {@code null}
	 */
	public EncryptionKeyException(KeySource source, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.source = source;
	}

	/**
	 * @return which key is concerned
	 */
	public KeySource getSource() {
		return this.source;
	}

	/**
	 * Where a key was given.
	 */
	public enum KeySource {

		/** The current key, as base64 text. */
		KEY,

		/** The file holding the current key. */
		KEY_FILE,

		/** The older keys still accepted for reading. */
		PREVIOUS_KEYS,

		/** The current key, kept in the OS keychain ({@code key-source=keychain}). */
		KEYCHAIN

	}

}
