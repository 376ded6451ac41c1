package io.github.oauthcallback.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.github.oauthcallback.InvalidConfigurationException;

/**
 * Field-level encryption of token values with AES-256-GCM (the JDK's JCA): a random 96-bit nonce per value, the
 * entry's identity (registration, account, field) as associated data so values cannot be swapped between entries,
 * and the key id in each value so keys can be rotated (old keys still decrypt, new writes use the current key).
 * Stored form: {@code enc:v1:<key id>:<base64url(nonce || ciphertext || tag)>}. Values without the {@code enc:}
 * prefix are read as plaintext, so turning encryption on needs no migration.
 */
public final class TokenCipher {

	private static final String PREFIX = "enc:v1:";

	private static final int NONCE_BYTES = 12;

	private static final int TAG_BITS = 128;

	private static final TokenCipher NONE = new TokenCipher(new LinkedHashMap<>());

	private final SecureRandom random = new SecureRandom();

	private final Map<String, SecretKeySpec> keys;

	private final String currentKeyId;

	private TokenCipher(Map<String, SecretKeySpec> keys) {
		this.keys = keys;
		this.currentKeyId = keys.isEmpty() ? null : keys.keySet().iterator().next();
	}

	/**
	 * @return a cipher that stores values as plaintext (and still reads plaintext)
	 */
	public static TokenCipher none() {
		return NONE;
	}

	/**
	 * @param currentKey the 256-bit key new values are encrypted with
	 * @param previousKeys older keys, still accepted for reading
	 * @return the cipher
	 */
	public static TokenCipher of(byte[] currentKey, List<byte[]> previousKeys) {
		Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
		List<byte[]> all = new ArrayList<>();
		all.add(currentKey);
		all.addAll(previousKeys);
		for (byte[] key : all) {
			if (key.length != 32) {
				throw new InvalidConfigurationException("An oauth-callback.store.encryption key has " + key.length
						+ " bytes; AES-256 needs 32. Generate one with: openssl rand -base64 32");
			}
			keys.putIfAbsent(keyId(key), new SecretKeySpec(key, "AES"));
		}
		return new TokenCipher(keys);
	}

	/**
	 * @return whether new values are encrypted
	 */
	public boolean encrypting() {
		return this.currentKeyId != null;
	}

	/**
	 * @return the id of the key new values are encrypted with, or {@code null}
	 */
	public String currentKeyId() {
		return this.currentKeyId;
	}

	/**
	 * @param value a token value, or {@code null}
	 * @param context the entry and field it belongs to, bound as associated data
	 * @return the value to store
	 */
	public String seal(String value, String context) {
		if (value == null || this.currentKeyId == null) {
			return value;
		}
		try {
			byte[] nonce = new byte[NONCE_BYTES];
			this.random.nextBytes(nonce);
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, this.keys.get(this.currentKeyId), new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
			byte[] sealed = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
			byte[] out = new byte[nonce.length + sealed.length];
			System.arraycopy(nonce, 0, out, 0, nonce.length);
			System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
			return PREFIX + this.currentKeyId + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM is required by every Java platform", ex);
		}
	}

	/**
	 * @param stored a stored value, or {@code null}
	 * @param context the entry and field it belongs to
	 * @return the token value
	 * @throws UndecryptableException if the value's key is not configured or the value does not decrypt
	 */
	public String open(String stored, String context) {
		if (stored == null || !stored.startsWith(PREFIX)) {
			return stored;
		}
		int colon = stored.indexOf(':', PREFIX.length());
		if (colon < 0) {
			throw new UndecryptableException("a value is not in the enc:v1:<key id>:<data> form", null);
		}
		String keyId = stored.substring(PREFIX.length(), colon);
		SecretKeySpec key = this.keys.get(keyId);
		if (key == null) {
			throw new UndecryptableException("a value is encrypted with key id " + keyId + ", which is not configured"
					+ (this.keys.isEmpty() ? " (encryption is off)" : " (configured: " + this.keys.keySet() + ")"),
					keyId);
		}
		try {
			byte[] data = Base64.getUrlDecoder().decode(stored.substring(colon + 1));
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, 0, NONCE_BYTES));
			cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
			byte[] plain = cipher.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES);
			return new String(plain, StandardCharsets.UTF_8);
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			throw new UndecryptableException("a value encrypted with key id " + keyId
					+ " does not decrypt: it was altered, or belongs to another entry", keyId);
		}
	}

	static String keyId(byte[] key) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
			return HexFormat.of().formatHex(digest, 0, 4);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A stored value that cannot be decrypted with the configured keys. */
	public static final class UndecryptableException extends io.github.oauthcallback.OAuthCallbackException {

		private static final long serialVersionUID = 1L;

		private final String keyId;

		UndecryptableException(String message, String keyId) {
			super(message);
			this.keyId = keyId;
		}

		/**
		 * @return the key id the value names, or {@code null}
		 */
		public String getKeyId() {
			return this.keyId;
		}

	}

}
