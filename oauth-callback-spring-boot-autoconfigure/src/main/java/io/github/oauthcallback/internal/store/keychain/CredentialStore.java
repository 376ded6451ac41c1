package io.github.oauthcallback.internal.store.keychain;

import org.jspecify.annotations.Nullable;

/**
 * One item of an operating system's credential store, holding the file store's current key as base64 text.
 * Implementations run the system's own tool; they never put the key on a command line, in a message or in a log.
 */
public interface CredentialStore {

	/**
	 * @return where the item lives, for {@code status} and messages, such as
	 * {@code Secret Service, service 'oauth-callback', account 'my-cli'}
	 */
	String describe();

	/**
	 * @return the item's service
	 */
	String service();

	/**
	 * @return the item's account
	 */
	String account();

	/**
	 * Reads the item.
	 * @return the stored text, or {@code null} if the credential store holds no such item
	 * @throws KeychainException if the credential store cannot be reached, is locked or refuses
	 */
	@Nullable String read();

	/**
	 * Creates the item (or replaces it, where the tool cannot do otherwise: callers read first, under a lock).
	 * @param secret the text to keep, given to the tool on its standard input
	 * @throws KeychainException if the credential store cannot be reached, is locked or refuses
	 */
	void create(String secret);

}
