package io.github.oauthcallback.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
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
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.google.api.client.extensions.jetty.auth.oauth2.LocalServerReceiver;
import io.github.oauthcallback.authorize.AuthorizationOptions;
import io.github.oauthcallback.internal.authorize.CachingIdTokenDecoderFactory;
import io.github.oauthcallback.internal.authorize.DefaultLoopbackAuthorizer;
import io.github.oauthcallback.benchmarks.p3.WholeProcess;
import io.github.oauthcallback.internal.loopback.CallbackEndpoint;
import io.github.oauthcallback.internal.loopback.CallbackPages;
import io.github.oauthcallback.internal.loopback.ListenerSettings;
import io.github.oauthcallback.internal.loopback.LoopbackListener;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.internal.refresh.ScheduledTokenRefresher;
import io.github.oauthcallback.store.FileTokenStore;
import io.github.oauthcallback.store.InMemoryTokenStore;
import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.internal.device.DefaultDeviceAuthorizer;
import io.github.oauthcallback.internal.device.DeviceEndpoints;
import io.github.oauthcallback.internal.tokenendpoint.TokenEndpointClients;
import io.github.oauthcallback.internal.tokenendpoint.TokenResponseClients;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Runs the benchmarks and writes {@code docs/performance.md}:
 * {@code java -jar benchmarks/target/benchmarks.jar [output file] [options]}. Options:
 * <ul>
 * <li>{@code --quick}: reduced iterations everywhere (for checking the harness; the file says so);</li>
 * <li>{@code --only=P1,P3} / {@code --skip=P3}: run only / leave out some figures;</li>
 * <li>{@code --p3-runs=N}, {@code --p3-variants=jdk17,jdk25,...}, {@code --p3-training=refresh|command},
 * {@code --no-p3-breakdown}, {@code --p3-keep}: see {@link WholeProcess};</li>
 * <li>{@code --jdk17=DIR}, {@code --jdk25=DIR}, {@code --sample-jar=FILE}: where P3 finds its JDKs and the sample.</li>
 * </ul>
 */
public final class Harness {

	/** Whether a figure meets its target. */
	enum Status {

		MET("met"), MISSED("**missed**"), NO_TARGET("—"), FAILED("**failed**");

		final String text;

		Status(String text) {
			this.text = text;
		}

		static Status of(boolean met) {
			return met ? MET : MISSED;
		}

	}

	private final List<String> rows = new ArrayList<>();

	private final List<String> observations = new ArrayList<>();

	private final List<String> missed = new ArrayList<>();

	private final List<String> sections = new ArrayList<>();

	private final boolean quick;

	private Harness(boolean quick) {
		this.quick = quick;
	}

	public static void main(String[] args) throws Exception {
		// The stub token endpoint is a JDK HttpServer, which leaves Nagle's algorithm on unless told: it then holds
		// the response body until the client's delayed ACK, 40 ms on Linux. Real servers set TCP_NODELAY; so does
		// the stub (read once, before any server starts).
		System.setProperty("sun.net.httpserver.nodelay", "true");
		Map<String, String> options = new LinkedHashMap<>();
		Path output = Path.of("docs/performance.md");
		for (String arg : args) {
			if (arg.startsWith("--")) {
				int equals = arg.indexOf('=');
				options.put((equals > 0) ? arg.substring(2, equals) : arg.substring(2),
						(equals > 0) ? arg.substring(equals + 1) : "true");
			}
			else {
				output = Path.of(arg);
			}
		}
		boolean quick = options.containsKey("quick");
		Set<String> figures = new LinkedHashSet<>(List.of("P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8"));
		if (options.containsKey("only")) {
			figures.retainAll(List.of(options.get("only").toUpperCase(Locale.ROOT).split(",")));
		}
		if (options.containsKey("skip")) {
			List.of(options.get("skip").toUpperCase(Locale.ROOT).split(",")).forEach(figures::remove);
		}
		Harness harness = new Harness(quick);
		if (figures.contains("P1")) {
			harness.listenerStartup();
		}
		if (figures.contains("P2")) {
			harness.machinePartOfALogin();
		}
		if (figures.contains("P3")) {
			harness.wholeProcess(options);
		}
		if (figures.contains("P4")) {
			harness.tokenOnRequest();
		}
		if (figures.contains("P5")) {
			harness.scheduledSweep();
		}
		if (figures.contains("P6")) {
			harness.concurrentCallers();
		}
		if (figures.contains("P7")) {
			harness.deviceLogin();
		}
		if (figures.contains("P8")) {
			harness.mcpFirstToolCall();
		}
		Files.writeString(output, harness.report(figures), StandardCharsets.UTF_8);
		System.out.println("Wrote " + output.toAbsolutePath());
		System.exit(0);
	}

	/**
	 * P1: from the call that starts a login to the first byte of the listener's answer to the browser's redirect,
	 * ours and the peer alternated.
	 */
	void listenerStartup() throws Exception {
		int warmup = this.quick ? 50 : 200;
		int runs = this.quick ? 100 : 500;
		long[] ours = new long[runs];
		long[] peer = new long[runs];
		long[] bare = new long[runs];
		CallbackPages pages = CallbackPages.defaults();
		CallbackEndpoint endpoint = new CallbackEndpoint("127.0.0.1", List.of(0), "/callback");
		byte[] page;
		try (InputStream in = Harness.class.getResourceAsStream("/io/github/oauthcallback/loopback/success.html")) {
			page = in.readAllBytes();
		}
		for (int i = -warmup; i < runs; i++) {
			// the three alternate, each taking every place in turn
			for (int turn = 0; turn < 3; turn++) {
				int which = Math.floorMod(i + turn, 3);
				long time = (which == 0) ? ours(pages, endpoint) : (which == 1) ? peer() : bareServer(page);
				if (i >= 0) {
					((which == 0) ? ours : (which == 1) ? peer : bare)[i] = time;
				}
			}
		}
		Stats mine = Stats.ofNanos(ours);
		Stats theirs = Stats.ofNanos(peer);
		Stats floor = Stats.ofNanos(bare);
		row("P1", "login start → first byte of the listener's answer to the redirect", mine.millis(),
				"google-oauth-client-jetty 1.39.0 LocalServerReceiver: " + theirs.millis(), "no slower than the peer",
				Status.of(mine.median() <= theirs.median()));
		this.observations.add(String.format("P1: the starter's listener answered in %.2f ms (median), the peer in "
				+ "%.2f ms: %s. A bare JDK HttpServer (the server the listener is built on, which the project "
				+ "requires) answering the same request from its own dispatcher thread, with no checks, took %.2f ms "
				+ "(p10 %.2f, p90 %.2f) in the same alternation: the rest is the listener's own worker thread (it "
				+ "keeps a slow local connection from blocking the callback) and its checks.",
				mine.median() / 1000, theirs.median() / 1000,
				(mine.median() <= theirs.median()) ? String.format("%.0f %% faster", 100 * (1 - mine.median() / theirs.median()))
						: String.format("%.0f %% slower", 100 * (mine.median() / theirs.median() - 1)),
				floor.median() / 1000, floor.p10() / 1000, floor.p90() / 1000));
	}

	/** The floor of P1: the JDK's HttpServer alone, answering the page from its dispatcher thread. */
	private static long bareServer(byte[] page) throws IOException {
		long start = System.nanoTime();
		com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer
			.create(new java.net.InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
		server.createContext("/", (exchange) -> {
			try (exchange) {
				exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
				exchange.sendResponseHeaders(200, page.length);
				exchange.getResponseBody().write(page);
			}
		});
		server.start();
		try {
			return firstByte(start, server.getAddress().getPort(), "/callback");
		}
		finally {
			server.stop(0);
		}
	}

	private static long ours(CallbackPages pages, CallbackEndpoint endpoint) throws IOException {
		long start = System.nanoTime();
		LoopbackListener<String> listener = LoopbackListener.start("bench", endpoint, pages, "state",
				Duration.ofMinutes(1), (code) -> code);
		try {
			return firstByte(start, listener.redirectUri().getPort(), listener.redirectUri().getRawPath());
		}
		finally {
			listener.close();
		}
	}

	private static long peer() throws IOException {
		long start = System.nanoTime();
		LocalServerReceiver receiver = new LocalServerReceiver.Builder().setHost("127.0.0.1").setPort(-1).build();
		receiver.getRedirectUri();
		try {
			return firstByte(start, receiver.getPort(), receiver.getCallbackPath());
		}
		finally {
			receiver.stop();
		}
	}

	/**
	 * Sends the browser's redirect (one GET with a code and the state) and returns the time from {@code start} to the
	 * first byte of the answer; the whole answer must be a 200.
	 */
	private static long firstByte(long start, int port, String path) throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setTcpNoDelay(true);
			OutputStream out = socket.getOutputStream();
			out.write(("GET " + path + "?code=bench-code&state=state HTTP/1.1\r\nHost: 127.0.0.1:" + port
					+ "\r\nAccept: text/html\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			int first = in.read();
			long elapsed = System.nanoTime() - start;
			String answer = (char) first + new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
			if (!answer.startsWith("HTTP/1.1 200")) {
				throw new IllegalStateException("P1: expected a 200 from port " + port + ", got: "
						+ answer.lines().findFirst().orElse(""));
			}
			return elapsed;
		}
	}

	/** P2: redirect reaches the listener → code captured → token exchanged at a local stub → stored in the file. */
	void machinePartOfALogin() throws Exception {
		int warmup = this.quick ? 50 : 200;
		int runs = this.quick ? 200 : 1000;
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
					Status.of(stats.median() < 20_000));
		}
		finally {
			deleteRecursively(directory);
		}
	}

	/** P3: the sample's status and call as whole processes, with and without the starter (see WholeProcess). */
	void wholeProcess(Map<String, String> options) throws Exception {
		Path jdk17 = Path.of(options.getOrDefault("jdk17",
				"17".equals(System.getProperty("java.specification.version")) ? System.getProperty("java.home")
						: "/usr/lib/jvm/java-17-openjdk-amd64"));
		Path jdk25 = Path.of(options.getOrDefault("jdk25",
				"25".equals(System.getProperty("java.specification.version")) ? System.getProperty("java.home")
						: "/usr/lib/jvm/temurin-25-jdk-amd64"));
		List<String> variants = options.containsKey("p3-variants") ? List.of(options.get("p3-variants").split(","))
				: WholeProcess.variantIds();
		WholeProcess.Options settings = new WholeProcess.Options(
				Path.of(options.getOrDefault("sample-jar", "sample-cli-app/target/sample-cli-app.jar")), jdk17, jdk25,
				Integer.parseInt(options.getOrDefault("p3-runs", this.quick ? "3" : "10")), variants,
				options.getOrDefault("p3-training", "command"), !options.containsKey("no-p3-breakdown"),
				options.containsKey("p3-keep"));
		WholeProcess p3 = new WholeProcess(settings).run();
		for (String[] row : p3.summaryRows()) {
			Status status = switch (row[4]) {
				case "met" -> Status.MET;
				case "**missed**" -> Status.MISSED;
				default -> Status.FAILED;
			};
			row("P3", row[0], row[1], row[2], row[3], status);
		}
		String[] discovery = p3.cachedDiscoveryRow();
		if (discovery != null) {
			row("P3", discovery[0], discovery[1], discovery[2], discovery[3], switch (discovery[4]) {
				case "met" -> Status.MET;
				case "**missed**" -> Status.MISSED;
				default -> Status.FAILED;
			});
		}
		this.sections.add(p3.details());
		this.observations.addAll(p3.observations());
	}

	/**
	 * P4: JMH, the cost the RestClient integration adds per request with a valid stored token: each store's average
	 * minus the average of the same request without the interceptor ("none") measured the same way.
	 */
	void tokenOnRequest() throws Exception {
		Collection<RunResult> results = new Runner(new OptionsBuilder()
			.include(TokenOnRequestBenchmark.class.getName() + "|" + ChangedTokenFileBenchmark.class.getName())
			.forks(1)
			.warmupIterations(this.quick ? 2 : 3)
			.warmupTime(TimeValue.seconds(1))
			.measurementIterations(this.quick ? 3 : 5)
			.measurementTime(TimeValue.seconds(1))
			.build()).run();
		Map<String, double[]> none = new LinkedHashMap<>();
		Map<String, double[]> measured = new LinkedHashMap<>();
		for (RunResult result : results) {
			String benchmark = result.getParams().getBenchmark();
			String store = result.getParams().getParam("store");
			double[] scoreAndError = { result.getPrimaryResult().getScore(),
					result.getPrimaryResult().getScoreError() };
			if ("none".equals(store)) {
				none.put(benchmark, scoreAndError);
			}
			else {
				measured.put(benchmark + " " + store, scoreAndError);
			}
		}
		Map<String, Double> added = new LinkedHashMap<>();
		List<String> order = List.of("memory", "file", "file-changed", "jdbc-h2", "jdbc-h2-uncached");
		List<Map.Entry<String, double[]>> entries = new ArrayList<>(measured.entrySet());
		entries.sort(java.util.Comparator.comparingInt((Map.Entry<String, double[]> e) -> {
			int index = order.indexOf(e.getKey().substring(e.getKey().indexOf(' ') + 1));
			return (index < 0) ? order.size() : index;
		}));
		for (Map.Entry<String, double[]> entry : entries) {
			String benchmark = entry.getKey().substring(0, entry.getKey().indexOf(' '));
			String store = entry.getKey().substring(entry.getKey().indexOf(' ') + 1);
			double[] base = none.get(benchmark);
			double cost = (entry.getValue()[0] - base[0]) / 1000;
			double error = (entry.getValue()[1] + base[1]) / 1000;
			added.put(store, cost);
			boolean changed = store.endsWith("-changed") || store.endsWith("-uncached");
			String what = "added cost per request, valid stored token, " + switch (store) {
				case "file-changed" -> "file store, file changed before every request (read and parsed again)";
				case "jdbc-h2-uncached" -> "jdbc-h2 store with its cache off (a query per request)";
				default -> store + " store";
			};
			row("P4", what,
					String.format("%.2f µs ± %.2f (JMH average %.2f µs − %.2f µs without the interceptor)", cost,
							error, entry.getValue()[0] / 1000, base[0] / 1000),
					"—", changed ? "— (shows what the cache saves)" : "under 2 µs",
					changed ? Status.NO_TARGET : Status.of(cost < 2.0));
		}
		if (added.containsKey("file") && added.containsKey("file-changed")) {
			this.observations.add(String.format("P4: an unchanged token file added %.2f µs per request, a changed "
					+ "one %.2f µs: the difference is the read and parse the file store's change detection avoids.",
					added.get("file"), added.get("file-changed")));
		}
		if (added.containsKey("jdbc-h2") && added.containsKey("jdbc-h2-uncached")) {
			this.observations.add(String.format("P4: a login cached by the JDBC store added %.2f µs per request, a query "
					+ "per request (cache off) %.2f µs: the difference is what its read cache saves.",
					added.get("jdbc-h2"), added.get("jdbc-h2-uncached")));
		}
	}

	/** P5: scheduled-refresh sweeps over stored logins due for refresh, against a local stub, repeated. */
	void scheduledSweep() throws Exception {
		int logins = this.quick ? 2_000 : 10_000;
		int repeats = 3;
		double[] rates = new double[repeats];
		long[] heaps = new long[repeats];
		boolean complete = true;
		for (int run = 0; run < repeats; run++) {
			try (StubTokenEndpoint stub = new StubTokenEndpoint(0)) {
				ClientRegistration registration = Fixtures.registration("api", stub.tokenUri());
				InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(
						registration);
				InMemoryTokenStore store = new InMemoryTokenStore();
				Instant soon = Instant.now().plusSeconds(30);
				for (int i = 0; i < logins; i++) {
					Fixtures.store(store, Fixtures.client(registration, "user-" + i, soon));
				}
				OAuthCallbackAuthorizedClientManager manager = Fixtures.manager(registrations, store);
				ScheduledTokenRefresher refresher = new ScheduledTokenRefresher(store, manager, null,
						Duration.ofHours(1), Duration.ofMinutes(5), 4, java.time.Clock.systemUTC());
				long start = System.nanoTime();
				ScheduledTokenRefresher.Sweep sweep = refresher.sweep();
				double seconds = (System.nanoTime() - start) / 1e9;
				System.gc();
				heaps[run] = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
				rates[run] = sweep.refreshed() / seconds;
				complete &= sweep.refreshed() == logins && sweep.failed() == 0 && stub.calls() == logins;
				System.out.printf("P5: run %d: %d refreshed, %d failed, %.1f s%n", run + 1, sweep.refreshed(),
						sweep.failed(), seconds);
			}
		}
		double[] sortedRates = rates.clone();
		Arrays.sort(sortedRates);
		long[] sortedHeaps = heaps.clone();
		Arrays.sort(sortedHeaps);
		row("P5", String.format("scheduled-refresh sweep over %,d logins (memory store, 4 at a time)", logins),
				String.format("%.0f refreshes/s (min %.0f, max %.0f; %d sweeps); heap after: %d MiB (min %d, max %d)",
						sortedRates[repeats / 2], sortedRates[0], sortedRates[repeats - 1], repeats,
						sortedHeaps[repeats / 2] >> 20, sortedHeaps[0] >> 20, sortedHeaps[repeats - 1] >> 20),
				"—", complete ? "— (no target; every login refreshed, none failed)" : "every login refreshed",
				complete ? Status.NO_TARGET : Status.FAILED);
	}

	/** P6: 256 concurrent callers on one expired token, repeated. */
	void concurrentCallers() throws Exception {
		int repeats = this.quick ? 3 : 5;
		long[] nanos = new long[repeats];
		int[] calls = new int[repeats];
		for (int run = 0; run < repeats; run++) {
			try (StubTokenEndpoint stub = new StubTokenEndpoint(50)) {
				ClientRegistration registration = Fixtures.registration("api", stub.tokenUri());
				InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(
						registration);
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
				nanos[run] = System.nanoTime() - start;
				calls[run] = stub.calls();
				threads.shutdownNow();
			}
		}
		long[] sorted = nanos.clone();
		Arrays.sort(sorted);
		boolean single = Arrays.stream(calls).allMatch((c) -> c == 1);
		row("P6", "256 concurrent callers on one expired token (stub answers in 50 ms)",
				String.format("token-endpoint calls per run: %s; all 256 had the new token after %.0f ms (min %.0f, "
						+ "max %.0f; %d runs)", Arrays.toString(calls), sorted[repeats / 2] / 1e6, sorted[0] / 1e6,
						sorted[repeats - 1] / 1e6, repeats),
				"—", "exactly 1 call", Status.of(single));
	}

	/**
	 * P7: a device login (RFC 8628) against a local stub with a one-second interval; the user approves at a random
	 * moment while the starter polls. From the approval to the login being stored (the future completes right after
	 * the save), and the polls: in all, and after the approval (one is enough).
	 */
	void deviceLogin() throws Exception {
		int logins = this.quick ? 3 : 8;
		long[] nanos = new long[logins];
		int[] polls = new int[logins];
		int[] after = new int[logins];
		Random random = new Random(7);
		for (int run = 0; run < logins; run++) {
			try (StubDeviceProvider stub = new StubDeviceProvider()) {
				ClientRegistration registration = ClientRegistration.withRegistrationId("device")
					.clientId("bench-device-cli")
					.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
					.authorizationGrantType(AuthorizationGrantType.DEVICE_CODE)
					.scope("read")
					.tokenUri(stub.base() + "/token")
					.build();
				InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(
						registration);
				InMemoryTokenStore store = new InMemoryTokenStore();
				TokenResponseClients clients = new TokenResponseClients(
						() -> TokenEndpointClients.restClient(Duration.ofSeconds(5), Duration.ofSeconds(5)));
				DefaultDeviceAuthorizer authorizer = new DefaultDeviceAuthorizer(registrations, store,
						clients.deviceAuthorization(), clients.deviceCode(), (uri) -> {
						}, new PrintStream(OutputStream.nullOutputStream()),
						new DeviceEndpoints(Map.of("device", URI.create(stub.base() + "/device_authorization"))),
						"bench", Duration.ofMinutes(1));
				CompletableFuture<OAuth2AuthorizedClient> login = authorizer.authorizeAsync("device",
						AuthorizationOptions.defaults());
				AtomicReference<Long> stored = new AtomicReference<>();
				login.whenComplete((client, failure) -> stored.set(System.nanoTime()));
				// The user approves somewhere between 0.5 and 3 intervals after the code is shown.
				Thread.sleep(500 + random.nextInt(2500 * StubDeviceProvider.INTERVAL));
				long approved = System.nanoTime();
				stub.approve();
				login.get(30, TimeUnit.SECONDS);
				check(store.loadAuthorizedClient("device", "bench") != null, "P7: the device login was not stored");
				nanos[run] = stored.get() - approved;
				polls[run] = stub.polls();
				after[run] = stub.pollsAfterApproval();
				System.out.printf("P7: login %d: stored %.0f ms after the approval, %d polls (%d after it)%n", run + 1,
						nanos[run] / 1e6, polls[run], after[run]);
			}
		}
		long[] sorted = nanos.clone();
		Arrays.sort(sorted);
		long limit = Duration.ofSeconds(StubDeviceProvider.INTERVAL + 1).toNanos();
		boolean met = sorted[logins - 1] <= limit && Arrays.stream(after).allMatch((n) -> n == 1);
		row("P7", "device login: from the user's approval to the stored login (interval 1 s, approval at a random "
				+ "moment; local stub)",
				String.format("%.0f ms (min %.0f, max %.0f; %d logins); polls per login %s, after the approval %s",
						sorted[logins / 2] / 1e6, sorted[0] / 1e6, sorted[logins - 1] / 1e6, logins,
						Arrays.toString(polls), Arrays.toString(after)),
				"—", "every login ≤ interval + 1 s (2000 ms), one poll after the approval", Status.of(met));
	}

	/**
	 * P8: an MCP client knowing only the server's URL, up to the moment its first tool call could be sent (tools
	 * listed): cold (nothing stored: discovery, dynamic registration, a browser login, a token request) and warm (a new
	 * application run with the registration, the metadata and the token stored: no discovery, no registration, no
	 * token request). HTTP requests counted by the local stub, by kind.
	 */
	void mcpFirstToolCall() throws Exception {
		int runs = this.quick ? 3 : 10;
		long[] cold = new long[runs];
		long[] warm = new long[runs];
		McpFirstToolCall.Run lastCold = null;
		McpFirstToolCall.Run lastWarm = null;
		boolean met = true;
		for (int run = 0; run < runs; run++) {
			Path folder = Files.createTempDirectory("p8-");
			try (StubMcpServer stub = new StubMcpServer()) {
				lastCold = McpFirstToolCall.run(stub, folder);
				lastWarm = McpFirstToolCall.run(stub, folder);
			}
			finally {
				deleteTree(folder);
			}
			check(lastCold.tools() == 1 && lastWarm.tools() == 1, "P8: the tools were not listed");
			cold[run] = lastCold.nanos();
			warm[run] = lastWarm.nanos();
			met &= lastWarm.requests().get(StubMcpServer.Kind.DISCOVERY) == 0
					&& lastWarm.requests().get(StubMcpServer.Kind.REGISTRATION) == 0
					&& lastWarm.requests().get(StubMcpServer.Kind.TOKEN) == 0
					&& lastWarm.requests().get(StubMcpServer.Kind.AUTHORIZATION) == 0
					&& lastWarm.requests().get(StubMcpServer.Kind.MCP_REFUSED) == 0;
			System.out.printf("P8: run %d: cold %.0f ms %s, warm %.0f ms %s%n", run + 1, cold[run] / 1e6,
					lastCold.requests(), warm[run] / 1e6, lastWarm.requests());
		}
		Stats coldStats = Stats.ofNanos(cold);
		Stats warmStats = Stats.ofNanos(warm);
		row("P8", "MCP client with only the server's URL, to its first possible tool call (tools listed; local stub "
				+ "server and authorization server; application start-up excluded)",
				String.format("cold %s, %d HTTP requests (%s); warm %s, %d HTTP requests (%s)", coldStats.millis(),
						lastCold.total(), describe(lastCold.requests()), warmStats.millis(), lastWarm.total(),
						describe(lastWarm.requests())),
				"—", "warm: no discovery, registration, authorization or token request; no 401", Status.of(met));
	}

	private static String describe(Map<StubMcpServer.Kind, Integer> requests) {
		List<String> parts = new ArrayList<>();
		requests.forEach((kind, count) -> {
			if (count > 0) {
				parts.add(count + " " + kind.name().toLowerCase(Locale.ROOT).replace('_', ' '));
			}
		});
		return String.join(", ", parts);
	}

	private static void deleteTree(Path folder) throws IOException {
		try (var paths = Files.walk(folder)) {
			for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
	}

	private static void check(boolean condition, String what) {
		if (!condition) {
			throw new IllegalStateException(what);
		}
	}

	private void row(String id, String what, String ours, String peer, String target, Status status) {
		this.rows.add("| " + id + " | " + what + " | " + ours + " | " + peer + " | " + target + " | " + status.text
				+ " |");
		if (status == Status.MISSED || status == Status.FAILED) {
			this.missed.add(id + " (" + what + "): " + ours + ("—".equals(peer) ? "" : "; " + peer) + "; target: "
					+ target + ((status == Status.FAILED) ? " (failed)" : ""));
		}
		System.out.println(id + ": " + what + ": " + ours + " / " + peer + " → " + status.text);
	}

	private String report(Set<String> figures) throws IOException {
		String cpu = cpuModel();
		StringBuilder text = new StringBuilder();
		text.append("## Figures\n\n");
		if (this.quick) {
			text.append("**Quick run (`--quick`): reduced iterations, for checking the harness only. These figures are "
					+ "noisy; rerun without `--quick` on a quiet machine before quoting them.**\n\n");
		}
		if (figures.size() < 8) {
			text.append("**Partial run: only ").append(String.join(", ", figures)).append(".**\n\n");
		}
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
			.append(" (P1, P2, P4–P8; P3 names its JDKs). Median with the 10th–90th percentile spread unless stated.")
			.append(loadAverage())
			.append("\n\n");
		text.append("| # | What | This starter | Peer / baseline | Target | |\n|---|---|---|---|---|---|\n");
		this.rows.forEach((row) -> text.append(row).append('\n'));
		for (String section : this.sections) {
			text.append('\n').append(section);
		}
		text.append("\n## What this run shows\n\n");
		this.observations.forEach((line) -> text.append("- ").append(line).append('\n'));
		text.append("\n## Targets missed in this run\n\n");
		if (this.missed.isEmpty()) {
			text.append("None.\n");
		}
		else {
			this.missed.forEach((line) -> text.append("- ").append(line).append('\n'));
		}
		return header() + text;
	}

	private static String loadAverage() {
		try {
			String[] load = Files.readString(Path.of("/proc/loadavg")).split(" ");
			return " Load average when the run ended: " + load[0] + " (1 min), " + load[1] + " (5 min).";
		}
		catch (IOException ex) {
			return "";
		}
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
