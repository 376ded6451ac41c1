package io.github.oauthcallback.store;

import io.github.oauthcallback.internal.store.TokenCipher;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.oauthcallback.TokenStoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

import static io.github.oauthcallback.store.StoreFixtures.account;
import static io.github.oauthcallback.store.StoreFixtures.client;
import static io.github.oauthcallback.store.StoreFixtures.registration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The file store across real processes: a writer killed with SIGKILL between writing its temporary file and the
 * rename, and several JVMs writing at once.
 */
class FileStoreProcessTests {

	@TempDir
	Path dir;

	private FileTokenStore store(Path file) {
		return new FileTokenStore(file, StoreFixtures.registrations(FileStoreWorker.REGISTRATIONS), TokenCipher.none());
	}

	private static Process worker(String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
				FileStoreWorker.class.getName()));
		command.addAll(List.of(args));
		return new ProcessBuilder(command).redirectErrorStream(true).start();
	}

	@Test
	void aWriterKilledBetweenWritingTheTemporaryFileAndTheRenameLeavesTheFileIntactAndNoLeftover() throws Exception {
		Path file = this.dir.resolve("tokens.json");
		FileTokenStore store = store(file);
		for (int i = 0; i < 5; i++) {
			store.saveAuthorizedClient(client(registration("other-" + i), "user" + i, "other-value-" + i, "r" + i),
					account("user" + i));
		}
		for (int kill = 0; kill < 3; kill++) {
			String kept = "kept-" + kill;
			store.saveAuthorizedClient(client(registration("crash"), "writer", kept, null), account("writer"));
			byte[] before = Files.readAllBytes(file);
			Process process = worker("park", file.toString(), "lost-" + kill);
			BufferedReader out = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
			String parked = out.readLine();
			assertThat(parked).as("the writer reached the window").startsWith("PARKED ");
			Path temporary = Path.of(parked.substring("PARKED ".length()));
			assertThat(temporary).as("the new content is written, not yet renamed").exists();
			assertThat(Files.readString(temporary)).contains("lost-" + kill);
			process.destroyForcibly();
			assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
			assertThat(process.exitValue()).isEqualTo(137);

			assertThat(Files.readAllBytes(file)).as("the token file is the one before the write").isEqualTo(before);
			assertThat(temporary).as("the killed writer left its temporary file").exists();
			FileTokenStore reopened = store(file);
			Map<String, String> values = new java.util.HashMap<>();
			for (StoredLogin login : reopened.logins()) {
				OAuth2AuthorizedClient client = reopened.loadAuthorizedClient(login.registrationId(), login.account());
				values.put(login.registrationId() + "/" + login.account(), client.getAccessToken().getTokenValue());
			}
			assertThat(values).hasSize(6).containsEntry("crash/writer", kept);
			for (int i = 0; i < 5; i++) {
				assertThat(values).containsEntry("other-" + i + "/user" + i, "other-value-" + i);
			}
			reopened.saveAuthorizedClient(client(registration("other-0"), "user0", "other-value-0", "r0"),
					account("user0"));
			try (var files = Files.list(this.dir)) {
				assertThat(files.map((path) -> path.getFileName().toString()))
					.as("the next write removed the leftover")
					.containsExactlyInAnyOrder("tokens.json", "tokens.json.lock");
			}
		}
	}

	@Test
	void writerKilledWithSigkillFiftyTimesAtRandomMomentsNeverCorruptsTheFileOrLosesOtherEntries() throws Exception {
		Path file = this.dir.resolve("tokens.json");
		FileTokenStore store = store(file);
		for (int i = 0; i < 5; i++) {
			store.saveAuthorizedClient(client(registration("other-" + i), "user" + i, "other-value-" + i, "r" + i),
					account("user" + i));
		}
		store.saveAuthorizedClient(client(registration("crash"), "writer", "v-initial", null), account("writer"));
		Random random = new Random(20261123);
		long previousLow = -1;
		String previous = "v-initial";
		int progressed = 0;
		for (int kill = 0; kill < 50; kill++) {
			long first = kill * 10_000_000L;
			Process process = worker("loop", file.toString(), String.valueOf(first));
			BufferedReader out = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
			assertThat(out.readLine()).isEqualTo("READY");
			Thread.sleep(5 + random.nextInt(120));
			process.destroyForcibly();
			assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
			assertThat(process.exitValue()).isEqualTo(137);

			Map<String, String> values = new java.util.HashMap<>();
			for (StoredLogin login : store.logins()) {
				OAuth2AuthorizedClient client = store.loadAuthorizedClient(login.registrationId(), login.account());
				values.put(login.registrationId() + "/" + login.account(), client.getAccessToken().getTokenValue());
			}
			for (int i = 0; i < 5; i++) {
				assertThat(values).containsEntry("other-" + i + "/user" + i, "other-value-" + i);
			}
			String current = values.get("crash/writer");
			assertThat(current).as("after kill %d", kill).matches("v-initial|v\\d+");
			if (!current.equals(previous)) {
				long number = Long.parseLong(current.substring(1));
				assertThat(number).as("a value of this writer or the last").isBetween(first, first + 9_999_999);
				assertThat(number).isGreaterThan(previousLow);
				previousLow = number;
				previous = current;
				progressed++;
			}
		}
		assertThat(progressed).as("runs whose writer saved before it was killed").isEqualTo(50);
		assertThat(store.logins()).hasSize(6);
	}

	@Test
	void fourOverlappingProcessesSavingDistinctKeysLoseNothing() throws Exception {
		Path file = this.dir.resolve("tokens.json");
		Path signals = Files.createDirectory(this.dir.resolve("signals"));
		List<Process> processes = new ArrayList<>();
		for (int worker = 0; worker < 4; worker++) {
			processes.add(worker("distinct", file.toString(), "w" + worker, "200", signals.toString()));
		}
		for (Process process : processes) {
			assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(process.exitValue()).as(output).isZero();
		}
		long latestStart = Long.MIN_VALUE;
		long earliestEnd = Long.MAX_VALUE;
		for (int worker = 0; worker < 4; worker++) {
			String[] times = Files.readString(signals.resolve("times-w" + worker)).split(" ");
			latestStart = Math.max(latestStart, Long.parseLong(times[0]));
			earliestEnd = Math.min(earliestEnd, Long.parseLong(times[1]));
		}
		assertThat(latestStart).as("every worker started before any finished: their saves overlapped")
			.isLessThan(earliestEnd);
		List<StoredLogin> logins = store(file).logins();
		assertThat(logins).hasSize(800);
		assertThat(logins.stream().map(StoredLogin::account).collect(Collectors.toSet())).hasSize(800);
		OAuth2AuthorizedClient sample = store(file).loadAuthorizedClient("concurrent", "w3-199");
		assertThat(sample.getAccessToken().getTokenValue()).isEqualTo("t-w3-199");
	}

	@Test
	void aLockHeldByAnotherProcessEndsInATypedErrorAfterTheTimeoutAndNothingIsMovedAside() throws Exception {
		Path file = this.dir.resolve("tokens.json");
		store(file).saveAuthorizedClient(client(registration("crash"), "writer", "kept", null), account("writer"));
		byte[] before = Files.readAllBytes(file);
		Process holder = worker("hold", file.toString());
		try {
			BufferedReader out = new BufferedReader(
					new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
			assertThat(out.readLine()).isEqualTo("HOLDING");
			FileTokenStore waiting = new FileTokenStore(file,
					StoreFixtures.registrations(FileStoreWorker.REGISTRATIONS), TokenCipher.none(),
					java.time.Duration.ofMillis(300));
			assertThatExceptionOfType(TokenStoreException.class)
				.isThrownBy(() -> waiting.saveAuthorizedClient(client(registration("crash"), "writer", "new", null),
						account("writer")))
				.withMessageContaining("is locked by another process")
				.withMessageContaining("(the store's lock timeout)")
				.withMessageNotContaining("oauth-callback.");
			assertThatExceptionOfType(TokenStoreException.class).as("logout --all reports, never moves the file")
				.isThrownBy(waiting::logoutAll);
			assertThat(Files.readAllBytes(file)).isEqualTo(before);
			assertThat(Files.list(this.dir).map((path) -> path.getFileName().toString()))
				.noneMatch((name) -> name.contains("unusable"));
		}
		finally {
			holder.destroyForcibly();
			holder.waitFor(10, TimeUnit.SECONDS);
		}
		assertThat(((OAuth2AuthorizedClient) store(file).loadAuthorizedClient("crash", "writer")).getAccessToken()
			.getTokenValue()).isEqualTo("kept");
	}

}
