package io.github.oauthcallback.internal.store.keychain;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.github.oauthcallback.internal.store.EncryptionKeys;
import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.internal.store.TokenFile;

/**
 * A separate JVM that gets the file store's key from the Secret Service, for the test of processes starting together:
 * {@code <bus address> <account> <token file> <lock directory> [<secret-tool>]}, under the item's lock as the starter takes it. It prints the key's id ({@code KEY_ID=...}), never the key.
 */
public final class KeychainWorker {

	private KeychainWorker() {
	}

	public static void main(String[] args) {
		CredentialStore keychain = Keychains.secretService((args.length > 4) ? args[4] : "secret-tool", "oauth-callback", args[1],
				Map.of("DBUS_SESSION_BUS_ADDRESS", args[0]));
		TokenFile tokens = new TokenFile(Path.of(args[2]), Duration.ofMinutes(1));
		TokenCipher cipher = EncryptionKeys.keychainCipher(keychain,
				Keychains.itemLock(keychain, Path.of(args[3]), Duration.ofMinutes(1)), null, tokens);
		System.out.println("KEY_ID=" + cipher.currentKeyId());
	}

}
