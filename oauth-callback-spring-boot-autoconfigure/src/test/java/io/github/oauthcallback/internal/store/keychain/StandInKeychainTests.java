package io.github.oauthcallback.internal.store.keychain;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import io.github.oauthcallback.internal.store.TokenFile;
import io.github.oauthcallback.internal.store.keychain.KeychainException.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The macOS and Windows backends against stand-ins of the programs they run ({@code security}, {@code powershell.exe},
 * shell scripts under src/test/resources/keychain-stand-ins that keep items as files). They show the command lines,
 * the standard input and output and the exit codes these backends rely on; they do not show that macOS and Windows
 * answer that way: this project's build does not run on those systems.
 */
class StandInKeychainTests {

	@TempDir
	Path dir;

	@Test
	void macOsCreatesTheKeyOnFirstUseThroughStandardInputAndReadsItBack() throws Exception {
		Path security = standIn("security");
		byte[] first = Keychains.currentKey(new MacOsKeychain(security.toString(), "oauth-callback", "my cli", tool()),
				lock());
		byte[] second = Keychains.currentKey(new MacOsKeychain(security.toString(), "oauth-callback", "my cli",
				tool()), lock());
		String base64 = Base64.getEncoder().encodeToString(first);
		assertThat(first).hasSize(32).isEqualTo(second);
		assertThat(this.dir.resolve("state/items/oauth-callback/my cli")).hasContent(base64);
		assertThat(Files.readString(this.dir.resolve("state/argv.log")))
			.contains("find-generic-password -s oauth-callback -a my cli -w", "-i")
			.doesNotContain(base64);
		assertThat(this.dir.resolve("state/stdin.log")).hasContent("add-generic-password");
	}

	@Test
	void macOsKeepsAnItemThatExistsAlready() throws Exception {
		Path security = standIn("security");
		String existing = Base64.getEncoder().encodeToString(new byte[32]);
		Files.createDirectories(this.dir.resolve("state/items/oauth-callback"));
		Files.writeString(this.dir.resolve("state/items/oauth-callback/app"), existing);
		MacOsKeychain keychain = new MacOsKeychain(security.toString(), "oauth-callback", "app", tool());
		assertThat(Keychains.currentKey(keychain, lock())).isEqualTo(new byte[32]);
		// A creation that meets an item made meanwhile keeps it: the caller reads it back.
		keychain.create(Base64.getEncoder().encodeToString(new byte[] { 1 }));
		assertThat(this.dir.resolve("state/items/oauth-callback/app")).hasContent(existing);
	}

	@Test
	void macOsLockedKeychainIsAnErrorAndNothingIsStored() throws Exception {
		Path security = standIn("security");
		Files.createFile(this.dir.resolve("state/locked"));
		assertThatExceptionOfType(KeychainException.class)
			.isThrownBy(() -> Keychains.currentKey(new MacOsKeychain(security.toString(), "oauth-callback", "app",
					tool()), lock()))
			.satisfies((ex) -> assertThat(ex.getProblem()).isEqualTo(Problem.LOCKED))
			.withMessageContaining("macOS keychain, service 'oauth-callback', account 'app'")
			.withMessageContaining("security unlock-keychain");
		assertThat(this.dir.resolve("state/items")).doesNotExist();
	}

	@Test
	void macOsMissingToolIsAnError() {
		assertThatExceptionOfType(KeychainException.class)
			.isThrownBy(() -> new MacOsKeychain(this.dir.resolve("no-security").toString(), "oauth-callback", "app",
					tool()).read())
			.satisfies((ex) -> assertThat(ex.getProblem()).isEqualTo(Problem.UNAVAILABLE))
			.withMessageContaining("cannot be run");
	}

	@Test
	void windowsCreatesTheKeyOnFirstUseThroughStandardInputAndReadsItBack() throws Exception {
		Path powershell = standIn("powershell.exe");
		byte[] first = Keychains.currentKey(new WindowsCredentialManager(powershell.toString(), "oauth-callback",
				"o'brien", tool()), lock());
		byte[] second = Keychains.currentKey(new WindowsCredentialManager(powershell.toString(), "oauth-callback",
				"o'brien", tool()), lock());
		String base64 = Base64.getEncoder().encodeToString(first);
		assertThat(first).hasSize(32).isEqualTo(second);
		assertThat(this.dir.resolve("state/credentials/oauth-callback:o'brien")).hasContent(base64);
		assertThat(Files.readString(this.dir.resolve("state/argv.log")))
			.contains("-NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand")
			.doesNotContain(base64);
		assertThat(Files.readString(this.dir.resolve("state/scripts.log")))
			.contains("[Console]::In.ReadToEnd()")
			.doesNotContain(base64);
	}

	@Test
	void windowsGetsTheCredentialsNameThroughTheEnvironmentNeverInTheScript() throws Exception {
		Path powershell = standIn("powershell.exe");
		// PowerShell ends a single-quoted string at U+2018..U+201B too: in the script, this would run Remove-Item.
		String account = "o\u2019brien\u2018; Remove-Item x; \u201b\u201a";
		byte[] key = Keychains.currentKey(new WindowsCredentialManager(powershell.toString(), "oauth-callback",
				account, tool()), lock());
		assertThat(this.dir.resolve("state/credentials/oauth-callback:" + account))
			.hasContent(Base64.getEncoder().encodeToString(key));
		String scripts = Files.readString(this.dir.resolve("state/scripts.log"));
		assertThat(scripts).doesNotContain(account)
			.doesNotContain("brien")
			.doesNotContain("Remove-Item")
			.contains("$env:OAUTH_CALLBACK_CREDENTIAL_TARGET", "$env:OAUTH_CALLBACK_CREDENTIAL_USER");
		assertThat(Files.readString(this.dir.resolve("state/env.log")))
			.contains("target=oauth-callback:" + account + "\nuser=" + account + "\n");
	}

	@Test
	void windowsWithoutLogonSessionIsAnError() throws Exception {
		Path powershell = standIn("powershell.exe");
		Files.createFile(this.dir.resolve("state/no-logon-session"));
		assertThatExceptionOfType(KeychainException.class)
			.isThrownBy(() -> Keychains.currentKey(new WindowsCredentialManager(powershell.toString(),
					"oauth-callback", "app", tool()), lock()))
			.satisfies((ex) -> assertThat(ex.getProblem()).isEqualTo(Problem.UNAVAILABLE))
			.withMessageContaining("Windows Credential Manager, credential 'oauth-callback:app'")
			.withMessageContaining("logon session");
		assertThat(this.dir.resolve("state/credentials")).doesNotExist();
	}

	@Test
	void aToolThatEchoesTheKeyOnItsErrorOutputDoesNotPutItInTheMessage() throws Exception {
		Path echoing = this.dir.resolve("echoing");
		Files.writeString(echoing, "#!/bin/sh\ncat >&2\nexit 1\n");
		Files.setPosixFilePermissions(echoing, PosixFilePermissions.fromString("rwx------"));
		String key = Base64.getEncoder().encodeToString(new byte[32]);
		assertThatExceptionOfType(KeychainException.class)
			.isThrownBy(() -> new WindowsCredentialManager(echoing.toString(), "oauth-callback", "app", tool())
				.create(key))
			.satisfies((ex) -> assertThat(ex.getProblem()).isEqualTo(Problem.REFUSED))
			.withMessageContaining("(key)")
			.withMessageNotContaining(key);
	}

	@Test
	void aToolThatDoesNotAnswerInTimeIsAnError() throws Exception {
		Path hanging = this.dir.resolve("hanging");
		Files.writeString(hanging, "#!/bin/sh\nexec sleep 30\n");
		Files.setPosixFilePermissions(hanging, PosixFilePermissions.fromString("rwx------"));
		assertThatExceptionOfType(KeychainException.class)
			.isThrownBy(() -> new MacOsKeychain(hanging.toString(), "oauth-callback", "app",
					new ToolProcess(Map.of(), Duration.ofMillis(300))).read())
			.satisfies((ex) -> assertThat(ex.getProblem()).isEqualTo(Problem.REFUSED))
			.withMessageContaining("did not answer")
			.withMessageContaining("unlock prompt");
	}

	@Test
	void aToolThatDoesNotAnswerInTimeIsEndedWithWhatItStarted() throws Exception {
		Path hanging = this.dir.resolve("hanging-parent");
		Path pid = this.dir.resolve("child.pid");
		Files.writeString(hanging, "#!/bin/sh\nsleep 60 &\necho $! > '" + pid + "'\nwait\n");
		Files.setPosixFilePermissions(hanging, PosixFilePermissions.fromString("rwx------"));
		assertThatExceptionOfType(KeychainException.class)
			.isThrownBy(() -> new MacOsKeychain(hanging.toString(), "oauth-callback", "app",
					new ToolProcess(Map.of(), Duration.ofSeconds(3))).read())
			.withMessageContaining("did not answer");
		// The timeout leaves the script time to start its child and write its pid, even on a loaded machine.
		long child = Long.parseLong(Files.readString(pid).strip());
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false))
			.as("the tool's child process is ended too").isFalse();
	}

	@Test
	void macOsKeepsTheKeyOutOfWhatTheToolSaysEvenWhenItQuotesOnlyPartOfTheLine() throws Exception {
		Path quoting = this.dir.resolve("quoting");
		// Says the password alone back, not the whole command line.
		Files.writeString(quoting, "#!/bin/sh\nsed 's/.*-w \"\\([^\"]*\\)\".*/security: bad password \\1 given/' >&2\n"
				+ "exit 1\n");
		Files.setPosixFilePermissions(quoting, PosixFilePermissions.fromString("rwx------"));
		String key = Base64.getEncoder().encodeToString(new byte[] { 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
				7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7 });
		assertThatExceptionOfType(KeychainException.class)
			.isThrownBy(() -> new MacOsKeychain(quoting.toString(), "oauth-callback", "app", tool()).create(key))
			.satisfies((ex) -> assertThat(ex.getProblem()).isEqualTo(Problem.REFUSED))
			.withMessageContaining("bad password (key) given")
			.withMessageNotContaining(key);
	}

	@Test
	void serviceAndAccountMustBeQuotable() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new MacOsKeychain("security", "oauth-callback", "a\" -w \"x", tool()))
			.withMessageContaining("without quotes");
		// secret-tool takes an attribute value that starts with '-' for an option ("--help" prints its usage).
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new SecretServiceKeychain("secret-tool", "oauth-callback", "--help", tool()))
			.withMessageContaining("must not start with '-'");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new SecretServiceKeychain("secret-tool", "-x", "app", tool()))
			.withMessageContaining("must not start with '-'");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new WindowsCredentialManager("powershell.exe", "oauth-callback", "a".repeat(129), tool()))
			.withMessageContaining("at most 128 characters");
		assertThat(new SecretServiceKeychain("secret-tool", "oauth-callback", "a".repeat(128), tool()).account())
			.hasSize(128);
		assertThat(new SecretServiceKeychain("secret-tool", "oauth-callback", "a-b", tool()).account()).isEqualTo("a-b");
	}

	private ToolProcess tool() {
		return new ToolProcess(Map.of("STAND_IN_DIR", this.dir.resolve("state").toString()), Duration.ofSeconds(30));
	}

	private java.util.function.Function<java.util.function.Supplier<byte[]>, byte[]> lock() {
		TokenFile lock = new TokenFile(this.dir.resolve("tokens.json"), Duration.ofMinutes(1));
		return (action) -> lock.exclusively(action::get);
	}

	private Path standIn(String name) throws IOException {
		Files.createDirectories(this.dir.resolve("state"));
		Path program = this.dir.resolve("bin").resolve(name);
		Files.createDirectories(program.getParent());
		try (InputStream script = getClass().getResourceAsStream("/keychain-stand-ins/" + name)) {
			Files.copy(script, program);
		}
		Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
		return program;
	}

}
