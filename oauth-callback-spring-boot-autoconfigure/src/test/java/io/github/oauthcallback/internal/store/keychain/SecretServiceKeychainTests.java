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
	void processesStartingTogetherAgreeOnOneKey() throws Exception {
		try (SecretServiceSession session = SecretServiceSession.start(this.dir.resolve("home"), true)) {
			List<Process> workers = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				workers.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
						"-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
						KeychainWorker.class.getName(), session.busAddress(), "together",
						this.dir.resolve("tokens.json").toString())
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
			// No item yet, locked keyring: no new key is made anywhere else.
			assertThatExceptionOfType(KeychainException.class)
				.isThrownBy(() -> cipher(keychain("secret-tool", "fresh", locked)))
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
		TokenFile lock = new TokenFile(this.dir.resolve("tokens.json"), Duration.ofMinutes(1));
		return EncryptionKeys.keychainCipher(keychain, (action) -> lock.exclusively(action::get), null);
	}

	private java.util.function.Function<java.util.function.Supplier<byte[]>, byte[]> lock() {
		TokenFile lock = new TokenFile(this.dir.resolve("tokens.json"), Duration.ofMinutes(1));
		return (action) -> lock.exclusively(action::get);
	}

	private static CredentialStore keychain(String program, String account, SecretServiceSession session) {
		return new SecretServiceKeychain(program, "oauth-callback", account,
				new ToolProcess(session.environment(), Duration.ofMinutes(1)));
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
