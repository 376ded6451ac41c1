package io.github.oauthcallback.internal.store.keychain;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.oauthcallback.internal.store.TokenFile;
import io.github.oauthcallback.internal.store.TokenFileLocation;
import io.github.oauthcallback.internal.store.keychain.KeychainException.Problem;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The credential store of the running system, and the file store's key in it: read, or created on first use.
 */
public final class Keychains {

	private static final Log logger = LogFactory.getLog(Keychains.class);

	private static final SecureRandom random = new SecureRandom();

	private static final int KEY_BYTES = 32;

	private Keychains() {
	}

	/**
	 * @param service the item's service
	 * @param account the item's account
	 * @return the credential store of this operating system ({@code os.name}), through its own tool on the PATH
	 * @throws KeychainException if this system has none that is supported
	 */
	public static CredentialStore forThisSystem(String service, String account) {
		return forSystem(System.getProperty("os.name", ""), service, account, Map.of());
	}

	/**
	 * @param osName an {@code os.name}
	 * @param service the item's service
	 * @param account the item's account
	 * @param environment variables set for the tool on top of this process's environment
	 * @return the credential store of that operating system, through its own tool on the PATH
	 * @throws KeychainException if that system has none that is supported
	 */
	public static CredentialStore forSystem(String osName, String service, String account,
			Map<String, String> environment) {
		ToolProcess tool = new ToolProcess(environment, ToolProcess.DEFAULT_TIMEOUT);
		String os = osName.toLowerCase(Locale.ROOT);
		if (os.startsWith("windows")) {
			return new WindowsCredentialManager("powershell.exe", service, account, tool);
		}
		if (os.startsWith("mac") || os.startsWith("darwin")) {
			return new MacOsKeychain("security", service, account, tool);
		}
		if (os.contains("linux") || os.contains("bsd")) {
			return new SecretServiceKeychain("secret-tool", service, account, tool);
		}
		throw new KeychainException(Problem.UNAVAILABLE, "The token encryption key is to be kept in the OS keychain "
				+ "(key-source=keychain), but this system (" + osName + ") has no keychain oauth-callback supports "
				+ "(the Secret Service on Linux, the macOS keychain, the Windows Credential Manager). Use "
				+ "oauth-callback.store.encryption.key-source=property with a key or key file.", null);
	}

	/**
	 * The Secret Service through a given {@code secret-tool}.
	 * @param program the program
	 * @param service the item's service
	 * @param account the item's account
	 * @param environment variables set for the tool (such as {@code DBUS_SESSION_BUS_ADDRESS})
	 * @return the credential store
	 */
	public static CredentialStore secretService(String program, String service, String account,
			Map<String, String> environment) {
		return new SecretServiceKeychain(program, service, account,
				new ToolProcess(environment, ToolProcess.DEFAULT_TIMEOUT));
	}

	/**
	 * The key kept in the credential store, created on first use without a check of what is stored
	 * ({@link #currentKey(CredentialStore, Function, Runnable)}).
	 * @param store the credential store
	 * @param underLock runs an action under the lock that guards the creation
	 * @return the 256-bit key
	 * @throws KeychainException if there is no usable key and none can be created
	 */
	public static byte[] currentKey(CredentialStore store, Function<Supplier<byte[]>, byte[]> underLock) {
		return currentKey(store, underLock, () -> {
		});
	}

	/**
	 * The key kept in the credential store: the one it holds, or a new random AES-256 key stored there on first use.
	 * Creation runs under the given lock (the item's, {@link #itemLock}), reads again inside it, asks
	 * {@code beforeCreate} whether a new key may be made (it refuses when stored logins need the missing one), and
	 * reads the stored key back, so processes starting together agree on one key. A stored item that is no key is
	 * reported and left as it is; a credential store that cannot be reached, is locked or refuses is reported, and
	 * nothing is stored anywhere else.
	 * @param store the credential store
	 * @param underLock runs an action under the lock that guards the creation
	 * @param beforeCreate runs under that lock before a new key is created; throws to refuse the creation
	 * @return the 256-bit key
	 * @throws KeychainException if there is no usable key and none can be created
	 */
	public static byte[] currentKey(CredentialStore store, Function<Supplier<byte[]>, byte[]> underLock,
			Runnable beforeCreate) {
		String stored = store.read();
		if (stored != null) {
			return decode(stored, store);
		}
		return underLock.apply(() -> {
			String again = store.read();
			if (again != null) {
				return decode(again, store);
			}
			beforeCreate.run();
			byte[] key = new byte[KEY_BYTES];
			random.nextBytes(key);
			String text = Base64.getEncoder().encodeToString(key);
			store.create(text);
			String back = store.read();
			if (back == null) {
				throw new KeychainException(Problem.REFUSED, "A new token encryption key was given to the OS keychain ("
						+ store.describe() + "), but it cannot be read back from there. Check the keychain and try "
						+ "again. Nothing was stored anywhere else.", null);
			}
			if (!back.strip().equals(text)) {
				// Another writer stored a key first: nothing is sealed with the new one yet, so its key is used.
				return decode(back, store);
			}
			logger.info("Created a new token encryption key in the OS keychain (" + store.describe() + ")");
			return key;
		});
	}

	/**
	 * The lock that guards the creation of an item's key: a file named after the item (its service and account), so
	 * every application and store that uses the item takes the same lock, whatever its token file.
	 * @param store the item
	 * @param directory where the lock file lives ({@link #lockDirectory()}); created owner-only if missing
	 * @param timeout how long to wait for the lock
	 * @return runs an action under that lock
	 */
	public static Function<Supplier<byte[]>, byte[]> itemLock(CredentialStore store, Path directory,
			Duration timeout) {
		TokenFile lock = new TokenFile(directory.resolve(lockName(store.service(), store.account())), timeout);
		return (action) -> lock.exclusively(action::get);
	}

	/**
	 * @return where the keychain item locks live: the starter's own folder in the user's configuration directory
	 * (next to the default token file of an application without a name)
	 */
	public static Path lockDirectory() {
		return TokenFileLocation.defaultPath(null).getParent();
	}

	/**
	 * @param service the item's service
	 * @param account the item's account
	 * @return the name of its lock, without the {@code .lock} the lock adds: {@code keychain-<sha256 hex>}
	 */
	static String lockName(String service, String account) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256")
				.digest((service + "\0" + account).getBytes(StandardCharsets.UTF_8));
			return "keychain-" + HexFormat.of().formatHex(digest);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("SHA-256 is required by every Java platform", ex);
		}
	}

	private static byte[] decode(String stored, CredentialStore store) {
		byte[] key;
		try {
			key = Base64.getDecoder().decode(stored.strip());
		}
		catch (IllegalArgumentException ex) {
			throw invalid(store, "is not base64");
		}
		if (key.length != KEY_BYTES) {
			throw invalid(store, "has " + key.length + " bytes, not the 32 of an AES-256 key");
		}
		return key;
	}

	private static KeychainException invalid(CredentialStore store, String problem) {
		return new KeychainException(Problem.INVALID, "The OS keychain item for the token encryption key ("
				+ store.describe() + ") holds no usable key: its value " + problem + ". It was left as it is. If "
				+ "another program made it, name another item with oauth-callback.store.encryption.keychain.account; "
				+ "if it held the key of the stored logins, put that key back (base64 of 32 bytes).", null);
	}

	/** The longest service or account accepted. */
	public static final int MAX_LENGTH = 128;

	/**
	 * The one check of a keychain item's service and account, for the credential stores and the configuration
	 * properties.
	 * @param value the service or account
	 * @param what "service" or "account"
	 * @return the value
	 * @throws IllegalArgumentException if it is empty, longer than {@value #MAX_LENGTH} characters, starts with
	 * {@code -} (secret-tool would take it for an option) or holds a quote, a backslash or a control character
	 */
	public static String quotable(String value, String what) {
		String shown = value.replaceAll("\\p{Cntrl}", "?");
		if (value.length() > MAX_LENGTH) {
			throw new IllegalArgumentException("The keychain " + what + " must be at most " + MAX_LENGTH
					+ " characters long (was " + value.length() + ": '" + shown.substring(0, 40) + "...').");
		}
		if (value.startsWith("-")) {
			throw new IllegalArgumentException("The keychain " + what + " must not start with '-', which the "
					+ "keychain tool would take for an option (was '" + shown + "').");
		}
		if (value.isBlank() || value.chars().anyMatch((c) -> c == '"' || c == '\\' || Character.isISOControl(c))) {
			throw new IllegalArgumentException("The keychain " + what + " must be non-empty text without quotes, "
					+ "backslashes or control characters (was '" + shown + "').");
		}
		return value;
	}

}
