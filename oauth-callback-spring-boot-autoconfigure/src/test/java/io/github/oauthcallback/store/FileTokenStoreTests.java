package io.github.oauthcallback.store;

import io.github.oauthcallback.store.TokenStore.LockedLogin;
import io.github.oauthcallback.internal.store.EncryptionKeyException;
import io.github.oauthcallback.internal.store.EncryptionKeys;
import io.github.oauthcallback.internal.store.PrivateFiles;
import io.github.oauthcallback.internal.store.TokenFileLocation;
import io.github.oauthcallback.internal.store.TokenCipher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import io.github.oauthcallback.OidcAuthorizedClient;
import io.github.oauthcallback.TokenStoreException;
import io.github.oauthcallback.support.CapturedLogs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;

import static io.github.oauthcallback.store.StoreFixtures.account;
import static io.github.oauthcallback.store.StoreFixtures.client;
import static io.github.oauthcallback.store.StoreFixtures.registration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class FileTokenStoreTests {

	@TempDir
	Path dir;

	private final ClientRegistration github = registration("github");

	private final ClientRegistration corp = registration("corp");

	private final InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(
			this.github, this.corp);

	private Path file() {
		return this.dir.resolve("app").resolve("tokens.json");
	}

	private FileTokenStore store(TokenCipher cipher) {
		return new FileTokenStore(file(), this.registrations, cipher);
	}

	private FileTokenStore store() {
		return store(TokenCipher.none());
	}

	@Test
	void roundTripKeepsEveryPartOfTheLogin() {
		FileTokenStore store = store();
		OAuth2AuthorizedClient saved = client(this.github, "ada", "access-1", "refresh-1");
		store.saveAuthorizedClient(saved, account("ada"));
		OAuth2AuthorizedClient loaded = store().loadAuthorizedClient("github", "ada");
		assertThat(loaded.getClientRegistration()).isSameAs(this.github);
		assertThat(loaded.getPrincipalName()).isEqualTo("ada");
		assertThat(loaded.getAccessToken().getTokenValue()).isEqualTo("access-1");
		assertThat(loaded.getAccessToken().getIssuedAt()).isEqualTo(saved.getAccessToken().getIssuedAt());
		assertThat(loaded.getAccessToken().getExpiresAt()).isEqualTo(saved.getAccessToken().getExpiresAt());
		assertThat(loaded.getAccessToken().getScopes()).containsExactlyInAnyOrder("read", "openid");
		assertThat(loaded.getRefreshToken().getTokenValue()).isEqualTo("refresh-1");
		assertThat((OAuth2AuthorizedClient) store.loadAuthorizedClient("github", "bob")).isNull();
		assertThat((OAuth2AuthorizedClient) store.loadAuthorizedClient("unknown", "ada")).isNull();
	}

	@Test
	void withAKeyTheSealedIdTokenIsPresentedAsValidated() {
		FileTokenStore store = store(TokenCipher.of(TokenCipherTests.key(), List.of()));
		store.saveAuthorizedClient(StoreFixtures.oidcClient(this.github, "ada", "a1"), account("ada"));
		OAuth2AuthorizedClient loaded = store.loadAuthorizedClient("github", "ada");
		assertThat(loaded).isInstanceOfSatisfying(OidcAuthorizedClient.class, (oidc) -> {
			assertThat(oidc.getIdToken().getSubject()).isEqualTo("ada");
			assertThat(oidc.getIdToken().getEmail()).isEqualTo("ada@example.com");
			assertThat(oidc.getIdToken().getExpiresAt()).isNotNull();
		});
	}

	@Test
	void withoutAKeyTheStoredIdTokenIsNotPresentedAsValidated() throws Exception {
		store().saveAuthorizedClient(StoreFixtures.oidcClient(this.github, "ada", "a1"), account("ada"));
		assertThat(Files.readString(file())).as("kept in the file").contains("\"idToken\"");
		OAuth2AuthorizedClient loaded = store().loadAuthorizedClient("github", "ada");
		assertThat(loaded).isNotInstanceOf(OidcAuthorizedClient.class);
		assertThat(loaded.getAccessToken().getTokenValue()).isEqualTo("a1");
	}

	@Test
	void accountsCoexistAndLogoutReportsWhatItRemoved() {
		FileTokenStore store = store();
		store.saveAuthorizedClient(client(this.github, "ada", "a", "r"), account("ada"));
		store.saveAuthorizedClient(client(this.github, "bob", "b", null), account("bob"));
		store.saveAuthorizedClient(client(this.corp, "ada", "c", null), account("ada"));
		assertThat(store.logins()).extracting(StoredLogin::registrationId, StoredLogin::account)
			.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("github", "ada"),
					org.assertj.core.groups.Tuple.tuple("github", "bob"),
					org.assertj.core.groups.Tuple.tuple("corp", "ada"));
		assertThat(store.logout("github", "bob")).hasValueSatisfying((login) -> {
			assertThat(login.account()).isEqualTo("bob");
			assertThat(login.refreshable()).isFalse();
		});
		assertThat(store.logout("github", "bob")).isEmpty();
		assertThat(store.logins()).hasSize(2);
		List<StoredLogin> removed = store.logoutAll();
		assertThat(removed).hasSize(2);
		assertThat(store.logins()).isEmpty();
	}

	@Test
	void newDirectoryIs0700AndFileIs0600WithNoTemporaryFilesLeft() throws Exception {
		store().saveAuthorizedClient(client(this.github, "ada", "a", "r"), account("ada"));
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file().getParent())))
			.isEqualTo("rwx------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file()))).isEqualTo("rw-------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file().resolveSibling("tokens.json.lock"))))
			.isEqualTo("rw-------");
		try (var files = Files.list(file().getParent())) {
			assertThat(files.map((path) -> path.getFileName().toString())).containsExactlyInAnyOrder("tokens.json",
					"tokens.json.lock");
		}
	}

	@Test
	void fileIsVersionedJsonAndEncryptedValuesAreNotInIt() throws Exception {
		store().saveAuthorizedClient(client(this.github, "ada", "plain-access", "plain-refresh"), account("ada"));
		String plain = Files.readString(file());
		assertThat(plain).contains("\"version\" : 2", "\"registrationId\" : \"github\"", "\"clientId\" : \"cli-github\"",
				"\"issuer\" : \"https://idp.example\"", "plain-access", "plain-refresh");

		TokenCipher cipher = TokenCipher.of(TokenCipherTests.key(), List.of());
		store(cipher).saveAuthorizedClient(StoreFixtures.oidcClient(this.github, "ada", "secret-access"),
				account("ada"));
		String encrypted = Files.readString(file());
		assertThat(encrypted).doesNotContain("secret-access", "refresh-secret-access", StoreFixtures.ID_TOKEN_HEADER)
			.contains("\"sealed\" : \"enc:v2:" + cipher.currentKeyId())
			.doesNotContain("\"value\"");
		OAuth2AuthorizedClient loaded = store(cipher).loadAuthorizedClient("github", "ada");
		assertThat(loaded.getAccessToken().getTokenValue()).isEqualTo("secret-access");
		assertThat(((OidcAuthorizedClient) loaded).getIdToken().getSubject()).isEqualTo("ada");
	}

	@Test
	void wrongKeyIsATypedErrorAndTheFileIsUntouched() throws Exception {
		store(TokenCipher.of(TokenCipherTests.key(), List.of())).saveAuthorizedClient(client(this.github, "ada", "a", "r"),
				account("ada"));
		byte[] before = Files.readAllBytes(file());
		FileTokenStore wrong = store(TokenCipher.of(TokenCipherTests.key(), List.of()));
		assertThatExceptionOfType(TokenStoreException.class).isThrownBy(() -> wrong.loadAuthorizedClient("github", "ada"))
			.withMessageContaining(file().toString())
			.withMessageContaining("cannot be decrypted")
			.withMessageContaining("Configure the key it was written with (as the current key, or as a previous key "
					+ "while rotating)")
			.withMessageNotContaining("oauth-callback.");
		assertThat(Files.readAllBytes(file())).isEqualTo(before);
	}

	@Test
	void corruptFileIsReportedNeverEmptiedNeverOverwritten() throws Exception {
		Files.createDirectories(file().getParent());
		Files.writeString(file(), "{\"version\":1,\"entries\":[{\"registrationId\":\"github\", SECRET-TOKEN");
		byte[] before = Files.readAllBytes(file());
		FileTokenStore store = store();
		for (Runnable use : List.<Runnable>of(() -> store.loadAuthorizedClient("github", "ada"), store::logins,
				() -> store.saveAuthorizedClient(client(this.github, "ada", "a", null), account("ada")),
				() -> store.removeAuthorizedClient("github", "ada"))) {
			assertThatExceptionOfType(TokenStoreException.class).isThrownBy(use::run)
				.withMessageContaining(file().toString())
				.withMessageContaining("is not a valid token file")
				.withMessageContaining("logout --all")
				.withMessageContaining("or use another token file")
				.withMessageNotContaining("oauth-callback.")
				.withMessageNotContaining("SECRET-TOKEN")
				.satisfies((ex) -> assertThat(ex.getCause()).isNull());
		}
		assertThat(Files.readAllBytes(file())).isEqualTo(before);
	}

	@Test
	void logoutAllMovesAnUnusableFileAsideInsteadOfDeletingIt() throws Exception {
		Files.createDirectories(file().getParent());
		Files.writeString(file(), "not json");
		assertThat(store().logoutAll()).isEmpty();
		assertThat(file()).doesNotExist();
		try (var files = Files.list(file().getParent())) {
			Path aside = files.filter((path) -> path.getFileName().toString().startsWith("tokens.json.unusable-"))
				.findFirst()
				.orElseThrow();
			assertThat(Files.readString(aside)).isEqualTo("not json");
		}
		store().saveAuthorizedClient(client(this.github, "ada", "a", null), account("ada"));
		assertThat(store().logins()).hasSize(1);
	}

	@Test
	void futureVersionIsRefused() throws Exception {
		Files.createDirectories(file().getParent());
		Files.writeString(file(), "{\"version\":3,\"entries\":[]}");
		assertThatExceptionOfType(TokenStoreException.class).isThrownBy(() -> store().logins())
			.withMessageContaining("format version 3")
			.withMessageContaining("reads versions 1 to 2");
		assertThatExceptionOfType(TokenStoreException.class)
			.isThrownBy(() -> store().saveAuthorizedClient(client(this.github, "ada", "a", null), account("ada")));
		assertThat(Files.readString(file())).isEqualTo("{\"version\":3,\"entries\":[]}");
	}

	@Test
	void unwritableDirectoryIsATypedError() {
		// /proc is read-only even for root, unlike a chmod-ed directory
		FileTokenStore store = new FileTokenStore(Path.of("/proc/self/oauth-callback-test/tokens.json"),
				this.registrations, TokenCipher.none());
		assertThatExceptionOfType(TokenStoreException.class)
			.isThrownBy(() -> store.saveAuthorizedClient(client(this.github, "ada", "a", null), account("ada")))
			.withMessageContaining("/proc/self/oauth-callback-test")
			.withMessageContaining("or use another token file");
	}

	@Test
	void theRootOfTheFileSystemIsRefusedAsTokenFile() {
		// Its parent directory, which the store checks and creates, does not exist: refused up front, not an NPE later
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new FileTokenStore(Path.of("/"), this.registrations, TokenCipher.none()))
			.withMessageContaining("must be a file in a directory (was '/'");
	}

	@Test
	void symlinkedFileIsRefused() throws Exception {
		Path real = this.dir.resolve("real.json");
		store().saveAuthorizedClient(client(this.github, "ada", "a", null), account("ada"));
		Files.move(file(), real);
		Files.createSymbolicLink(file(), real);
		assertThatExceptionOfType(TokenStoreException.class).isThrownBy(() -> store().loadAuthorizedClient("github", "ada"))
			.withMessageContaining("symbolic link");
		assertThatExceptionOfType(TokenStoreException.class)
			.isThrownBy(() -> store().saveAuthorizedClient(client(this.github, "bob", "b", null), account("bob")));
		assertThat(Files.isSymbolicLink(file())).isTrue();
	}

	@Test
	void entryOfAnotherClientOrIssuerIsIgnoredWithOneWarningAndKept() throws Exception {
		store().saveAuthorizedClient(client(this.github, "ada", "a", null), account("ada"));
		FileTokenStore moved = new FileTokenStore(file(),
				new InMemoryClientRegistrationRepository(registration("github", "another-client", "https://idp.example")),
				TokenCipher.none());
		try (CapturedLogs logs = new CapturedLogs()) {
			assertThat((OAuth2AuthorizedClient) moved.loadAuthorizedClient("github", "ada")).isNull();
			assertThat((OAuth2AuthorizedClient) moved.loadAuthorizedClient("github", "ada")).isNull();
			assertThat(logs.text().split("was issued to").length - 1).isEqualTo(1);
			assertThat(logs.text()).contains("client-id cli-github");
		}
		FileTokenStore otherIssuer = new FileTokenStore(file(),
				new InMemoryClientRegistrationRepository(registration("github", "cli-github", "https://other.example")),
				TokenCipher.none());
		assertThat((OAuth2AuthorizedClient) otherIssuer.loadAuthorizedClient("github", "ada")).isNull();
		assertThat(store().logins()).hasSize(1);
	}

	@Test
	void readsSeeWhatAnotherWriterSaved() {
		FileTokenStore reader = store();
		FileTokenStore writer = store();
		writer.saveAuthorizedClient(client(this.github, "ada", "first", null), account("ada"));
		assertThat(((OAuth2AuthorizedClient) reader.loadAuthorizedClient("github", "ada")).getAccessToken().getTokenValue())
			.isEqualTo("first");
		writer.saveAuthorizedClient(client(this.github, "ada", "second", null), account("ada"));
		assertThat(((OAuth2AuthorizedClient) reader.loadAuthorizedClient("github", "ada")).getAccessToken().getTokenValue())
			.isEqualTo("second");
	}

	@Test
	void anUnchangedFileIsNotParsedAgain() throws Exception {
		FileTokenStore store = store();
		store.saveAuthorizedClient(client(this.github, "ada", "a", null), account("ada"));
		assertThat((OAuth2AuthorizedClient) store.loadAuthorizedClient("github", "ada")).isNotNull();
		// Same inode, size and modification time, different bytes: only a re-parse would notice.
		byte[] content = Files.readAllBytes(file());
		java.nio.file.attribute.FileTime modified = Files.getLastModifiedTime(file());
		byte[] garbage = new byte[content.length];
		java.util.Arrays.fill(garbage, (byte) 'x');
		try (var channel = java.nio.channels.FileChannel.open(file(), java.nio.file.StandardOpenOption.WRITE)) {
			channel.write(java.nio.ByteBuffer.wrap(garbage));
		}
		Files.setLastModifiedTime(file(), modified);
		assertThat((OAuth2AuthorizedClient) store.loadAuthorizedClient("github", "ada")).as("served from the cache")
			.isNotNull();
		assertThatExceptionOfType(TokenStoreException.class).as("a fresh reader parses it")
			.isThrownBy(() -> store().loadAuthorizedClient("github", "ada"));
	}

	@Test
	void keyFileReadableByOthersIsRefused() throws Exception {
		Path keyFile = this.dir.resolve("key");
		Files.writeString(keyFile, java.util.Base64.getEncoder().encodeToString(TokenCipherTests.key()),
				StandardCharsets.UTF_8);
		Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
		assertThatExceptionOfType(EncryptionKeyException.class)
			.isThrownBy(() -> EncryptionKeys.cipher(null, keyFile, List.of()))
			.withMessageContaining("chmod 600");
		Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
		assertThat(EncryptionKeys.cipher(null, keyFile, List.of()).encrypting()).isTrue();
	}

	@Test
	void keyFileOfAnotherUserIdIsRefusedWhateverTheUserNameSays() throws Exception {
		Path keyFile = this.dir.resolve("key");
		Files.writeString(keyFile, java.util.Base64.getEncoder().encodeToString(TokenCipherTests.key()));
		Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
		long uid = ((Number) Files.getAttribute(keyFile, "unix:uid")).longValue();
		assertThat(PrivateFiles.currentUserId()).isEqualTo(uid);
		assertThat(EncryptionKeys.readKeyFile(keyFile, uid)).isNotEmpty();
		String userName = System.getProperty("user.name");
		try {
			// A user name that matches the file's owner name must not make another uid's file acceptable.
			System.setProperty("user.name", Files.getOwner(keyFile).getName());
			assertThatExceptionOfType(EncryptionKeyException.class)
				.isThrownBy(() -> EncryptionKeys.readKeyFile(keyFile, uid + 1))
				.withMessageContaining("belongs to")
				.withMessageContaining("user id " + (uid + 1))
				.withMessageContaining("chown");
			System.setProperty("user.name", "root");
			assertThatExceptionOfType(EncryptionKeyException.class).as("no exception for root")
				.isThrownBy(() -> EncryptionKeys.readKeyFile(keyFile, uid + 1));
		}
		finally {
			System.setProperty("user.name", userName);
		}
	}

	@Test
	void defaultLocationPerPlatform() {
		Path home = Path.of("/home/ada");
		assertThat(TokenFileLocation.defaultPath("my tool", "Linux", java.util.Map.of(), home))
			.isEqualTo(Path.of("/home/ada/.config/my-tool/tokens.json"));
		assertThat(TokenFileLocation.defaultPath(null, "Linux", java.util.Map.of("XDG_CONFIG_HOME", "/xdg"), home))
			.isEqualTo(Path.of("/xdg/oauth-callback/tokens.json"));
		assertThat(TokenFileLocation.defaultPath("cli", "Linux", java.util.Map.of("XDG_CONFIG_HOME", "relative"), home))
			.isEqualTo(Path.of("/home/ada/.config/cli/tokens.json"));
		assertThat(TokenFileLocation.defaultPath("cli", "Mac OS X", java.util.Map.of(), home))
			.isEqualTo(Path.of("/home/ada/Library/Application Support/cli/tokens.json"));
		assertThat(TokenFileLocation.defaultPath("cli", "Windows 11", java.util.Map.of("APPDATA", "/appdata"), home))
			.isEqualTo(Path.of("/appdata/cli/tokens.json"));
		assertThat(TokenFileLocation.defaultPath("../evil", "Linux", java.util.Map.of(), home))
			.isEqualTo(Path.of("/home/ada/.config/oauth-callback/tokens.json"));
	}

	@Test
	void underTheLockTheFileIsAlwaysParsedAgain() throws Exception {
		FileTokenStore store = store();
		store.saveAuthorizedClient(client(this.github, "ada", "aaaa", "r1"), account("ada"));
		assertThat(((OAuth2AuthorizedClient) store.loadAuthorizedClient("github", "ada")).getAccessToken()
			.getTokenValue()).isEqualTo("aaaa");
		// Another process's change that a stat cannot see: same inode, size and modification time.
		rewriteInPlaceKeepingTimestamp("\"aaaa\"", "\"bbbb\"");
		OAuth2AuthorizedClient underLock = store.exclusively("github", "ada", LockedLogin::load);
		assertThat(underLock.getAccessToken().getTokenValue()).isEqualTo("bbbb");
		// A read-modify-write builds on what is on disk, not on the cached document.
		rewriteInPlaceKeepingTimestamp("\"bbbb\"", "\"cccc\"");
		store.saveAuthorizedClient(client(this.corp, "ada", "corp-1", null), account("ada"));
		assertThat(((OAuth2AuthorizedClient) store().loadAuthorizedClient("github", "ada")).getAccessToken()
			.getTokenValue()).isEqualTo("cccc");
		assertThat(store().logins()).hasSize(2);
	}

	private void rewriteInPlaceKeepingTimestamp(String from, String to) throws Exception {
		String content = Files.readString(file());
		assertThat(content).contains(from);
		java.nio.file.attribute.FileTime modified = Files.getLastModifiedTime(file());
		byte[] changed = content.replace(from, to).getBytes(StandardCharsets.UTF_8);
		try (var channel = java.nio.channels.FileChannel.open(file(), java.nio.file.StandardOpenOption.WRITE)) {
			channel.write(java.nio.ByteBuffer.wrap(changed));
		}
		Files.setLastModifiedTime(file(), modified);
	}

	@Test
	void anInterruptedThreadSavesAndKeepsItsInterruptWithoutBreakingOtherLocks() throws Exception {
		FileTokenStore store = store();
		store.saveAuthorizedClient(client(this.github, "ada", "first", null), account("ada"));
		java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
		java.util.concurrent.atomic.AtomicBoolean stillInterrupted = new java.util.concurrent.atomic.AtomicBoolean();
		Thread interrupted = new Thread(() -> {
			Thread.currentThread().interrupt();
			try {
				store.saveAuthorizedClient(client(this.corp, "ada", "corp", null), account("ada"));
				stillInterrupted.set(Thread.currentThread().isInterrupted());
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
		});
		// While another thread holds the key lock (and so the shared lock channel is open), the interrupted save runs.
		store.exclusively("github", "ada", (locked) -> {
			interrupted.start();
			try {
				interrupted.join(10_000);
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
			store.saveAuthorizedClient(client(this.github, "ada", "second", null), account("ada"));
			return null;
		});
		assertThat(failure.get()).isNull();
		assertThat(stillInterrupted.get()).as("the interrupt is kept for the caller").isTrue();
		assertThat(store().logins()).hasSize(2);
		assertThat(((OAuth2AuthorizedClient) store().loadAuthorizedClient("github", "ada")).getAccessToken()
			.getTokenValue()).isEqualTo("second");
	}

	@Test
	void aDocumentOfTheWrongShapeIsATypedErrorNamingTheFile() throws Exception {
		Files.createDirectories(file().getParent());
		Files.writeString(file(), "{\"version\":1,\"entries\":[{}]}");
		assertThatExceptionOfType(TokenStoreException.class).isThrownBy(() -> store().logins())
			.withMessageContaining(file().toString())
			.withMessageContaining("logout --all");
		Files.writeString(file(), "{\"version\":1,\"entries\":[{\"registrationId\":\"github\",\"account\":\"ada\","
				+ "\"accessToken\":{\"type\":\"Bearer\",\"value\":\"secret-value\"}},"
				+ "{\"registrationId\":\"corp\",\"account\":\"ada\",\"accessToken\":{\"type\":\"Bearer\"}}]}");
		assertThatExceptionOfType(TokenStoreException.class).isThrownBy(() -> store().logins())
			.withMessageContaining(file().toString())
			.withMessageContaining("entry 2 has no accessToken.value")
			.withMessageNotContaining("secret-value");
		Files.writeString(file(), "{\"entries\":[]}");
		assertThatExceptionOfType(TokenStoreException.class).isThrownBy(() -> store().loadAuthorizedClient("github", "a"))
			.withMessageContaining(file().toString())
			.withMessageContaining("Restore it from a backup");
		assertThatExceptionOfType(TokenStoreException.class)
			.isThrownBy(() -> store().saveAuthorizedClient(client(this.github, "ada", "x", null), account("ada")));
		assertThat(Files.readString(file())).as("never overwritten").isEqualTo("{\"entries\":[]}");
	}

	@Test
	void aDpopTokenKeepsItsType() {
		OAuth2AuthorizedClient dpop = new OAuth2AuthorizedClient(this.github, "ada",
				new org.springframework.security.oauth2.core.OAuth2AccessToken(
						org.springframework.security.oauth2.core.OAuth2AccessToken.TokenType.DPOP, "dpop-token",
						java.time.Instant.now(), java.time.Instant.now().plusSeconds(600)));
		store().saveAuthorizedClient(dpop, account("ada"));
		assertThat(((OAuth2AuthorizedClient) store().loadAuthorizedClient("github", "ada")).getAccessToken()
			.getTokenType()).isEqualTo(org.springframework.security.oauth2.core.OAuth2AccessToken.TokenType.DPOP);
	}

	@Test
	void withoutAnIssuerOnEitherSideTheTokenEndpointIdentifiesTheProvider() {
		ClientRegistration noIssuer = registration("github", "cli-github", null);
		store(new InMemoryClientRegistrationRepository(noIssuer)).saveAuthorizedClient(client(noIssuer, "ada", "a", null),
				account("ada"));
		assertThat((OAuth2AuthorizedClient) store(new InMemoryClientRegistrationRepository(noIssuer))
			.loadAuthorizedClient("github", "ada")).isNotNull();
		ClientRegistration otherEndpoint = ClientRegistration.withClientRegistration(noIssuer)
			.tokenUri("https://elsewhere.example/token")
			.build();
		assertThat((OAuth2AuthorizedClient) store(new InMemoryClientRegistrationRepository(otherEndpoint))
			.loadAuthorizedClient("github", "ada")).as("another provider's token endpoint").isNull();
		assertThat((OAuth2AuthorizedClient) store(new InMemoryClientRegistrationRepository(this.github))
			.loadAuthorizedClient("github", "ada")).as("an issuer appeared: not the provider it was issued by").isNull();
		assertThat(store(new InMemoryClientRegistrationRepository(noIssuer)).logins()).hasSize(1);
	}

	private FileTokenStore store(InMemoryClientRegistrationRepository registrations) {
		return new FileTokenStore(file(), registrations, TokenCipher.none());
	}

	@Test
	void aRotatedKeyReadsOldEntriesAndWritesWithTheNewOne() throws Exception {
		byte[] oldKey = TokenCipherTests.key();
		byte[] newKey = TokenCipherTests.key();
		store(TokenCipher.of(oldKey, List.of())).saveAuthorizedClient(client(this.github, "ada", "old-secret", "r1"),
				account("ada"));
		FileTokenStore rotating = store(TokenCipher.of(newKey, List.of(oldKey)));
		assertThat(((OAuth2AuthorizedClient) rotating.loadAuthorizedClient("github", "ada")).getAccessToken()
			.getTokenValue()).isEqualTo("old-secret");
		rotating.saveAuthorizedClient(client(this.corp, "ada", "new-secret", null), account("ada"));
		String content = Files.readString(file());
		assertThat(content).doesNotContain("old-secret", "new-secret");
		assertThat((OAuth2AuthorizedClient) store(TokenCipher.of(newKey, List.of())).loadAuthorizedClient("corp", "ada"))
			.isNotNull();
		assertThatExceptionOfType(TokenStoreException.class).as("the new key alone cannot read the old entry")
			.isThrownBy(() -> store(TokenCipher.of(newKey, List.of())).loadAuthorizedClient("github", "ada"))
			.withMessageContaining("as a previous key while rotating")
			.withMessageNotContaining("oauth-callback.");
		assertThatExceptionOfType(TokenStoreException.class).as("the old key alone cannot read the new entry")
			.isThrownBy(() -> store(TokenCipher.of(oldKey, List.of())).loadAuthorizedClient("corp", "ada"));
		assertThat(Files.readString(file())).as("failed reads change nothing").isEqualTo(content);
	}

	@Test
	void aDirectoryOthersCanWriteIsRefusedWithTheCommandThatFixesIt() throws Exception {
		Path shared = this.dir.resolve("shared");
		Files.createDirectories(shared);
		FileTokenStore store = new FileTokenStore(shared.resolve("tokens.json"), this.registrations, TokenCipher.none());
		store.saveAuthorizedClient(client(this.github, "ada", "a", null), account("ada"));
		byte[] before = Files.readAllBytes(shared.resolve("tokens.json"));
		for (String permissions : new String[] { "rwxrwxrwx", "rwxrwx---" }) {
			Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString(permissions));
			FileTokenStore fresh = new FileTokenStore(shared.resolve("tokens.json"), this.registrations,
					TokenCipher.none());
			assertThatExceptionOfType(TokenStoreException.class)
				.isThrownBy(() -> fresh.saveAuthorizedClient(client(this.corp, "ada", "c", null), account("ada")))
				.withMessageContaining("which other users can write (" + permissions + ")")
				.withMessageContaining("chmod go-w " + shared)
				.withMessageContaining("or use a token file in a directory of your own")
				.withMessageNotContaining("oauth-callback.");
			assertThatExceptionOfType(TokenStoreException.class).as("reads too")
				.isThrownBy(() -> fresh.loadAuthorizedClient("github", "ada"))
				.withMessageContaining("which other users can write");
		}
		assertThat(Files.readAllBytes(shared.resolve("tokens.json"))).isEqualTo(before);
		Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
		assertThat((OAuth2AuthorizedClient) store.loadAuthorizedClient("github", "ada")).isNotNull();
	}

	@Test
	void aTokenDirectoryThatIsASymbolicLinkIsJudgedByTheDirectoryItLeadsTo() throws Exception {
		Path real = Files.createDirectories(this.dir.resolve("dotfiles/my-cli"));
		Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwx------"));
		Path link = Files.createSymbolicLink(this.dir.resolve("my-cli"), real);
		FileTokenStore store = new FileTokenStore(link.resolve("tokens.json"), this.registrations, TokenCipher.none());
		store.saveAuthorizedClient(client(this.github, "ada", "a", null), account("ada"));
		assertThat((OAuth2AuthorizedClient) store.loadAuthorizedClient("github", "ada"))
			.as("a link to a private directory is used")
			.isNotNull();
		assertThat(real.resolve("tokens.json")).exists();

		Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwxrwxrwx"));
		FileTokenStore fresh = new FileTokenStore(link.resolve("tokens.json"), this.registrations, TokenCipher.none());
		assertThatExceptionOfType(TokenStoreException.class).isThrownBy(() -> fresh.loadAuthorizedClient("github", "ada"))
			.withMessageContaining("in the directory " + link + " (a symbolic link to the directory " + real + ")")
			.withMessageContaining("which other users can write (rwxrwxrwx)")
			.withMessageContaining("chmod go-w " + real);
		Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwx------"));

		if (changeOwner(real)) {
			FileTokenStore third = new FileTokenStore(link.resolve("tokens.json"), this.registrations,
					TokenCipher.none());
			assertThatExceptionOfType(TokenStoreException.class)
				.isThrownBy(() -> third.loadAuthorizedClient("github", "ada"))
				.withMessageContaining("a symbolic link to the directory " + real + "), which belongs to another user")
				.withMessageContaining("chown");
		}
	}

	@Test
	void aKeyFileThatIsASymbolicLinkIsJudgedByTheFileItLeadsTo() throws Exception {
		Path real = this.dir.resolve("real-key");
		Files.writeString(real, java.util.Base64.getEncoder().encodeToString(TokenCipherTests.key()));
		Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-------"));
		Path link = Files.createSymbolicLink(this.dir.resolve("key"), real);
		Long uid = PrivateFiles.currentUserId();
		assertThat(EncryptionKeys.readKeyFile(link, uid)).isNotEmpty();
		Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-r--r--"));
		assertThatExceptionOfType(EncryptionKeyException.class)
			.isThrownBy(() -> EncryptionKeys.readKeyFile(link, uid))
			.withMessageContaining(link + " (a symbolic link to " + real + ") can be read by other users")
			.withMessageContaining("chmod 600 " + real);
		Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-------"));
		if (changeOwner(real)) {
			// The link is the running user's; the file it leads to is not, and that is the one checked.
			assertThatExceptionOfType(EncryptionKeyException.class)
				.isThrownBy(() -> EncryptionKeys.readKeyFile(link, uid))
				.withMessageContaining("(a symbolic link to " + real + ") belongs to");
		}
	}

	/**
	 * Gives a file to another user id where this process may (root, as in the CI container); elsewhere that part of a
	 * test cannot run, and says so.
	 */
	private static boolean changeOwner(Path path) {
		try {
			Files.setAttribute(path, "unix:uid", 65534, java.nio.file.LinkOption.NOFOLLOW_LINKS);
			return true;
		}
		catch (java.io.IOException | UnsupportedOperationException ex) {
			System.err.println("Not checked: a file of another user (cannot change the owner of " + path + ": "
					+ ex.getClass().getSimpleName() + ")");
			return false;
		}
	}

}
