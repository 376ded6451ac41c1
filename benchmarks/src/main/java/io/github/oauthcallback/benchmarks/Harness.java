package io.github.oauthcallback.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.google.api.client.extensions.jetty.auth.oauth2.LocalServerReceiver;
import io.github.oauthcallback.authorize.AuthorizationOptions;
import io.github.oauthcallback.authorize.CachingIdTokenDecoderFactory;
import io.github.oauthcallback.authorize.DefaultLoopbackAuthorizer;
import io.github.oauthcallback.authorize.TokenEndpointClients;
import io.github.oauthcallback.loopback.CallbackEndpoint;
import io.github.oauthcallback.loopback.CallbackPages;
import io.github.oauthcallback.loopback.ListenerSettings;
import io.github.oauthcallback.loopback.LoopbackListener;
import io.github.oauthcallback.refresh.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.refresh.ScheduledTokenRefresher;
import io.github.oauthcallback.store.FileTokenStore;
import io.github.oauthcallback.store.InMemoryTokenStore;
import io.github.oauthcallback.store.TokenCipher;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Runs the benchmarks and writes {@code docs/performance.md}:
 * {@code java -jar benchmarks/target/benchmarks.jar [output file]}. Whole-process timings (P3) are not measured yet.
 */
public final class Harness {

	private final List<String> rows = new ArrayList<>();

	private Harness() {
	}

	public static void main(String[] args) throws Exception {
		// The stub token endpoint is a JDK HttpServer, which leaves Nagle's algorithm on unless told: it then holds
		// the response body until the client's delayed ACK, 40 ms on Linux. Real servers set TCP_NODELAY; so does
		// the stub (read once, before any server starts).
		System.setProperty("sun.net.httpserver.nodelay", "true");
		Path output = Path.of((args.length > 0) ? args[0] : "docs/performance.md");
		Harness harness = new Harness();
		harness.listenerStartup();
		harness.machinePartOfALogin();
		harness.tokenOnRequest();
		harness.scheduledSweep();
		harness.concurrentCallers();
		Files.writeString(output, harness.report(), StandardCharsets.UTF_8);
		System.out.println("Wrote " + output.toAbsolutePath());
		System.exit(0);
	}

	/** P1: from the call that starts a login to the listener accepting a connection, ours and the peer alternated. */
	void listenerStartup() throws Exception {
		int warmup = 200;
		int runs = 500;
		long[] ours = new long[runs];
		long[] peer = new long[runs];
		CallbackPages pages = CallbackPages.defaults();
		CallbackEndpoint endpoint = new CallbackEndpoint("127.0.0.1", List.of(0), "/callback");
		for (int i = -warmup; i < runs; i++) {
			boolean oursFirst = (i % 2 == 0);
			long a = oursFirst ? ours(pages, endpoint) : peer();
			long b = oursFirst ? peer() : ours(pages, endpoint);
			if (i >= 0) {
				ours[i] = oursFirst ? a : b;
				peer[i] = oursFirst ? b : a;
			}
		}
		Stats mine = Stats.ofNanos(ours);
		Stats theirs = Stats.ofNanos(peer);
		row("P1", "login start → listener accepts a connection", mine.millis(),
				"google-oauth-client-jetty 1.39.0 LocalServerReceiver: " + theirs.millis(), "no slower than the peer",
				mine.median() <= theirs.median());
	}

	private static long ours(CallbackPages pages, CallbackEndpoint endpoint) throws IOException {
		long start = System.nanoTime();
		LoopbackListener<String> listener = LoopbackListener.start("bench", endpoint, pages, "state",
				Duration.ofMinutes(1), (code) -> code);
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), listener.redirectUri().getPort())) {
			long elapsed = System.nanoTime() - start;
			listener.close();
			return elapsed;
		}
	}

	private static long peer() throws IOException {
		long start = System.nanoTime();
		LocalServerReceiver receiver = new LocalServerReceiver.Builder().setHost("127.0.0.1").setPort(-1).build();
		receiver.getRedirectUri();
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), receiver.getPort())) {
			long elapsed = System.nanoTime() - start;
			receiver.stop();
			return elapsed;
		}
	}

	/** P2: redirect reaches the listener → code captured → token exchanged at a local stub → stored in the file. */
	void machinePartOfALogin() throws Exception {
		int warmup = 200;
		int runs = 1000;
		Path directory = Files.createTempDirectory("oauth-callback-bench");
		try (StubTokenEndpoint stub = new StubTokenEndpoint(0)) {
			ClientRegistration registration = Fixtures.registration("api", stub.tokenUri());
			InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(registration);
			FileTokenStore store = new FileTokenStore(directory.resolve("tokens.json"), registrations,
					TokenCipher.none());
			RestClientAuthorizationCodeTokenResponseClient tokens = new RestClientAuthorizationCodeTokenResponseClient();
			tokens.setRestClient(TokenEndpointClients.restClient(Duration.ofSeconds(5), Duration.ofSeconds(30)));
			AtomicReference<URI> authorizationUri = new AtomicReference<>();
			DefaultLoopbackAuthorizer authorizer = new DefaultLoopbackAuthorizer(registrations, store, tokens,
					new CachingIdTokenDecoderFactory(), authorizationUri::set, ListenerSettings.defaults(), "bench",
					Duration.ofMinutes(1));
			HttpClient browser = HttpClient.newHttpClient();
			long[] times = new long[runs];
			for (int i = -warmup; i < runs; i++) {
				CompletableFuture<OAuth2AuthorizedClient> login = authorizer.authorizeAsync("api",
						AuthorizationOptions.defaults());
				Map<String, String> query = UriComponentsBuilder.fromUri(authorizationUri.get())
					.build()
					.getQueryParams()
					.toSingleValueMap();
				URI callback = URI.create(URLDecoder.decode(query.get("redirect_uri"), StandardCharsets.UTF_8)
						+ "?code=code-" + i + "&state=" + query.get("state"));
				long start = System.nanoTime();
				browser.send(HttpRequest.newBuilder(callback).build(), HttpResponse.BodyHandlers.discarding());
				login.get(30, TimeUnit.SECONDS);
				if (i >= 0) {
					times[i] = System.nanoTime() - start;
				}
			}
			Stats stats = Stats.ofNanos(times);
			row("P2", "machine part of a login (callback → exchange at a local stub → stored in the file)",
					stats.millis() + String.format(", p99 %.2f ms", stats.p99() / 1000), "—", "median under 20 ms",
					stats.median() < 20_000);
		}
		finally {
			deleteRecursively(directory);
		}
	}

	/** P4: JMH, the cost the RestClient integration adds per request with a valid stored token. */
	void tokenOnRequest() throws Exception {
		Collection<RunResult> results = new Runner(new OptionsBuilder()
			.include(TokenOnRequestBenchmark.class.getName())
			.forks(1)
			.warmupIterations(3)
			.warmupTime(TimeValue.seconds(1))
			.measurementIterations(5)
			.measurementTime(TimeValue.seconds(1))
			.build()).run();
		double none = 0;
		List<String[]> measured = new ArrayList<>();
		for (RunResult result : results) {
			String store = result.getParams().getParam("store");
			double score = result.getPrimaryResult().getScore();
			double error = result.getPrimaryResult().getScoreError();
			if ("none".equals(store)) {
				none = score;
			}
			measured.add(new String[] { store, String.valueOf(score), String.valueOf(error) });
		}
		for (String[] entry : measured) {
			if ("none".equals(entry[0])) {
				continue;
			}
			double added = (Double.parseDouble(entry[1]) - none) / 1000;
			row("P4", "added cost per request, valid stored token, " + entry[0] + " store",
					String.format("%.2f µs (± %.2f)", added, Double.parseDouble(entry[2]) / 1000), "—",
					"under 2 µs", added < 2.0);
		}
	}

	/** P5: one scheduled-refresh sweep over 10 000 stored logins due for refresh, against a local stub. */
	void scheduledSweep() throws Exception {
		int logins = 10_000;
		try (StubTokenEndpoint stub = new StubTokenEndpoint(0)) {
			ClientRegistration registration = Fixtures.registration("api", stub.tokenUri());
			InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(registration);
			InMemoryTokenStore store = new InMemoryTokenStore();
			Instant soon = Instant.now().plusSeconds(30);
			for (int i = 0; i < logins; i++) {
				Fixtures.store(store, Fixtures.client(registration, "user-" + i, soon));
			}
			OAuthCallbackAuthorizedClientManager manager = Fixtures.manager(registrations, store);
			ScheduledTokenRefresher refresher = new ScheduledTokenRefresher(store, manager, null, Duration.ofHours(1),
					Duration.ofMinutes(5), 4, java.time.Clock.systemUTC());
			long start = System.nanoTime();
			ScheduledTokenRefresher.Sweep sweep = refresher.sweep();
			double seconds = (System.nanoTime() - start) / 1e9;
			System.gc();
			long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
			row("P5", "scheduled-refresh sweep over 10 000 logins (memory store, 4 at a time)",
					String.format("%.0f refreshes/s (%d refreshed, %d failed, %.1f s); heap after: %d MiB",
							sweep.refreshed() / seconds, sweep.refreshed(), sweep.failed(), seconds, heap >> 20),
					"—", "—", sweep.refreshed() == logins && stub.calls() == logins);
		}
	}

	/** P6: 256 concurrent callers on one expired token. */
	void concurrentCallers() throws Exception {
		try (StubTokenEndpoint stub = new StubTokenEndpoint(50)) {
			ClientRegistration registration = Fixtures.registration("api", stub.tokenUri());
			InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(registration);
			InMemoryTokenStore store = new InMemoryTokenStore();
			Fixtures.store(store, Fixtures.client(registration, "bench", Instant.now().minusSeconds(10)));
			OAuthCallbackAuthorizedClientManager manager = Fixtures.manager(registrations, store);
			ExecutorService threads = Executors.newFixedThreadPool(256);
			CountDownLatch go = new CountDownLatch(1);
			List<Future<OAuth2AuthorizedClient>> results = new ArrayList<>();
			for (int i = 0; i < 256; i++) {
				results.add(threads.submit(() -> {
					go.await();
					return manager.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("api")
						.principal("bench")
						.build());
				}));
			}
			long start = System.nanoTime();
			go.countDown();
			for (Future<OAuth2AuthorizedClient> result : results) {
				result.get(60, TimeUnit.SECONDS);
			}
			double millis = (System.nanoTime() - start) / 1e6;
			threads.shutdownNow();
			row("P6", "256 concurrent callers on one expired token (stub answers in 50 ms)",
					String.format("%d token-endpoint call(s); all 256 had the new token after %.0f ms", stub.calls(),
							millis),
					"—", "exactly 1 call", stub.calls() == 1);
		}
	}

	private void row(String id, String what, String ours, String peer, String target, boolean met) {
		this.rows.add("| " + id + " | " + what + " | " + ours + " | " + peer + " | " + target + " | "
				+ (met ? "met" : "**missed**") + " |");
		System.out.println(id + ": " + ours + " / " + peer);
	}

	private String report() throws IOException {
		String cpu = cpuModel();
		StringBuilder text = new StringBuilder();
		text.append("## Figures\n\n");
		text.append("Measured ")
			.append(DateTimeFormatter.ISO_LOCAL_DATE.format(Instant.now().atZone(ZoneOffset.UTC)))
			.append(" on ")
			.append(Runtime.getRuntime().availableProcessors())
			.append(" cores (")
			.append(cpu)
			.append("), ")
			.append(Runtime.getRuntime().maxMemory() >> 20)
			.append(" MiB max heap, ")
			.append(System.getProperty("java.vm.vendor"))
			.append(' ')
			.append(System.getProperty("java.vm.name"))
			.append(' ')
			.append(Runtime.version())
			.append(". Median with the 10th–90th percentile spread unless stated.\n\n");
		text.append("| # | What | This starter | Peer | Target | |\n|---|---|---|---|---|---|\n");
		this.rows.forEach((row) -> text.append(row).append('\n'));
		text.append("| P3 | whole `status`/`call` process with a stored token, vs the same app without the starter, JDK 17 "
				+ "and 25 | not measured yet | — | overhead < 50 ms, process < 0.5 s on JDK 25 | **not measured** |\n");
		return header() + text;
	}

	private static String header() throws IOException {
		try (var in = Harness.class.getResourceAsStream("/performance-header.md")) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	private static String cpuModel() {
		try {
			return Files.readAllLines(Path.of("/proc/cpuinfo"))
				.stream()
				.filter((line) -> line.startsWith("model name"))
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.findFirst()
				.orElse(System.getProperty("os.arch"));
		}
		catch (IOException ex) {
			return System.getProperty("os.arch");
		}
	}

	private static void deleteRecursively(Path directory) throws IOException {
		try (var files = Files.walk(directory)) {
			files.sorted(java.util.Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
	}

}
