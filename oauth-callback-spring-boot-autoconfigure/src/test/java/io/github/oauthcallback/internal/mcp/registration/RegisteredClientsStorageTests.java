package io.github.oauthcallback.internal.mcp.registration;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.github.oauthcallback.TokenStoreException;
import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.support.CapturedLogs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.github.oauthcallback.internal.mcp.registration.RegistrationFixtures.SECRET;
import static io.github.oauthcallback.internal.mcp.registration.RegistrationFixtures.confidential;
import static io.github.oauthcallback.internal.mcp.registration.RegistrationFixtures.publicClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The memory and file storage of registered clients, with real files and the token store's real cipher. */
class RegisteredClientsStorageTests {

	private static final String ISSUER = "https://as.example.com/tenant";

	@TempDir
	private Path directory;

	@Test
	void memoryKeepsFindsReplacesAndRemoves() {
		roundTrip(new InMemoryRegisteredClients());
	}

	@Test
	void aFileWithoutKeyKeepsFindsReplacesAndRemoves() {
		roundTrip(file(TokenCipher.none()));
	}

	@Test
	void aFileWithKeyKeepsFindsReplacesAndRemoves() {
		roundTrip(file(cipher()));
	}

	@Test
	void theFileIsNextToTheTokenFileOwnerOnlyAndLeavesTheTokenFileAlone() throws Exception {
		FileRegisteredClients clients = file(TokenCipher.none());
		clients.save("server-a", confidential(ISSUER));
		assertThat(clients.path()).isEqualTo(this.directory.resolve("cli").resolve("tokens.mcp-clients.json"));
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(clients.path())))
			.isEqualTo("rw-------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(clients.path().getParent())))
			.isEqualTo("rwx------");
		assertThat(this.directory.resolve("cli").resolve("tokens.json")).doesNotExist();
		try (var files = Files.list(clients.path().getParent())) {
			assertThat(files.map((path) -> path.getFileName().toString()))
				.containsExactlyInAnyOrder("tokens.mcp-clients.json", "tokens.mcp-clients.json.lock");
		}
		assertThat(FileRegisteredClients.fileNextTo(Path.of("/x/work-tokens"))).hasToString("/x/work-tokens.mcp-clients.json");
	}

	@Test
	void withAKeyTheFileHoldsNoClientSecretNorClientInPlaintext() throws Exception {
		FileRegisteredClients clients = file(cipher());
		McpClient client = confidential(ISSUER);
		clients.save("server-a", client);
		String content = Files.readString(clients.path(), StandardCharsets.UTF_8);
		assertThat(content).doesNotContain(SECRET).doesNotContain(client.clientId()).contains("enc:v2:");
		assertThat(clients.find("server-a")).contains(client);
	}

	@Test
	void withoutAKeyTheFileIsPlaintextLikeTheTokenFile() throws Exception {
		FileRegisteredClients clients = file(TokenCipher.none());
		clients.save("server-a", confidential(ISSUER));
		assertThat(Files.readString(clients.path())).contains(SECRET);
	}

	@Test
	void aSealedClientMovedToAnotherServerIsNotUsed() throws Exception {
		FileRegisteredClients clients = file(cipher());
		clients.save("server-a", confidential(ISSUER));
		clients.save("server-b", publicClient(ISSUER));
		String content = Files.readString(clients.path());
		// give server-b the sealed client of server-a
		String moved = content.replace("\"server-a\"", "\"server-x\"").replace("\"server-b\"", "\"server-a\"")
			.replace("\"server-x\"", "\"server-b\"");
		Files.writeString(clients.path(), moved);
		try (CapturedLogs logs = new CapturedLogs()) {
			assertThat(clients.find("server-b")).isEmpty();
			assertThat(clients.find("server-a")).isEmpty();
			assertThat(logs.text()).contains("cannot be decrypted").contains("registered again").doesNotContain(SECRET);
		}
	}

	@Test
	void aPlaintextClientIsNotUsedWhereAKeyIsConfiguredAndIsReplacedByTheNextRegistration() {
		file(TokenCipher.none()).save("server-a", confidential(ISSUER));
		FileRegisteredClients sealed = file(cipher());
		try (CapturedLogs logs = new CapturedLogs()) {
			assertThat(sealed.find("server-a")).isEmpty();
			assertThat(logs.text()).contains("is not encrypted although an encryption key is configured")
				.doesNotContain(SECRET);
		}
		McpClient again = publicClient(ISSUER);
		sealed.save("server-a", again);
		assertThat(sealed.find("server-a")).contains(again);
	}

	@Test
	void aClientSealedWithAnotherKeyIsNotUsed() {
		file(cipher()).save("server-a", confidential(ISSUER));
		assertThat(file(cipher()).find("server-a")).isEmpty();
		assertThat(file(TokenCipher.none()).find("server-a")).isEmpty();
	}

	@Test
	void aCorruptFileIsAClearErrorAndIsNeverOverwritten() throws Exception {
		FileRegisteredClients clients = file(TokenCipher.none());
		clients.save("server-a", confidential(ISSUER));
		Files.writeString(clients.path(), "{\"version\":1,\"clients\":[{\"registrationId\":\"server-a\",");
		byte[] corrupt = Files.readAllBytes(clients.path());
		assertThatExceptionOfType(TokenStoreException.class).isThrownBy(() -> clients.find("server-a"))
			.withMessageContaining("The file of registered MCP clients " + clients.path())
			.withMessageContaining("not the expected JSON")
			.withMessageContaining("remove it (the clients are then registered again at their next use)")
			.withMessageContaining("The token file and its logins are not affected")
			.satisfies((ex) -> assertThat(ex.getLocation()).isEqualTo(clients.path().toString()));
		assertThatExceptionOfType(TokenStoreException.class)
			.isThrownBy(() -> clients.save("server-b", publicClient(ISSUER)));
		assertThatExceptionOfType(TokenStoreException.class).isThrownBy(() -> clients.remove("server-a"));
		assertThat(Files.readAllBytes(clients.path())).isEqualTo(corrupt);
	}

	@Test
	void aTemporaryFileLeftByACrashedWriteIsRemovedByTheNextWrite() throws Exception {
		FileRegisteredClients clients = file(TokenCipher.none());
		clients.save("server-a", confidential(ISSUER));
		Path leftover = Files.writeString(clients.path().resolveSibling(".tokens.mcp-clients.json.tmp-123.tmp"), "x");
		Path sibling = Files.writeString(clients.path().resolveSibling(".tokens.json.tmp-123.tmp"), "x");
		clients.save("server-b", publicClient(ISSUER));
		assertThat(leftover).doesNotExist();
		assertThat(sibling).exists();
		assertThat(clients.find("server-a")).contains(confidential(ISSUER));
	}

	@Test
	void aNewerFormatIsNotOverwritten() throws Exception {
		FileRegisteredClients clients = file(TokenCipher.none());
		Files.createDirectories(clients.path().getParent());
		Files.writeString(clients.path(), "{\"version\":9,\"clients\":[]}");
		assertThatExceptionOfType(TokenStoreException.class)
			.isThrownBy(() -> clients.save("server-a", publicClient(ISSUER)))
			.withMessageContaining("has format version 9")
			.withMessageContaining("Use the newer oauth-callback that wrote it");
		assertThat(Files.readString(clients.path())).isEqualTo("{\"version\":9,\"clients\":[]}");
	}

	@Test
	void aSymbolicLinkIsNotFollowed() throws Exception {
		FileRegisteredClients clients = file(TokenCipher.none());
		Files.createDirectories(clients.path().getParent());
		Path elsewhere = Files.writeString(this.directory.resolve("elsewhere.json"), "{\"version\":1,\"clients\":[]}");
		Files.createSymbolicLink(clients.path(), elsewhere);
		assertThatExceptionOfType(TokenStoreException.class)
			.isThrownBy(() -> clients.save("server-a", confidential(ISSUER)))
			.withMessageContaining("is a symbolic link");
		assertThat(Files.readString(elsewhere)).doesNotContain(SECRET);
	}

	@Test
	void aDirectoryOtherUsersCanWriteIsRefused() throws Exception {
		FileRegisteredClients clients = file(TokenCipher.none());
		Path shared = clients.path().getParent();
		Files.createDirectories(shared);
		Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
		assertThatExceptionOfType(TokenStoreException.class)
			.isThrownBy(() -> clients.save("server-a", confidential(ISSUER)))
			.withMessageContaining("which other users can write");
		assertThat(clients.path()).doesNotExist();
	}

	@Test
	void recordsNeverShowTheSecret() {
		McpClient client = confidential(ISSUER);
		assertThat(client.toString()).doesNotContain(SECRET).contains("[hidden]").contains(client.clientId());
		assertThat(StoredClient.of(client).toString()).doesNotContain(SECRET);
		InMemoryRegisteredClients memory = new InMemoryRegisteredClients();
		memory.save("server-a", client);
		assertThat(memory.toString()).contains("server-a").doesNotContain(SECRET);
		FileRegisteredClients file = file(TokenCipher.none());
		file.save("server-a", client);
		assertThat(file.toString()).doesNotContain(SECRET);
	}

	/** Two processes (two instances over one file) saving different servers at once: every save is kept. */
	@Test
	void twoInstancesSavingAtOnceKeepEverySave() throws Exception {
		FileRegisteredClients first = file(TokenCipher.none());
		FileRegisteredClients second = file(TokenCipher.none());
		int saves = 20;
		CyclicBarrier start = new CyclicBarrier(2);
		ExecutorService pool = Executors.newFixedThreadPool(2);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (FileRegisteredClients clients : List.of(first, second)) {
				String prefix = (clients == first) ? "first-" : "second-";
				done.add(pool.submit(() -> {
					start.await();
					for (int i = 0; i < saves; i++) {
						clients.save(prefix + i, publicClient(ISSUER));
					}
					return null;
				}));
			}
			for (Future<?> each : done) {
				each.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
		FileRegisteredClients reader = file(TokenCipher.none());
		for (int i = 0; i < saves; i++) {
			assertThat(reader.find("first-" + i)).as("first-" + i).contains(publicClient(ISSUER));
			assertThat(reader.find("second-" + i)).as("second-" + i).contains(publicClient(ISSUER));
		}
	}

	@Test
	void aCompareAndSetSaveKeepsAnotherProcesssNewerClient() {
		for (RegisteredClients clients : List.of(new InMemoryRegisteredClients(), file(TokenCipher.none()),
				file(cipher()))) {
			McpClient stale = confidential("https://old.example.com");
			McpClient newer = confidential(ISSUER);
			McpClient mine = publicClient(ISSUER);
			assertThat(clients.saveUnlessChanged("server-a", null, stale)).isEqualTo(stale);
			assertThat(clients.saveUnlessChanged("server-a", stale, newer)).isEqualTo(newer);
			assertThat(clients.saveUnlessChanged("server-a", stale, mine)).isEqualTo(newer);
			assertThat(clients.saveUnlessChanged("server-a", null, mine)).isEqualTo(newer);
			assertThat(clients.find("server-a")).contains(newer);
			clients.remove("server-a");
		}
	}

	private void roundTrip(RegisteredClients clients) {
		assertThat(clients.find("server-a")).isEmpty();
		McpClient confidential = confidential(ISSUER);
		McpClient publicOne = publicClient("https://other.example.com");
		clients.save("server-a", confidential);
		clients.save("server-b", publicOne);
		assertThat(clients.find("server-a")).contains(confidential);
		assertThat(clients.find("server-b")).contains(publicOne);
		McpClient replacement = publicClient(ISSUER);
		clients.save("server-a", replacement);
		assertThat(clients.find("server-a")).contains(replacement);
		clients.remove("server-a");
		clients.remove("server-never-stored");
		assertThat(clients.find("server-a")).isEmpty();
		assertThat(clients.find("server-b")).contains(publicOne);
		assertThat(clients.location()).isNotBlank();
	}

	private FileRegisteredClients file(TokenCipher cipher) {
		return new FileRegisteredClients(this.directory.resolve("cli").resolve("tokens.json"), cipher,
				Duration.ofSeconds(10));
	}

	private static TokenCipher cipher() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return TokenCipher.of(key, List.of());
	}

}
