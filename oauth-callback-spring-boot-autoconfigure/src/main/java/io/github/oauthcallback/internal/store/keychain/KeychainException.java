package io.github.oauthcallback.internal.store.keychain;

import io.github.oauthcallback.internal.store.EncryptionKeyException;
import org.jspecify.annotations.Nullable;

/**
 * The OS credential store that holds the file store's key ({@code key-source=keychain}) cannot give it: its tool or
 * service is absent, it is locked, it refuses, or the item it holds is no key. The message says which store and item,
 * what happened and what to do; it never contains a key. Nothing is ever stored elsewhere instead.
 */
public class KeychainException extends EncryptionKeyException {

	private static final long serialVersionUID = 1L;

	private final Problem problem;

	/**
	 * @param problem what kind of failure
	 * @param message what happened and what to do, without the key
	 * @param cause the underlying failure, or {@code null}
	 */
	public KeychainException(Problem problem, String message, @Nullable Throwable cause) {
		super(KeySource.KEYCHAIN, message, cause);
		this.problem = problem;
	}

	/**
	 * @return what kind of failure
	 */
	public Problem getProblem() {
		return this.problem;
	}

	/**
	 * What kind of failure.
	 */
	public enum Problem {

		/** The tool, the session bus or the credential service is not there. */
		UNAVAILABLE,

		/** The credential store (or the item's collection) is locked. */
		LOCKED,

		/** The credential store answered with an error, or did not answer in time. */
		REFUSED,

		/** The item exists but holds no usable key: it is left as it is. */
		INVALID,

		/**
		 * The item is missing while the token file holds logins sealed with a key it does not have: no new key is
		 * created, which would leave them unreadable.
		 */
		MISSING

	}

}
