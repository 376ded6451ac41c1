package io.github.oauthcallback.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.github.oauthcallback.client.OAuthCallbackRestClients;
import io.github.oauthcallback.store.FileTokenStore;
import io.github.oauthcallback.store.InMemoryTokenStore;
import io.github.oauthcallback.store.JdbcTokenStore;
import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.internal.store.TokenTableSchema;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;

/**
 * P4: what the RestClient integration adds to one request when the stored token is valid: the interceptor, the
 * client manager and the store lookup, with the network replaced by a canned response. "none" is the same request
 * without the interceptor. JMH's average time per request; the harness subtracts "none".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TokenOnRequestBenchmark {

	/**
	 * The stores. {@code jdbc-h2} is H2 in memory with the store's default read cache (10 s time-to-live);
	 * {@code jdbc-h2-uncached} is the same store with the cache off, a query per request, so the table shows what the
	 * cache saves, as {@code file} next to {@code file-changed} does. The changed-file case is
	 * {@link ChangedTokenFileBenchmark}.
	 */
	@Param({ "none", "memory", "file", "jdbc-h2", "jdbc-h2-uncached" })
	public String store;

	private Fixture fixture;

	@Setup(Level.Trial)
	public void setUp() throws IOException {
		this.fixture = Fixture.create(this.store);
	}

	@TearDown(Level.Trial)
	public void tearDown() throws IOException {
		this.fixture.close();
	}

	@Benchmark
	public ClientHttpResponse request() throws IOException {
		return this.fixture.request();
	}

	/** A store holding one valid login, and the interceptor under test ({@code null} for "none"). */
	static final class Fixture implements AutoCloseable {

		private final ClientHttpRequestExecution network = (request, body) -> CannedResponse.OK;

		private final byte[] body = new byte[0];

		private ClientHttpRequestInterceptor interceptor;

		private Path directory;

		private Path file;

		private HikariDataSource dataSource;

		static Fixture create(String store) throws IOException {
			Fixture fixture = new Fixture();
			ClientRegistration registration = Fixtures.registration("api", "http://127.0.0.1:1/token");
			InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(
					registration);
			TokenStore tokens = switch (store) {
				case "none", "memory" -> new InMemoryTokenStore();
				case "file", "file-changed" -> {
					fixture.directory = Files.createTempDirectory("oauth-callback-bench");
					fixture.file = fixture.directory.resolve("tokens.json");
					yield new FileTokenStore(fixture.file, registrations, TokenCipher.none());
				}
				case "jdbc-h2", "jdbc-h2-uncached" -> {
					fixture.dataSource = new HikariDataSource();
					fixture.dataSource.setJdbcUrl("jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1");
					TokenTableSchema.initialize(fixture.dataSource, "bench_tokens", DatabaseInitializationMode.ALWAYS);
					yield new JdbcTokenStore(new JdbcTemplate(fixture.dataSource),
							new DataSourceTransactionManager(fixture.dataSource), registrations, TokenCipher.none(),
							"bench_tokens", () -> "h2",
							"jdbc-h2".equals(store) ? JdbcTokenStore.DEFAULT_CACHE_TIME_TO_LIVE : Duration.ZERO,
							FileTokenStore.DEFAULT_LOCK_TIMEOUT);
				}
				default -> throw new IllegalArgumentException("Unknown store " + store);
			};
			Fixtures.store(tokens, Fixtures.client(registration, "bench", Instant.now().plusSeconds(86_400)));
			fixture.interceptor = "none".equals(store) ? null
					: new OAuthCallbackRestClients(Fixtures.manager(registrations, tokens), "bench")
						.interceptor("api", "bench");
			return fixture;
		}

		ClientHttpResponse request() throws IOException {
			SimpleRequest request = new SimpleRequest();
			return (this.interceptor != null) ? this.interceptor.intercept(request, this.body, this.network)
					: this.network.execute(request, this.body);
		}

		/** The token file, for the changed-file case. */
		Path file() {
			return this.file;
		}

		@Override
		public void close() throws IOException {
			if (this.dataSource != null) {
				this.dataSource.close();
			}
			if (this.directory != null) {
				try (var files = Files.walk(this.directory)) {
					files.sorted(java.util.Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
				}
			}
		}

	}

	/** A GET request that only holds headers. */
	static final class SimpleRequest implements HttpRequest {

		private static final URI URI_ = URI.create("https://api.example/me");

		private final HttpHeaders headers = new HttpHeaders();

		@Override
		public HttpMethod getMethod() {
			return HttpMethod.GET;
		}

		@Override
		public URI getURI() {
			return URI_;
		}

		@Override
		public java.util.Map<String, Object> getAttributes() {
			return java.util.Map.of();
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.headers;
		}

	}

	/** A 200 response without a body. */
	static final class CannedResponse implements ClientHttpResponse {

		static final CannedResponse OK = new CannedResponse();

		@Override
		public HttpStatusCode getStatusCode() {
			return HttpStatus.OK;
		}

		@Override
		public String getStatusText() {
			return "OK";
		}

		@Override
		public void close() {
		}

		@Override
		public InputStream getBody() {
			return new ByteArrayInputStream(new byte[0]);
		}

		@Override
		public HttpHeaders getHeaders() {
			return HttpHeaders.EMPTY;
		}

	}

}
