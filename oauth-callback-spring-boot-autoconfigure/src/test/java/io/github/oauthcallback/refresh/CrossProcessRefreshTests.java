package io.github.oauthcallback.refresh;

import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.store.FileTokenStore;
import io.github.oauthcallback.store.JdbcTokenStore;
import io.github.oauthcallback.store.TestDatabases;
import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.internal.store.TokenTableSchema;
import io.github.oauthcallback.support.RotatingTokenEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Refresh across processes (file store) and nodes (JDBC store on PostgreSQL) against a token endpoint that refuses
 * any reused refresh token: no refresh token may ever be sent twice.
 */
class CrossProcessRefreshTests {

	@TempDir
	Path dir;

	private static void seed(TokenStore store, InMemoryClientRegistrationRepository registrations, String refresh) {
		Instant past = Instant.now().minusSeconds(10);
		store.saveAuthorizedClient(new OAuth2AuthorizedClient(registrations.findByRegistrationId("api"), "ada",
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at-0", past.minusSeconds(60), past, Set.of()),
				new OAuth2RefreshToken(refresh, past.minusSeconds(60))), Accounts.principal("ada"));
	}

	@Test
	void twoJvmsSharingTheFileStoreNeverReuseARotatedRefreshToken() throws Exception {
		try (RotatingTokenEndpoint endpoint = new RotatingTokenEndpoint(1, 50)) {
			Path file = this.dir.resolve("tokens.json");
			InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(
					RefreshWorker.registration(endpoint.tokenUri()));
			seed(new FileTokenStore(file, registrations, TokenCipher.none()), registrations,
					endpoint.firstRefreshToken());
			List<Process> workers = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				workers.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
						System.getProperty("java.class.path"), RefreshWorker.class.getName(), file.toString(),
						endpoint.tokenUri(), "4000")
					.redirectErrorStream(true)
					.start());
			}
			for (Process worker : workers) {
				assertThat(worker.waitFor(2, TimeUnit.MINUTES)).isTrue();
				String output = new String(worker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
				assertThat(worker.exitValue()).as(output).isZero();
				assertThat(output).contains("OK ");
			}
			assertThat(endpoint.reuses()).isZero();
			assertThat(endpoint.refreshes()).isGreaterThanOrEqualTo(3);
		}
	}

	@Test
	void twoNodesSharingPostgresNeverReuseARotatedRefreshToken() throws Exception {
		try (RotatingTokenEndpoint endpoint = new RotatingTokenEndpoint(1, 50);
				HikariDataSource first = TestDatabases.postgres();
				HikariDataSource second = TestDatabases.postgres()) {
			String table = "refresh_" + Long.toHexString(System.nanoTime());
			TokenTableSchema.initialize(first, table, DatabaseInitializationMode.ALWAYS);
			try {
				InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(
						RefreshWorker.registration(endpoint.tokenUri()));
				List<CompletableFuture<Integer>> nodes = new ArrayList<>();
				// One thread per node, as two machines would have; not the common pool.
				ExecutorService threads = Executors.newFixedThreadPool(2);
				for (HikariDataSource dataSource : List.of(first, second)) {
					JdbcTokenStore store = new JdbcTokenStore(new JdbcTemplate(dataSource),
							new TransactionTemplate(new DataSourceTransactionManager(dataSource)), registrations,
							TokenCipher.none(), table, () -> "test");
					if (nodes.isEmpty()) {
						seed(store, registrations, endpoint.firstRefreshToken());
					}
					OAuthCallbackAuthorizedClientManager manager = RefreshWorker.manager(registrations, store);
					nodes.add(CompletableFuture.supplyAsync(() -> RefreshWorker.run(manager, 4000), threads));
				}
				for (CompletableFuture<Integer> node : nodes) {
					assertThat(node.get(2, TimeUnit.MINUTES)).isPositive();
				}
				threads.shutdown();
				assertThat(endpoint.reuses()).isZero();
				assertThat(endpoint.refreshes()).isGreaterThanOrEqualTo(3);
			}
			finally {
				new JdbcTemplate(first).execute("DROP TABLE " + table);
			}
		}
	}

}
