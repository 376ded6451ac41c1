package io.github.oauthcallback.internal.store.keychain;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.oauthcallback.internal.store.EncryptionKeys;
import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.internal.store.TokenFile;
import io.github.oauthcallback.internal.store.keychain.KeychainException.Problem;
import io.github.oauthcallback.store.FileTokenStore;
import io.github.oauthcallback.support.CapturedLogs;
import io.github.oauthcallback.support.SecretServiceSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

import static io.github.oauthcallback.store.StoreFixtures.account;
import static io.github.oauthcallback.store.StoreFixtures.client;
import static io.github.oauthcallback.store.StoreFixtures.registration;
import static io.github.oauthcallback.store.StoreFixtures.registrations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The Linux backend against a real Secret Service: gnome-keyring on a session bus of the test's own
 * ({@link SecretServiceSession}), reached through the real {@code secret-tool}.
 */
class SecretServiceKeychainTests {

	@TempDir
	Path dir;

	@Test
	void createsARandomKeyOnFirstUseKeepsItOffTheCommandLineAndGivesTheSameOneAfterwards() throws Exception {
		Path argv = this.dir.resolve("argv.log");
		Path wrapper = recordingWrapper(argv);
		try (SecretServiceSession session = SecretServiceSession.start(this.dir.resolve("home"), true);
				CapturedLogs logs = new CapturedLogs()) {
			assertThat(session.secretTool(null, "lookup", "service", "oauth-callback", "account", "app-a").exitCode())
				.isNotZero();
			byte[] first = Keychains.currentKey(keychain(wrapper.toString(), "app-a", session), lock());
			byte[] second = Keychains.currentKey(keychain("secret-tool", "app-a", session), lock());
			assertThat(first).hasSize(32).isEqualTo(second);
			String base64 = Base64.getEncoder().encodeToString(first);
			assertThat(session.secretTool(null, "lookup", "service", "oauth-callback", "account", "app-a").stdout())
				.isEqualTo(base64);
			String commandLines = Files.readString(argv);
			assertThat(commandLines).contains("store", "lookup").doesNotContain(base64);
			assertThat(logs.text()).contains("Created a new token encryption key in the OS keychain (Secret Service, "
					+ "service 'oauth-callback', account 'app-a')").doesNotContain(base64);
			byte[] otherApplication = Keychains.currentKey(keychain("secret-tool", "app-b", session), lock());
			assertThat(otherApplication).hasSize(32).isNotEqualTo(first);
			assertThat(Files.list(this.dir).map(Path::getFileName).map(Path::toString))
				.as("nothing of the key on disk next to the token file")
				.allSatisfy((name) -> assertThat(name).doesNotContain("key"));
		}
	}

	@Test
	void processesStartingTogetherAgreeOnOneKeyWhateverTheirTokenFiles() throws Exception {
		try (SecretServiceSession session = SecretServiceSession.start(this.dir.resolve("home"), true)) {
			List<Process> workers = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				// Each its own token file (two applications, or two stores, with the same item): the item's lock, not
				// the token file's, keeps them from storing two keys where the last one wins. Each worker's
				// secret-tool waits longer before it stores, so without that lock every worker finds no item, then
				// stores its own key after the one before has read its own back.
				workers.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
						"-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
						KeychainWorker.class.getName(), session.busAddress(), "together",
						this.dir.resolve("app-" + i).resolve("tokens.json").toString(),
						this.dir.resolve("locks").toString(), slowStore(i, 2 + 2 * i).toString())
					.redirectErrorStream(true)
					.start());
			}
			List<String> ids = new ArrayList<>();
			for (Process worker : workers) {
				String output = new String(worker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
				assertThat(worker.waitFor(2, TimeUnit.MINUTES)).isTrue();
				assertThat(worker.exitValue()).as(output).isZero();
				ids.add(output.lines().filter((line) -> line.startsWith("KEY_ID=")).findFirst().orElseThrow());
			}
			String stored = "KEY_ID=" + TokenCipher.keyId(Keychains.currentKey(keychain("secret-tool", "together",
					session), lock()));
			assertThat(ids).containsOnly(stored);
			assertThat(this.dir.resolve("locks").resolve(Keychains.lockName("oauth-callback", "together") + ".lock"))
				.exists();
			assertThat(Files.getPosixFilePermissions(this.dir.resolve("locks")))
				.isEqualTo(PosixFilePermissions.fromString("rwx------"));
		}
	}

	@Test
	void aMissingItemIsNotReplacedWhileTheTokenFileHoldsLoginsSealedWithItsKey() throws Exception {
		Path tokens = this.dir.resolve("tokens.json");
		try (SecretServiceSession session = SecretServiceSession.start(this.dir.resolve("home"), true)) {
			TokenCipher cipher = cipher(keychain("secret-tool", "app", session));
			new FileTokenStore(tokens, registrations("github", "gitlab"), cipher)
				.saveAuthorizedClient(client(registration("github"), "ada", "access-1", "refresh-1"), account("ada"));
			new FileTokenStore(tokens, registrations("github", "gitlab"), cipher)
				.saveAuthorizedClient(client(registration("gitlab"), "ada", "access-2", "refresh-2"), account("ada"));
			String oldKey = session.secretTool(null, "lookup", "service", "oauth-callback", "account", "app").stdout();
			byte[] sealed = Files.readAllBytes(tokens);
			// The item is lost (another keyring, a cleared one, a new machine with the token file copied over).
			assertThat(session.secretTool(null, "clear", "service", "oauth-callback", "account", "app").exitCode())
				.isZero();
			assertThatExceptionOfType(KeychainException.class)
				.isThrownBy(() -> cipher(keychain("secret-tool", "app", session)))
				.satisfies((ex) -> assertThat(ex.getProblem()).isEqualTo(Problem.MISSING))
				.withMessageContaining("Secret Service, service 'oauth-callback', account 'app'")
				.withMessageContaining(tokens + " holds 2 logins sealed with another key (key id "
						+ cipher.currentKeyId() + ")")
				.withMessageContaining("Restore the keychain item")
				.withMessageContaining("oauth-callback.store.encryption.previous-keys")
				.withMessageContaining("move " + tokens + " aside or delete it")
				.withMessageNotContaining(oldKey);
			assertThat(Files.readAllBytes(tokens)).as("the token file is left as it is").isEqualTo(sealed);
			assertThat(session.secretTool(null, "lookup", "service", "oauth-callback", "account", "app").exitCode())
				.as("no new item").isNotZero();
			// The old key given as a previous key: a new key is made, and the logins are still read.
			TokenFile tokenFile = new TokenFile(tokens, Duration.ofMinutes(1));
			TokenCipher rotated = EncryptionKeys.keychainCipher(keychain("secret-tool", "app", session),
					Keychains.itemLock(keychain("secret-tool", "app", session), this.dir.resolve("locks"),
							Duration.ofMinutes(1)),
					List.of(oldKey), tokenFile);
			assertThat(rotated.currentKeyId()).isNotEqualTo(cipher.currentKeyId());
			OAuth2AuthorizedClient login = new FileTokenStore(tokens, registrations("github", "gitlab"), rotated)
				.loadAuthorizedClient("gitlab", "ada");
			assertThat(login).isNotNull();
			assertThat(login.getAccessToken().getTokenValue()).isEqualTo("access-2");
		}
	}

	@Test
	void aLockedKeyringIsAnErrorAndNothingStoredIsLost() throws Exception {
		Path home = this.dir.resolve("home");
		Path tokens = this.dir.resolve("tokens.json");
		String keyId;
		try (SecretServiceSession session = SecretServiceSession.start(home, true)) {
			TokenCipher cipher = cipher(keychain("secret-tool", "app", session));
			keyId = cipher.currentKeyId();
			new FileTokenStore(tokens, registrations("github"), cipher)
				.saveAuthorizedClient(client(registration("github"), "ada", "access-1", "refresh-1"), account("ada"));
		}
		byte[] sealed = Files.readAllBytes(tokens);
		try (SecretServiceSession locked = SecretServiceSession.start(home, false)) {
			assertThatExceptionOfType(KeychainException.class)
				.isThrownBy(() -> cipher(keychain("secret-tool", "app", locked)))
				.satisfies((ex) -> assertThat(ex.getProblem()).isEqualTo(Problem.LOCKED))
				.withMessageContaining("Secret Service, service 'oauth-callback', account 'app'")
				.withMessageContaining("is locked")
				.withMessageContaining("Unlock it");
			// No item yet, locked keyring, an empty token file of its own: no new key is made anywhere else.
			assertThatExceptionOfType(KeychainException.class)
				.isThrownBy(() -> cipher(keychain("secret-tool", "fresh", locked), this.dir.resolve("fresh.json")))
				.satisfies((ex) -> assertThat(ex.getProblem()).isEqualTo(Problem.LOCKED));
		}
		assertThat(Files.readAllBytes(tokens)).isEqualTo(sealed);
		try (SecretServiceSession session = SecretServiceSession.start(home, true)) {
			assertThat(session.secretTool(null, "lookup", "service", "oauth-callback", "account", "fresh").exitCode())
				.isNotZero();
			TokenCipher cipher = cipher(keychain("secret-tool", "app", session));
			assertThat(cipher.currentKeyId()).isEqualTo(keyId);
			OAuth2AuthorizedClient login = new FileTokenStore(tokens, registrations("github"), cipher)
				.loadAuthorizedClient("github", "ada");
			assertThat(login).isNotNull();
			assertThat(login.getAccessToken().getTokenValue()).isEqualTo("access-1");
		}
	}

	@Test
	void anItemThatHoldsNoKeyIsAnErrorAndIsLeftAsItIs() throws Exception {
		try (SecretServiceSession session = SecretServiceSession.start(this.dir.resolve("home"), true)) {
			assertThat(session.secretTool("not-a-key", "store", "--label=other", "service", "oauth-callback",
					"account", "taken").exitCode()).isZero();
			assertThatExceptionOfType(KeychainException.class)
				.isThrownBy(() -> Keychains.currentKey(keychain("secret-tool", "taken", session), lock()))
				.satisfies((ex) -> assertThat(ex.getProblem()).isEqualTo(Problem.INVALID))
				.withMessageContaining("holds no usable key")
				.withMessageNotContaining("not-a-key");
			assertThat(session.secretTool(null, "lookup", "service", "oauth-callback", "account", "taken").stdout())
				.isEqualTo("not-a-key");
		}
	}

	@Test
	void aMissingToolIsAnError() {
		CredentialStore keychain = Keychains.secretService(this.dir.resolve("no-secret-tool").toString(),
				"oauth-callback", "app", Map.of());
		assertThatExceptionOfType(KeychainException.class).isThrownBy(() -> cipher(keychain))
			.satisfies((ex) -> assertThat(ex.getProblem()).isEqualTo(Problem.UNAVAILABLE))
			.withMessageContaining("cannot be run")
			.withMessageContaining("libsecret-tools");
		assertThat(this.dir.resolve("tokens.json")).doesNotExist();
	}

	@Test
	void aMissingSessionBusIsAnError() {
		SecretServiceSession.requirePrograms();
		CredentialStore keychain = Keychains.secretService("secret-tool", "oauth-callback", "app",
				Map.of("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + this.dir.resolve("no-bus")));
		assertThatExceptionOfType(KeychainException.class).isThrownBy(() -> cipher(keychain))
			.satisfies((ex) -> assertThat(ex.getProblem()).isEqualTo(Problem.UNAVAILABLE))
			.withMessageContaining("No Secret Service is reachable")
			.withMessageContaining("dbus-run-session")
			.withMessageContaining("key-source=property");
	}

	private TokenCipher cipher(CredentialStore keychain) {
		return cipher(keychain, this.dir.resolve("tokens.json"));
	}

	private TokenCipher cipher(CredentialStore keychain, Path tokenFile) {
		TokenFile tokens = new TokenFile(tokenFile, Duration.ofMinutes(1));
		return EncryptionKeys.keychainCipher(keychain,
				Keychains.itemLock(keychain, this.dir.resolve("locks"), Duration.ofMinutes(1)), null, tokens);
	}

	private java.util.function.Function<java.util.function.Supplier<byte[]>, byte[]> lock() {
		TokenFile lock = new TokenFile(this.dir.resolve("tokens.json"), Duration.ofMinutes(1));
		return (action) -> lock.exclusively(action::get);
	}

	private static CredentialStore keychain(String program, String account, SecretServiceSession session) {
		return new SecretServiceKeychain(program, "oauth-callback", account,
				new ToolProcess(session.environment(), Duration.ofMinutes(1)));
	}

	/** A {@code secret-tool} that waits a given number of seconds before it stores, then runs the real one. */
	private Path slowStore(int worker, int seconds) throws IOException {
		SecretServiceSession.requirePrograms();
		Path wrapper = this.dir.resolve("bin-" + worker).resolve("secret-tool");
		Files.createDirectories(wrapper.getParent());
		Files.writeString(wrapper, "#!/bin/sh\nif [ \"$1\" = store ]; then sleep " + seconds + "; fi\nexec '"
				+ SecretServiceSession.onPath("secret-tool") + "' \"$@\"\n");
		Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
		return wrapper;
	}

	/** A {@code secret-tool} that writes its command line to a file, then runs the real one. */
	private Path recordingWrapper(Path argv) throws IOException {
		SecretServiceSession.requirePrograms();
		Path wrapper = this.dir.resolve("bin").resolve("secret-tool");
		Files.createDirectories(wrapper.getParent());
		Files.writeString(wrapper, "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + argv + "'\nexec '"
				+ SecretServiceSession.onPath("secret-tool") + "' \"$@\"\n");
		Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
		return wrapper;
	}

}
