package io.github.oauthcallback;

import org.jspecify.annotations.Nullable;

/**
 * The token store cannot be read or written: an unreadable, corrupt, newer-version or undecryptable file, a wrong
 * encryption key, a directory that cannot be written, a database failure. The store is left as it was; the message
 * names the store and the way out.
 */
public class TokenStoreException extends OAuthCallbackException {

	private static final long serialVersionUID = 1L;

	private final String location;

	public TokenStoreException(String location, String message) {
		super(message);
		this.location = location;
	}

	public TokenStoreException(String location, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.location = location;
	}

	/**
	 * @return the store concerned: a file path, or a description of the database table
	 */
	public String getLocation() {
		return this.location;
	}

}
