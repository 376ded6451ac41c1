package io.github.oauthcallback.internal.store;

import java.io.ByteArrayOutputStream;
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

import org.jspecify.annotations.Nullable;

import org.springframework.lang.Contract;

/**
 * Authenticated encryption of stored logins with AES-256-GCM (the JDK's JCA): a random 96-bit nonce per sealed value,
 * associated data that binds it to where it belongs, and the key id in each value so keys can be rotated (old keys
 * still decrypt, new writes use the current key).
 * <p>
 * Current form ({@link #seal}): {@code enc:v2:<key id>:<base64url(nonce || ciphertext || tag)>}, with associated data
 * built by {@link #associatedData}, which prefixes every part with its length so no two different lists of parts
 * give the same bytes. The stores seal one document per login ({@link SealedLogin}).
 * <p>
 * Older form ({@link #openV1}): {@code enc:v1:...}, one value per field with the ambiguous associated data
 * {@code registrationId\naccount\nfield}, written by versions before sealed logins. It protects only the token
 * values, so the stores refuse it and only the one-time migration ({@code encrypt-plaintext}) reads and re-seals it.
 */
public final class TokenCipher {

	/** What every encrypted value starts with, in any format. */
	static final String ENCRYPTED = "enc:";

	private static final String PREFIX = "enc:v2:";

	private static final String V1_PREFIX = "enc:v1:";

	private static final int NONCE_BYTES = 12;

	private static final int TAG_BITS = 128;

	private static final TokenCipher NONE = new TokenCipher(new LinkedHashMap<>(),
			"none (logins are stored as plaintext)");

	private final SecureRandom random = new SecureRandom();

	private final Map<String, SecretKeySpec> keys;

	private final @Nullable String currentKeyId;

	private final String keyLocation;

	private TokenCipher(Map<String, SecretKeySpec> keys, String keyLocation) {
		this.keys = keys;
		this.currentKeyId = keys.isEmpty() ? null : keys.keySet().iterator().next();
		this.keyLocation = keyLocation;
	}

	/**
	 * @return a cipher without a key: the stores keep values as plaintext, and cannot read encrypted ones
	 */
	public static TokenCipher none() {
		return NONE;
	}

	/**
	 * @param currentKey the 256-bit key new values are encrypted with
	 * @param previousKeys older keys, still accepted for reading
	 * @return the cipher
	 * @throws IllegalArgumentException if a key is not 256 bits long
	 */
	public static TokenCipher of(byte[] currentKey, List<byte[]> previousKeys) {
		Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
		List<byte[]> all = new ArrayList<>();
		all.add(currentKey);
		all.addAll(previousKeys);
		for (byte[] key : all) {
			String problem = keyProblem(key);
			if (problem != null) {
				throw new IllegalArgumentException("An encryption key " + problem);
			}
			keys.putIfAbsent(keyId(key), new SecretKeySpec(key, "AES"));
		}
		return new TokenCipher(keys, "given to the application");
	}

	/**
	 * @param keyLocation where the current key lives, for {@code status} (never the key)
	 * @return this cipher, saying so
	 */
	public TokenCipher withKeyLocation(String keyLocation) {
		return encrypting() ? new TokenCipher(this.keys, keyLocation) : this;
	}

	/**
	 * @return where the current key lives, for {@code status}: "OS keychain (...)", a property, a key file, or
	 * "none" without a key
	 */
	public String keyLocation() {
		return this.keyLocation;
	}

	/**
	 * The one check of a key's size, for {@link #of} and {@link EncryptionKeys}.
	 * @param key a key
	 * @return what is wrong with it, to follow "An encryption key" or the like, or {@code null} if it can be used
	 */
	static @Nullable String keyProblem(byte[] key) {
		return (key.length == 32) ? null
				: "has " + key.length + " bytes; AES-256 needs 32. Generate one with: openssl rand -base64 32";
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
	public @Nullable String currentKeyId() {
		return this.currentKeyId;
	}

	/**
	 * @param stored a stored value, or {@code null}
	 * @return whether it is encrypted (in any format); a value that is not is plaintext
	 */
	@Contract("null -> false")
	public static boolean isEncrypted(@Nullable String stored) {
		return stored != null && stored.startsWith(ENCRYPTED);
	}

	/**
	 * @param stored a stored value, or {@code null}
	 * @return whether it is in the older field-by-field {@code enc:v1} form
	 */
	@Contract("null -> false")
	public static boolean isV1(@Nullable String stored) {
		return stored != null && stored.startsWith(V1_PREFIX);
	}

	/**
	 * Seals a value with the current key.
	 * @param value the value
	 * @param associatedData what it is bound to ({@link #associatedData})
	 * @return {@code enc:v2:<key id>:<data>}
	 * @throws IllegalStateException if no key is configured
	 */
	public String seal(String value, byte[] associatedData) {
		if (this.currentKeyId == null) {
			throw new IllegalStateException("No encryption key is configured");
		}
		return PREFIX + this.currentKeyId + ":" + encrypt(value, associatedData);
	}

	/**
	 * @param stored a value from {@link #seal}
	 * @param associatedData what it must be bound to
	 * @return the value
	 * @throws UndecryptableException if it is not in the {@code enc:v2} form, its key is not configured, or it does
	 * not decrypt with this associated data
	 */
	public String open(String stored, byte[] associatedData) {
		if (stored == null || !stored.startsWith(PREFIX)) {
			throw new UndecryptableException("a value is not in the enc:v2:<key id>:<data> form", null);
		}
		return decrypt(stored, PREFIX, associatedData);
	}

	/**
	 * Writes the older {@code enc:v1} form. Nothing in the stores writes it any more; tests use it to reproduce what
	 * earlier versions stored.
	 * @param value a token value
	 * @param context the entry and field it belongs to ({@link #v1Context})
	 * @return {@code enc:v1:<key id>:<data>}
	 */
	public String sealV1(String value, String context) {
		return V1_PREFIX + this.currentKeyId + ":" + encrypt(value, context.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Reads the older {@code enc:v1} form.
	 * @param stored a value in the {@code enc:v1} form
	 * @param context the entry and field it belongs to ({@link #v1Context})
	 * @return the token value
	 * @throws UndecryptableException if the value's key is not configured or the value does not decrypt
	 */
	public String openV1(String stored, String context) {
		if (!isV1(stored)) {
			throw new UndecryptableException("a value is not in the enc:v1:<key id>:<data> form", null);
		}
		return decrypt(stored, V1_PREFIX, context.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * @param registrationId the registration id
	 * @param account the account
	 * @param field the field
	 * @return the associated data of the {@code enc:v1} form
	 */
	public static String v1Context(String registrationId, String account, String field) {
		return registrationId + "\n" + account + "\n" + field;
	}

	/**
	 * Encodes parts as associated data without ambiguity: each part is its UTF-8 length as 4 big-endian bytes
	 * followed by its UTF-8 bytes ({@code null} is length -1), so {@code ("a\nb", "c")} and {@code ("a", "b\nc")}
	 * differ.
	 * @param parts the parts, in order
	 * @return the associated data
	 */
	public static byte[] associatedData(@Nullable String... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (String part : parts) {
			byte[] bytes = (part != null) ? part.getBytes(StandardCharsets.UTF_8) : null;
			int length = (bytes != null) ? bytes.length : -1;
			out.write(length >>> 24);
			out.write(length >>> 16);
			out.write(length >>> 8);
			out.write(length);
			if (bytes != null) {
				out.writeBytes(bytes);
			}
		}
		return out.toByteArray();
	}

	private String encrypt(String value, byte[] associatedData) {
		try {
			byte[] nonce = new byte[NONCE_BYTES];
			this.random.nextBytes(nonce);
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, this.keys.get(this.currentKeyId), new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(associatedData);
			byte[] sealed = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
			byte[] out = new byte[nonce.length + sealed.length];
			System.arraycopy(nonce, 0, out, 0, nonce.length);
			System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
			return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM is required by every Java platform", ex);
		}
	}

	private String decrypt(String stored, String prefix, byte[] associatedData) {
		String form = prefix.substring(0, prefix.length() - 1);
		int colon = stored.indexOf(':', prefix.length());
		if (colon < 0) {
			throw new UndecryptableException("a value is not in the " + form + ":<key id>:<data> form", null);
		}
		String keyId = stored.substring(prefix.length(), colon);
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
			cipher.updateAAD(associatedData);
			byte[] plain = cipher.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES);
			return new String(plain, StandardCharsets.UTF_8);
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			throw new UndecryptableException("a value encrypted with key id " + keyId
					+ " does not decrypt: it was altered, or belongs to another entry", keyId);
		}
	}

	/**
	 * @param stored a stored value, or {@code null}
	 * @return the id of the key it is sealed with ({@code enc:v1} or {@code enc:v2}), or {@code null} if it is not
	 * sealed in one of these forms
	 */
	public static @Nullable String keyIdOf(@Nullable String stored) {
		String prefix = isV1(stored) ? V1_PREFIX : (stored != null && stored.startsWith(PREFIX)) ? PREFIX : null;
		if (prefix == null) {
			return null;
		}
		int colon = stored.indexOf(':', prefix.length());
		return (colon < 0) ? null : stored.substring(prefix.length(), colon);
	}

	public static String keyId(byte[] key) {
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

		private final @Nullable String keyId;

		UndecryptableException(String message, @Nullable String keyId) {
			super(message);
			this.keyId = keyId;
		}

		/**
		 * @return the key id the value names, or {@code null}
		 */
		public @Nullable String getKeyId() {
			return this.keyId;
		}

	}

}
