package io.github.oauthcallback.benchmarks.p3;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.benchmarks.baseline.BaselineApplication;
import io.github.oauthcallback.store.FileTokenStore;
import io.github.oauthcallback.internal.store.TokenCipher;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

/**
 * P3: the sample's {@code status} and {@code call} with a stored token as whole processes, with the starter and
 * without it (see {@link BaselineApplication}), on JDK 17 and JDK 25, plain and with the fast-start techniques:
 * Spring Boot's extracted layout, a CDS archive, the JDK 25 AOT cache, Spring AOT and lazy initialization.
 * <p>
 * Every process is checked (exit status 0, the expected output, for {@code call} one request with the stored token
 * at the stub resource server), so a broken run can never be reported as a fast one: a configuration whose run fails
 * is reported as failed and has no figure.
 */
public final class WholeProcess {

	static final String REGISTRATION = "bench";

	static final String ACCOUNT = "bench-user";

	static final String SAMPLE_MAIN = "io.github.oauthcallback.sample.SampleApplication";

	static final String BASELINE_MAIN = BaselineApplication.class.getName();

	private static final String ACCESS_TOKEN = "p3-access-token";

	private static final java.util.regex.Pattern JVM_LOG_LINE = java.util.regex.Pattern
		.compile("\\[\\d+\\.\\d+s\\]\\[");

	/** What the AOT processing of the sample's {@code fast-start} Maven profile is given (see its pom). */
	static final List<String> AOT_BUILD_ARGUMENTS = List.of("--spring.profiles.active=aot", "status",
			"--spring.security.oauth2.client.registration.aot.client-id=build-time-placeholder",
			"--spring.security.oauth2.client.registration.aot.client-authentication-method=none",
			"--spring.security.oauth2.client.registration.aot.authorization-grant-type=authorization_code",
			"--spring.security.oauth2.client.registration.aot.redirect-uri=http://127.0.0.1/callback",
			"--spring.security.oauth2.client.registration.aot.provider=aot",
			"--spring.security.oauth2.client.provider.aot.authorization-uri=http://127.0.0.1/authorize",
			"--spring.security.oauth2.client.provider.aot.token-uri=http://127.0.0.1/token");

	/** The two applications. */
	enum App {

		WITH("with the starter"), WITHOUT("without the starter");

		final String label;

		App(String label) {
			this.label = label;
		}

	}

	/** A class-data archive made by a training run. */
	enum Archive {

		NONE, CDS, AOT_CACHE

	}

	/**
	 * One way of launching both applications.
	 *
	 * @param id the name on the command line ({@code --p3-variants})
	 * @param label the name in the report
	 * @param jdk 17 or 25
	 * @param extracted whether the jar is run from Spring Boot's extracted layout ({@code -Djarmode=tools extract})
	 * rather than with {@code java -jar} on the Spring Boot jar
	 * @param archive the archive used
	 * @param springAot whether Spring AOT's generated code is used ({@code -Dspring.aot.enabled=true})
	 * @param lazy whether {@code --spring.main.lazy-initialization=true} is given
	 * @param jvm further JVM options, for the training run too
	 */
	record Variant(String id, String label, int jdk, boolean extracted, Archive archive, boolean springAot,
			boolean lazy, List<String> jvm) {

		String archiveKey() {
			return "jdk" + this.jdk + "-" + this.archive.name().toLowerCase(Locale.ROOT)
					+ (this.springAot ? "-spring-aot" : "") + (this.lazy ? "-lazy" : "")
					+ (this.jvm.isEmpty() ? "" : "-" + Integer.toHexString(this.jvm.hashCode()));
		}

	}

	/** C1 only: a short-lived process gains nothing from C2, whose compiler threads compete for the cores. */
	private static final List<String> C1 = List.of("-XX:TieredStopAtLevel=1");

	static final List<Variant> VARIANTS = List.of(
			new Variant("jdk17", "JDK 17, `java -jar`", 17, false, Archive.NONE, false, false, List.of()),
			new Variant("jdk17-fast",
					"JDK 17, extracted + CDS archive + Spring AOT + lazy init + `-XX:TieredStopAtLevel=1`", 17, true,
					Archive.CDS, true, true, C1),
			new Variant("jdk25", "JDK 25, `java -jar`", 25, false, Archive.NONE, false, false, List.of()),
			new Variant("jdk25-extracted", "JDK 25, extracted layout", 25, true, Archive.NONE, false, false,
					List.of()),
			new Variant("jdk25-cds", "JDK 25, extracted + CDS archive", 25, true, Archive.CDS, false, false,
					List.of()),
			new Variant("jdk25-aot-cache", "JDK 25, extracted + AOT cache", 25, true, Archive.AOT_CACHE, false, false,
					List.of()),
			new Variant("jdk25-spring-aot", "JDK 25, extracted + Spring AOT", 25, true, Archive.NONE, true, false,
					List.of()),
			new Variant("jdk25-spring-aot-cache", "JDK 25, extracted + Spring AOT + AOT cache", 25, true,
					Archive.AOT_CACHE, true, false, List.of()),
			new Variant("jdk25-spring-aot-cache-lazy", "JDK 25, extracted + Spring AOT + AOT cache + lazy init", 25,
					true, Archive.AOT_CACHE, true, true, List.of()),
			new Variant("jdk25-fast",
					"JDK 25, extracted + Spring AOT + AOT cache + lazy init + `-XX:TieredStopAtLevel=1` (the README's "
							+ "fast start)",
					25, true, Archive.AOT_CACHE, true, true, C1));

	/** Every variant's id, in the report's order. */
	public static List<String> variantIds() {
		return VARIANTS.stream().map(Variant::id).toList();
	}

	/** The commands measured. */
	static final List<String> COMMANDS = List.of("status", "call");

	/** {@code status} with the provider given by {@code issuer-uri}: only in the cached-discovery check. */
	static final String ISSUER_STATUS = "status-issuer";

	/**
	 * Settings of a P3 run.
	 *
	 * @param sampleJar the sample's Spring Boot jar
	 * @param jdk17 home of a JDK 17
	 * @param jdk25 home of a JDK 25
	 * @param runs timed runs per configuration
	 * @param variants ids of the variants to run
	 * @param training what the training runs of the archives do: {@code refresh} (start, then exit after the context
	 * refresh, as Spring Boot documents) or {@code command} (a whole {@code call} against the stub)
	 * @param breakdown whether to run the start-up breakdown
	 * @param keep whether to keep the work directory
	 */
	public record Options(Path sampleJar, Path jdk17, Path jdk25, int runs, List<String> variants, String training,
			boolean breakdown, boolean keep) {

	}

	/** One measured configuration: variant × application × command. */
	static final class Config {

		final Variant variant;

		final App app;

		final String command;

		final List<Long> nanos = new ArrayList<>();

		String failure;

		int classes = -1;

		int archivedClasses = -1;

		Config(Variant variant, App app, String command) {
			this.variant = variant;
			this.app = app;
			this.command = command;
		}

		String name() {
			return this.variant.id() + "-" + this.app.name().toLowerCase(Locale.ROOT) + "-" + this.command;
		}

	}

	private final Options options;

	private final Path work;

	private final Map<App, Path> fatJars = new LinkedHashMap<>();

	private final Map<App, Path> extractedJars = new LinkedHashMap<>();

	private final Map<String, Path> archives = new LinkedHashMap<>();

	private final Map<String, String> archiveFailures = new LinkedHashMap<>();

	private final Map<Integer, String> jdkVersions = new LinkedHashMap<>();

	private final List<String> notes = new ArrayList<>();

	private final List<Config> configs = new ArrayList<>();

	private final AtomicInteger resourceCalls = new AtomicInteger();

	private final AtomicInteger discoveryCalls = new AtomicInteger();

	/** The cached-discovery check: {@code status} with {@code issuer-uri} against {@code status} with endpoints. */
	private Config issuerStatus;

	private Config endpointStatus;

	private int firstRunDiscoveries = -1;

	private List<String> removedLibraries = List.of();

	private boolean springAotAvailable;

	private HttpServer resourceServer;

	private StartupBreakdown breakdown;

	public WholeProcess(Options options) throws IOException {
		this.options = options;
		this.work = Files.createTempDirectory("oauth-callback-p3-");
	}

	/**
	 * Prepares, trains, runs every configuration and keeps the figures.
	 * @return this, for the report methods
	 */
	public WholeProcess run() throws Exception {
		try {
			prepare();
			List<Variant> variants = VARIANTS.stream().filter((v) -> this.options.variants().contains(v.id())).toList();
			for (Variant variant : variants) {
				for (String command : COMMANDS) {
					for (App app : App.values()) {
						this.configs.add(new Config(variant, app, command));
					}
				}
			}
			train(variants);
			// One untimed round: fills the file-system cache, checks every configuration and counts its classes.
			round(-1);
			for (int round = 0; round < this.options.runs(); round++) {
				round(round);
			}
			cachedDiscovery(variants);
			if (this.options.breakdown()) {
				List<StartupBreakdown.Probe> probes = new ArrayList<>();
				probes.add(new StartupBreakdown.Probe("`status`, JDK 25, extracted layout, everything created at start-up",
						"`status` with everything created at start-up", "status", List.of(), List.of()));
				if (this.springAotAvailable) {
					probes.add(new StartupBreakdown.Probe(
							"`call`, JDK 25, extracted layout, Spring AOT and lazy initialization (what remains in the "
									+ "fast start; no AOT cache, so class loading is included)",
							"`call` with Spring AOT and lazy initialization", "call", List.of("-Dspring.aot.enabled=true"),
							List.of("--spring.main.lazy-initialization=true")));
				}
				this.breakdown = new StartupBreakdown(this, this.work, java(25), this.extractedJars, this.configs,
						probes).run();
			}
			return this;
		}
		finally {
			if (this.resourceServer != null) {
				this.resourceServer.stop(0);
			}
			if (!this.options.keep()) {
				deleteRecursively(this.work);
			}
			else {
				System.out.println("P3: kept " + this.work);
			}
		}
	}

	private void prepare() throws Exception {
		Path sample = this.options.sampleJar();
		if (!Files.isRegularFile(sample)) {
			throw new IllegalStateException("No sample jar at " + sample.toAbsolutePath() + ": build it first ("
					+ "./mvnw -q -DskipTests -Pfast-start package -pl benchmarks,sample-cli-app -am).");
		}
		for (int jdk : List.of(17, 25)) {
			this.jdkVersions.put(jdk, jdkVersion(jdk));
		}
		this.springAotAvailable = FatJar.contains(sample, SAMPLE_MAIN + "__ApplicationContextInitializer");
		if (!this.springAotAvailable) {
			this.notes.add("The sample jar was built without `-Pfast-start`, so it has no Spring AOT code: the Spring "
					+ "AOT variants were not run.");
		}
		startResourceServer();
		writeStoredToken(this.work.resolve("tokens.json"), registration(null));
		writeStoredToken(this.work.resolve("issuer").resolve("tokens.json"), registration(issuer()));
		Path with = Files.createDirectories(this.work.resolve("with"));
		Path without = Files.createDirectories(this.work.resolve("without"));
		Files.copy(sample, with.resolve("app.jar"));
		this.fatJars.put(App.WITH, with.resolve("app.jar"));
		Map<String, byte[]> baselineClasses = FatJar.ownClasses(BaselineApplication.class.getPackageName());
		this.removedLibraries = FatJar.baseline(sample, without.resolve("plain.jar"), BASELINE_MAIN, baselineClasses);
		if (this.springAotAvailable) {
			FatJar.addClasses(without.resolve("plain.jar"), without.resolve("app.jar"),
					springAot(without.resolve("plain.jar")));
		}
		else {
			Files.copy(without.resolve("plain.jar"), without.resolve("app.jar"));
		}
		this.fatJars.put(App.WITHOUT, without.resolve("app.jar"));
		for (App app : App.values()) {
			Path destination = this.work.resolve(app.name().toLowerCase(Locale.ROOT)).resolve("extracted");
			exec(List.of(java(25), "-Djarmode=tools", "-jar", this.fatJars.get(app).toString(), "extract",
					"--destination", destination.toString()), "extract the " + app.label + " jar");
			this.extractedJars.put(app, destination.resolve("app.jar"));
		}
	}

	/**
	 * Spring AOT processing of the baseline, as the {@code fast-start} Maven profile does it for the sample:
	 * {@code SpringApplicationAotProcessor} with the same arguments, then the generated sources compiled.
	 * @return the generated classes and resources, by path below {@code BOOT-INF/classes/}
	 */
	private Map<String, byte[]> springAot(Path plainJar) throws Exception {
		Path base = this.work.resolve("without/aot");
		Path input = base.resolve("input");
		exec(List.of(java(25), "-Djarmode=tools", "-jar", plainJar.toString(), "extract", "--destination",
				input.toString()), "extract the baseline for Spring AOT");
		Path sources = base.resolve("sources");
		Path resources = base.resolve("resources");
		Path classes = base.resolve("classes");
		String classPath = input.resolve("plain.jar") + java.io.File.pathSeparator + input.resolve("lib") + "/*";
		List<String> process = new ArrayList<>(List.of(java(17), "-cp", classPath,
				"org.springframework.boot.SpringApplicationAotProcessor", BASELINE_MAIN, sources.toString(),
				resources.toString(), classes.toString(), "io.github.oauthcallback", "p3-baseline"));
		process.addAll(AOT_BUILD_ARGUMENTS);
		exec(process, "Spring AOT processing of the baseline");
		List<String> javaFiles;
		try (Stream<Path> files = Files.walk(sources)) {
			javaFiles = files.filter((f) -> f.toString().endsWith(".java")).map(Path::toString).toList();
		}
		Path argFile = base.resolve("javac.args");
		Files.write(argFile, javaFiles);
		exec(List.of(this.options.jdk17().resolve("bin/javac").toString(), "--release", "17", "-proc:none", "-nowarn",
				"-d", classes.toString(), "-cp", classPath, "@" + argFile), "compile the baseline's Spring AOT sources");
		Map<String, byte[]> generated = new LinkedHashMap<>();
		for (Path root : List.of(classes, resources)) {
			if (Files.isDirectory(root)) {
				try (Stream<Path> files = Files.walk(root)) {
					for (Path file : files.filter(Files::isRegularFile).toList()) {
						generated.put(root.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
					}
				}
			}
		}
		if (generated.keySet().stream().noneMatch((n) -> n.endsWith("__ApplicationContextInitializer.class"))) {
			throw new IllegalStateException("Spring AOT produced no initializer for the baseline");
		}
		return generated;
	}

	private void train(List<Variant> variants) throws Exception {
		for (Variant variant : variants) {
			if (variant.springAot() && !this.springAotAvailable) {
				continue;
			}
			if (variant.archive() == Archive.NONE) {
				continue;
			}
			for (App app : App.values()) {
				String key = app.name().toLowerCase(Locale.ROOT) + "-" + variant.archiveKey();
				if (this.archives.containsKey(key) || this.archiveFailures.containsKey(key)) {
					continue;
				}
				Path archive = this.work.resolve(key + ((variant.archive() == Archive.CDS) ? ".jsa" : ".aot"));
				List<String> command = new ArrayList<>();
				command.add(java(variant.jdk()));
				command.addAll(variant.jvm());
				command.add((variant.archive() == Archive.CDS) ? "-XX:ArchiveClassesAtExit=" + archive
						: "-XX:AOTCacheOutput=" + archive);
				boolean refreshOnly = "refresh".equals(this.options.training());
				if (refreshOnly) {
					command.add("-Dspring.context.exit=onRefresh");
				}
				if (variant.springAot()) {
					command.add("-Dspring.aot.enabled=true");
				}
				command.add("-jar");
				command.add(this.extractedJars.get(app).toString());
				String trainingCommand = refreshOnly ? "status" : "call";
				command.addAll(arguments(trainingCommand));
				if (variant.lazy()) {
					command.add("--spring.main.lazy-initialization=true");
				}
				Result result = launch(command, this.work.resolve("logs/train-" + key));
				String problem = (result.exitCode != 0) ? "training run exited with " + result.exitCode + ": "
						+ result.firstErrorLine() : (!Files.isRegularFile(archive) ? "no archive was written" : null);
				if (problem == null && !refreshOnly) {
					problem = check(trainingCommand, result);
				}
				if (problem != null) {
					this.archiveFailures.put(key, problem);
					System.out.println("P3: " + key + ": " + problem);
				}
				else {
					this.archives.put(key, archive);
				}
			}
		}
	}

	private void round(int round) throws Exception {
		List<Config> order = new ArrayList<>(this.configs);
		// Alternate: every configuration once per round, starting at a different place each round.
		int shift = Math.floorMod(round, Math.max(1, order.size()));
		java.util.Collections.rotate(order, -shift);
		for (Config config : order) {
			if (config.failure != null) {
				continue;
			}
			List<String> command = command(config, round < 0);
			if (command == null) {
				continue;
			}
			int before = this.resourceCalls.get();
			Result result = launch(command, this.work.resolve("logs/" + config.name()));
			String problem = (result.exitCode != 0)
					? "exit status " + result.exitCode + ": " + result.firstErrorLine() : check(config.command, result);
			if (problem == null && "call".equals(config.command) && this.resourceCalls.get() != before + 1) {
				problem = "the stub resource server saw " + (this.resourceCalls.get() - before) + " requests, not 1";
			}
			if (problem != null) {
				config.failure = problem;
				System.out.println("P3: " + config.name() + " failed: " + problem);
				continue;
			}
			if (round < 0) {
				countClasses(config);
			}
			else {
				config.nanos.add(result.nanos);
			}
		}
		if (round >= 0) {
			System.out.println("P3: round " + (round + 1) + " of " + this.options.runs() + " done");
		}
	}

	/** The command line of one run, or {@code null} if the configuration cannot run (its failure is recorded). */
	private List<String> command(Config config, boolean logClasses) {
		Variant variant = config.variant;
		if (variant.springAot() && !this.springAotAvailable) {
			config.failure = "not run: the sample jar has no Spring AOT code (build with -Pfast-start)";
			return null;
		}
		List<String> command = new ArrayList<>();
		command.add(java(variant.jdk()));
		command.addAll(variant.jvm());
		String key = config.app.name().toLowerCase(Locale.ROOT) + "-" + variant.archiveKey();
		if (variant.archive() != Archive.NONE) {
			Path archive = this.archives.get(key);
			if (archive == null) {
				config.failure = "no archive: " + this.archiveFailures.getOrDefault(key, "not trained");
				return null;
			}
			if (variant.archive() == Archive.CDS) {
				// -Xshare:on: a run that cannot map the archive fails instead of silently running without it.
				command.add("-XX:SharedArchiveFile=" + archive);
				command.add("-Xshare:on");
			}
			else {
				// -XX:AOTMode=on: likewise for the AOT cache.
				command.add("-XX:AOTCache=" + archive);
				command.add("-XX:AOTMode=on");
			}
		}
		if (variant.springAot()) {
			command.add("-Dspring.aot.enabled=true");
		}
		if (logClasses) {
			command.add("-Xlog:class+load=info:file=" + this.work.resolve("logs/" + config.name() + ".classes"));
		}
		command.add("-jar");
		command.add(variant.extracted() ? this.extractedJars.get(config.app).toString()
				: this.fatJars.get(config.app).toString());
		command.addAll(arguments(config.command));
		if (variant.lazy()) {
			command.add("--spring.main.lazy-initialization=true");
		}
		return command;
	}

	/**
	 * The command words and properties of a run, the same for both applications: a registration declared purely on
	 * the command line with explicit endpoints (no discovery), the token file, no browser, and not the demo profile.
	 */
	List<String> arguments(String command) {
		List<String> arguments = new ArrayList<>();
		if ("call".equals(command)) {
			arguments.addAll(List.of("call", REGISTRATION,
					"http://127.0.0.1:" + this.resourceServer.getAddress().getPort() + "/me"));
		}
		else {
			arguments.add(command);
		}
		String registration = "--spring.security.oauth2.client.registration." + REGISTRATION + ".";
		String provider = "--spring.security.oauth2.client.provider." + REGISTRATION + ".";
		boolean discovered = ISSUER_STATUS.equals(command);
		if (discovered) {
			arguments.set(0, "status");
		}
		arguments.addAll(List.of("--spring.profiles.active=p3", registration + "client-id=bench-cli",
				registration + "client-authentication-method=none",
				registration + "authorization-grant-type=authorization_code",
				registration + "redirect-uri=http://127.0.0.1/callback", registration + "provider=" + REGISTRATION,
				registration + "scope=read"));
		arguments.addAll(discovered ? List.of(provider + "issuer-uri=" + issuer())
				: List.of(provider + "authorization-uri=http://127.0.0.1:1/authorize",
						provider + "token-uri=http://127.0.0.1:1/token"));
		Path tokens = discovered ? this.work.resolve("issuer").resolve("tokens.json") : this.work.resolve("tokens.json");
		arguments.addAll(List.of("--oauth-callback.store.file.path=" + tokens,
				"--oauth-callback.login.interactive=never", "--oauth-callback.login.account=" + ACCOUNT,
				"--sample.default-registration=" + REGISTRATION));
		return arguments;
	}

	/** The registration the command line above declares, as the sample builds it. */
	private static ClientRegistration registration(String issuer) {
		return ClientRegistration.withRegistrationId(REGISTRATION)
			.issuerUri(issuer)
			.clientId("bench-cli")
			.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("http://127.0.0.1/callback")
			.scope("read")
			.authorizationUri("http://127.0.0.1:1/authorize")
			.tokenUri("http://127.0.0.1:1/token")
			.build();
	}

	/** A valid login for (bench, bench-user), written with the starter's own file store. */
	private static void writeStoredToken(Path file, ClientRegistration registration) {
		FileTokenStore store = new FileTokenStore(file, new InMemoryClientRegistrationRepository(registration),
				TokenCipher.none());
		Instant now = Instant.now();
		store.saveAuthorizedClient(
				new OAuth2AuthorizedClient(registration, ACCOUNT,
						new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, ACCESS_TOKEN, now,
								now.plusSeconds(7 * 86_400), Set.of("read")),
						new OAuth2RefreshToken("p3-refresh-token", now)),
				Accounts.principal(ACCOUNT));
	}

	private void startResourceServer() throws IOException {
		this.resourceServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
		this.resourceServer.createContext("/me", this::answer);
		this.resourceServer.createContext("/issuer/.well-known/openid-configuration", this::discover);
		this.resourceServer.start();
	}

	private void answer(HttpExchange exchange) throws IOException {
		try (exchange) {
			this.resourceCalls.incrementAndGet();
			boolean authorized = ("Bearer " + ACCESS_TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"));
			byte[] body = (authorized ? "{\"sub\":\"" + ACCOUNT + "\"}" : "{\"error\":\"invalid_token\"}")
				.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(authorized ? 200 : 401, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		}
	}

	/** The provider of the cached-discovery check: its issuer, on the stub resource server. */
	private String issuer() {
		return "http://127.0.0.1:" + this.resourceServer.getAddress().getPort() + "/issuer";
	}

	private void discover(HttpExchange exchange) throws IOException {
		try (exchange) {
			this.discoveryCalls.incrementAndGet();
			String issuer = issuer();
			byte[] body = ("{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"http://127.0.0.1:1/authorize\","
					+ "\"token_endpoint\":\"http://127.0.0.1:1/token\",\"jwks_uri\":\"" + issuer + "/jwks\","
					+ "\"response_types_supported\":[\"code\"],\"subject_types_supported\":[\"public\"],"
					+ "\"id_token_signing_alg_values_supported\":[\"RS256\"],"
					+ "\"token_endpoint_auth_methods_supported\":[\"none\"]}")
				.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		}
	}

	/**
	 * {@code status} with the provider given by {@code issuer-uri} instead of endpoints, with the starter, on the
	 * fastest start measured (JDK 25 fast start, else plain JDK 25): the first run discovers the provider and caches
	 * its metadata; the timed runs, alternated with {@code status} with endpoints, must make no discovery call.
	 */
	private void cachedDiscovery(List<Variant> variants) throws Exception {
		Variant variant = variants.stream()
			.filter((v) -> v.id().equals("jdk25-fast") && (this.springAotAvailable || !v.springAot()))
			.findFirst()
			.or(() -> variants.stream().filter((v) -> v.id().equals("jdk25")).findFirst())
			.orElse(null);
		Config endpoints = (variant != null) ? find(variant.id(), App.WITH, "status") : null;
		if (endpoints == null || endpoints.failure != null) {
			return;
		}
		this.issuerStatus = new Config(variant, App.WITH, ISSUER_STATUS);
		this.endpointStatus = new Config(variant, App.WITH, "status");
		Path cacheFile = this.work.resolve("issuer").resolve("discovery").resolve(REGISTRATION + ".json");
		for (int round = -1; round < this.options.runs(); round++) {
			for (Config config : (round % 2 == 0) ? List.of(this.issuerStatus, this.endpointStatus)
					: List.of(this.endpointStatus, this.issuerStatus)) {
				int before = this.discoveryCalls.get();
				Result result = launch(command(config, false), this.work.resolve("logs/" + config.name()));
				String problem = (result.exitCode != 0)
						? "exit status " + result.exitCode + ": " + result.firstErrorLine() : check("status", result);
				if (problem == null && config == this.issuerStatus && round < 0) {
					this.firstRunDiscoveries = this.discoveryCalls.get() - before;
					if (!Files.isRegularFile(cacheFile)) {
						problem = "the first run wrote no discovery cache file " + cacheFile;
					}
				}
				else if (problem == null && this.discoveryCalls.get() != before) {
					problem = "a run with the metadata cached made " + (this.discoveryCalls.get() - before)
							+ " discovery call(s)";
				}
				if (problem != null) {
					this.issuerStatus.failure = problem;
					System.out.println("P3: cached discovery failed: " + problem);
					return;
				}
				if (round >= 0) {
					config.nanos.add(result.nanos);
				}
			}
		}
	}

	/**
	 * The cached-discovery row for the summary: {@code { what, with, other, target, status }}, or {@code null} when
	 * it was not run.
	 */
	public String[] cachedDiscoveryRow() {
		if (this.issuerStatus == null) {
			return null;
		}
		String what = "whole `status` process with a stored token and the provider given by `issuer-uri`, metadata "
				+ "cached by the first run; " + this.issuerStatus.variant.label();
		String target = "no discovery call" + ((this.issuerStatus.variant.jdk() == 25) ? "; process < 0.5 s" : "");
		if (this.issuerStatus.failure != null) {
			return new String[] { what, "**failed**: " + this.issuerStatus.failure, "—", target, "**failed**" };
		}
		long[] difference = pairedDifferences(this.issuerStatus, this.endpointStatus);
		boolean met = median(this.issuerStatus) < PROCESS_TARGET_NANOS;
		return new String[] { what,
				seconds(this.issuerStatus) + "; discovery calls: " + this.firstRunDiscoveries + " in the first run, 0 in "
						+ this.issuerStatus.nanos.size() + " timed runs",
				"same process with explicit endpoints: " + seconds(this.endpointStatus) + "; difference "
						+ millis(difference),
				target, met ? "met" : "**missed**" };
	}

	/** What the output of a run must show; {@code null} if it does. */
	private static String check(String command, Result result) {
		// The JVM's own warnings (-Xlog, for example a class a training run cannot archive) go to standard output.
		String out = result.stdout.lines()
			.filter((line) -> !JVM_LOG_LINE.matcher(line).lookingAt())
			.collect(java.util.stream.Collectors.joining("\n"));
		if ("status".equals(command)) {
			boolean ok = out.contains("  " + REGISTRATION + " (client bench-cli at http://127.0.0.1:1/authorize): logged in;")
					&& out.contains("Store: ") && out.contains(REGISTRATION + " / " + ACCOUNT + ": ");
			return ok ? null : "unexpected output: " + abbreviate(out);
		}
		boolean ok = out.startsWith("HTTP 200") && out.contains("{\"sub\":\"" + ACCOUNT + "\"}");
		return ok ? null : "unexpected output: " + abbreviate(out);
	}

	private void countClasses(Config config) throws IOException {
		Path log = this.work.resolve("logs/" + config.name() + ".classes");
		if (!Files.isRegularFile(log)) {
			return;
		}
		int total = 0;
		int archived = 0;
		for (String line : Files.readAllLines(log)) {
			if (line.contains(" source: ")) {
				total++;
				if (line.contains("source: shared objects file") || line.contains("source: AOT cache")) {
					archived++;
				}
			}
		}
		config.classes = total;
		config.archivedClasses = archived;
	}

	// ---------------------------------------------------------------------------------------------------------------
	// Report

	private static final long OVERHEAD_TARGET_NANOS = 50_000_000L;

	private static final long PROCESS_TARGET_NANOS = 500_000_000L;

	/**
	 * Rows for the summary table: {@code { what, with, without, target, status }}, status being met, missed or
	 * failed.
	 */
	public List<String[]> summaryRows() {
		List<String[]> rows = new ArrayList<>();
		for (String command : COMMANDS) {
			for (String id : List.of("jdk17", "jdk17-fast", "jdk25", "jdk25-fast")) {
				Config with = find(id, App.WITH, command);
				Config without = find(id, App.WITHOUT, command);
				if (with != null && without != null) {
					rows.add(summaryRow(with, without));
				}
			}
		}
		return rows;
	}

	private String[] summaryRow(Config with, Config without) {
		String what = "whole `" + with.command + "` process with a stored token, " + with.variant.label();
		String target = "overhead < 50 ms" + ((with.variant.jdk() == 25) ? "; process < 0.5 s" : "");
		if (with.failure != null || without == null || without.failure != null) {
			return new String[] { what, (with.failure != null) ? "**failed**: " + with.failure : "—",
					(without == null) ? "—"
							: (without.failure != null) ? "**failed**: " + without.failure : seconds(without),
					target, "**failed**" };
		}
		long[] overhead = pairedDifferences(with, without);
		boolean met = median(overhead) < OVERHEAD_TARGET_NANOS
				&& (with.variant.jdk() != 25 || median(with) < PROCESS_TARGET_NANOS);
		return new String[] { what, seconds(with),
				"same app without the starter: " + seconds(without) + "; overhead " + millis(overhead), target,
				met ? "met" : "**missed**" };
	}

	/** The detailed P3 section, Markdown. */
	public String details() {
		StringBuilder text = new StringBuilder();
		text.append("### P3 in detail\n\n");
		text.append("JDKs: 17 = ").append(this.jdkVersions.get(17)).append("; 25 = ").append(this.jdkVersions.get(25))
			.append(". ").append(this.options.runs()).append(" timed runs per configuration after one untimed run, ")
			.append("all configurations alternated round by round. Wall-clock time from starting the process to its ")
			.append("exit; median (p10–p90). Overhead: the median of the per-round differences with − without ")
			.append("(p10–p90 of those differences). Archives were trained with ")
			.append("refresh".equals(this.options.training())
					? "`status` and `-Dspring.context.exit=onRefresh` (start, then exit after the context refresh)"
					: "one whole `call` against the stub, used for both commands")
			.append(". Classes: loaded in the untimed run (of them, from the CDS archive or AOT cache).\n\n");
		text.append("| Variant | Command | With the starter | Without the starter | Overhead | Classes with / without "
				+ "| Overhead < 50 ms | Process < 0.5 s (JDK 25) |\n|---|---|---|---|---|---|---|---|\n");
		for (Variant variant : VARIANTS) {
			for (String command : COMMANDS) {
				Config with = find(variant.id(), App.WITH, command);
				Config without = find(variant.id(), App.WITHOUT, command);
				if (with == null || without == null) {
					continue;
				}
				text.append("| ").append(variant.label()).append(" | `").append(command).append("` | ");
				text.append(figure(with)).append(" | ").append(figure(without)).append(" | ");
				boolean measured = with.failure == null && without.failure == null && !with.nanos.isEmpty()
						&& !without.nanos.isEmpty();
				long[] overhead = measured ? pairedDifferences(with, without) : null;
				text.append(measured ? millis(overhead) : "—").append(" | ");
				text.append(classes(with)).append(" / ").append(classes(without)).append(" | ");
				text.append(measured ? ((median(overhead) < OVERHEAD_TARGET_NANOS) ? "met" : "**missed**") : "—")
					.append(" | ");
				text.append((variant.jdk() != 25) ? "—" : (with.failure != null || with.nanos.isEmpty()) ? "—"
						: (median(with) < PROCESS_TARGET_NANOS) ? "met" : "**missed**");
				text.append(" |\n");
			}
		}
		text.append("\nThe baseline (\"without the starter\") is the sample's own jar with the starter taken out: the "
				+ "same Spring Boot loader, `application*.yml` and libraries, minus ")
			.append(String.join(", ", this.removedLibraries.stream().map((n) -> "`" + n + "`").toList()))
			.append(" (the starter and what only it brings), and with the sample's classes replaced by a small "
					+ "application that does `status` and `call` by hand (reads the token file with Jackson, sends "
					+ "the bearer token with a `RestClient`).\n");
		for (String note : this.notes) {
			text.append("\n").append(note).append("\n");
		}
		if (this.breakdown != null) {
			text.append("\n").append(this.breakdown.markdown());
		}
		return text.toString();
	}

	/** Sentences for the report's observations, generated from this run. */
	public List<String> observations() {
		List<String> lines = new ArrayList<>();
		for (String command : COMMANDS) {
			Config plain = find("jdk25", App.WITH, command);
			Config fastest = this.configs.stream()
				.filter((c) -> c.app == App.WITH && c.command.equals(command) && c.failure == null
						&& !c.nanos.isEmpty())
				.min(java.util.Comparator.comparingLong(WholeProcess::median))
				.orElse(null);
			if (plain != null && fastest != null && plain.failure == null && !plain.nanos.isEmpty()) {
				Config baseline = find(fastest.variant.id(), App.WITHOUT, command);
				lines.add(String.format("P3 `%s`: %s took %.2f s with the starter; the fastest variant measured, "
						+ "`%s`, took %.2f s (%s without the starter).", command, plain.variant.label(),
						median(plain) / 1e9, fastest.variant.id(), median(fastest) / 1e9,
						(baseline != null && baseline.failure == null && !baseline.nanos.isEmpty())
								? String.format("%.2f s", median(baseline) / 1e9) : "not measured"));
			}
		}
		for (int probe = 0; this.breakdown != null && probe < 2; probe++) {
			Map<App, Long> exit = this.breakdown.exitNanos(probe);
			if (exit != null) {
				lines.add(String.format("P3 breakdown, %s: from `System.exit` to the end of the process took %.0f ms "
						+ "with the starter and %.0f ms without.", this.breakdown.shortTitle(probe),
						exit.get(App.WITH) / 1e6, exit.get(App.WITHOUT) / 1e6));
			}
		}
		long failed = this.configs.stream().filter((c) -> c.failure != null).count();
		if (failed > 0) {
			lines.add("P3: " + failed + " configuration(s) did not run or failed; see the P3 table.");
		}
		return lines;
	}

	private Config find(String variant, App app, String command) {
		return this.configs.stream()
			.filter((c) -> c.variant.id().equals(variant) && c.app == app && c.command.equals(command))
			.findFirst()
			.orElse(null);
	}

	private static String figure(Config config) {
		if (config.failure != null) {
			return "**failed**: " + config.failure;
		}
		return config.nanos.isEmpty() ? "—" : seconds(config);
	}

	private static String classes(Config config) {
		if (config.classes < 0) {
			return "—";
		}
		return (config.archivedClasses > 0) ? config.classes + " (" + config.archivedClasses + ")"
				: String.valueOf(config.classes);
	}

	static long median(Config config) {
		return median(config.nanos.stream().mapToLong(Long::longValue).toArray());
	}

	static long median(long[] values) {
		return quantile(values, 0.5);
	}

	static long quantile(long[] values, double q) {
		long[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
	}

	private static String seconds(Config config) {
		long[] values = config.nanos.stream().mapToLong(Long::longValue).toArray();
		return String.format("%.2f s (p10 %.2f, p90 %.2f; n=%d)", median(values) / 1e9, quantile(values, 0.1) / 1e9,
				quantile(values, 0.9) / 1e9, values.length);
	}

	private static String millis(long[] values) {
		return String.format("%+.0f ms (p10 %+.0f, p90 %+.0f)", median(values) / 1e6, quantile(values, 0.1) / 1e6,
				quantile(values, 0.9) / 1e6);
	}

	private static long[] pairedDifferences(Config with, Config without) {
		int n = Math.min(with.nanos.size(), without.nanos.size());
		long[] differences = new long[n];
		for (int i = 0; i < n; i++) {
			differences[i] = with.nanos.get(i) - without.nanos.get(i);
		}
		return differences;
	}

	// ---------------------------------------------------------------------------------------------------------------
	// Processes

	/** The output of a finished process. */
	record Result(int exitCode, long nanos, String stdout, String stderr, long startedEpochNanos,
			long endedEpochNanos) {

		String firstErrorLine() {
			return this.stderr.lines()
				.filter((line) -> !line.isBlank())
				.filter((line) -> line.contains("rror") || line.contains("xception") || line.contains("FAIL"))
				.findFirst()
				.or(() -> this.stderr.lines().filter((line) -> !line.isBlank()).findFirst())
				.map(WholeProcess::abbreviate)
				.orElse("(nothing on standard error)");
		}

	}

	Result launch(List<String> command, Path logPrefix) throws IOException, InterruptedException {
		Files.createDirectories(logPrefix.getParent());
		Path out = Path.of(logPrefix + ".out");
		Path err = Path.of(logPrefix + ".err");
		ProcessBuilder builder = new ProcessBuilder(command).directory(this.work.toFile())
			.redirectOutput(out.toFile())
			.redirectError(err.toFile());
		Map<String, String> environment = builder.environment();
		// Nothing from the caller's environment may change what the processes do or print.
		environment.keySet().removeIf((name) -> name.startsWith("SPRING_") || name.startsWith("OAUTH_CALLBACK")
				|| name.equals("JAVA_TOOL_OPTIONS") || name.equals("JDK_JAVA_OPTIONS") || name.equals("_JAVA_OPTIONS")
				|| name.equals("CI"));
		long startedEpochNanos = epochNanos();
		long start = System.nanoTime();
		Process process = builder.start();
		process.getOutputStream().close();
		if (!process.waitFor(5, TimeUnit.MINUTES)) {
			process.destroyForcibly();
			throw new IllegalStateException("Timed out: " + String.join(" ", command));
		}
		long nanos = System.nanoTime() - start;
		long endedEpochNanos = epochNanos();
		return new Result(process.exitValue(), nanos, Files.readString(out), Files.readString(err), startedEpochNanos,
				endedEpochNanos);
	}

	private static long epochNanos() {
		Instant now = Instant.now();
		return now.getEpochSecond() * 1_000_000_000L + now.getNano();
	}

	private void exec(List<String> command, String what) throws IOException, InterruptedException {
		Result result = launch(command, this.work.resolve("logs/setup-" + what.replaceAll("[^a-zA-Z0-9]+", "-")));
		if (result.exitCode != 0) {
			throw new IllegalStateException("P3: could not " + what + " (exit status " + result.exitCode + "): "
					+ abbreviate(result.stderr + result.stdout));
		}
	}

	private String jdkVersion(int jdk) throws IOException, InterruptedException {
		Path home = (jdk == 17) ? this.options.jdk17() : this.options.jdk25();
		if (!Files.isExecutable(home.resolve("bin/java"))) {
			throw new IllegalStateException("No JDK " + jdk + " at " + home + " (set it with --jdk" + jdk + "=...)");
		}
		Result result = launch(List.of(java(jdk), "-version"), this.work.resolve("logs/version-" + jdk));
		List<String> lines = result.stderr.lines().toList();
		String first = lines.isEmpty() ? "" : lines.get(0);
		if (!first.contains("\"" + jdk + ".") && !first.contains("\"" + jdk + "\"")) {
			throw new IllegalStateException(home + " is not a JDK " + jdk + ": " + first);
		}
		return (lines.size() > 1) ? lines.get(1).trim() : first;
	}

	String java(int jdk) {
		return ((jdk == 17) ? this.options.jdk17() : this.options.jdk25()).resolve("bin/java").toString();
	}

	static String abbreviate(String text) {
		String flat = text.replace('\n', ' ').replace('|', '/').trim();
		return (flat.length() > 160) ? flat.substring(0, 160) + "…" : flat;
	}

	private static void deleteRecursively(Path directory) throws IOException {
		try (Stream<Path> files = Files.walk(directory)) {
			files.sorted(java.util.Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
	}

}
