package io.github.oauthcallback.sample;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.github.oauthcallback.sample.demo.DemoIdentityProvider;
import io.github.oauthcallback.store.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's commands run from Spring AOT builds, as a user of the fast-start build runs them: {@code java
 * -Dspring.aot.enabled=true} on the classes that {@code process-aot} of spring-boot-maven-plugin processed with fixed
 * profiles (the {@code aot-proof} profile of the sample's POM, one copy of the classes per variant). With that option
 * Spring Boot starts from the generated initializer alone and fails when there is none, so a command that works here
 * worked from generated code.
 * <p>
 * The demo identity provider the sample embeds does not run in AOT mode (it is a web application of its own, which
 * the build does not process), so this test starts it itself, in its own JVM, and gives the sample the registration
 * on the command line: the provider is then a separate process as any real one is, and the commands log in, call
 * and revoke against it for real. The browser is {@link AotBrowser}, which logs in at the provider's form. The
 * databases are the real PostgreSQL and MariaDB servers ({@link TestDatabases}: a missing one fails under
 * {@code CI=true} and is skipped with the reason elsewhere), each run with a table of its own.
 */
class SampleAotIT {

	private static final Path PROOF = Path.of(System.getProperty("aot-proof.directory", "target/aot-proof"));

	private static DemoIdentityProvider provider;

	@TempDir
	Path home;

	@BeforeAll
	static void startProvider() {
		provider = DemoIdentityProvider.start("ada", null, false, 0);
	}

	@AfterAll
	static void stopProvider() {
		if (provider != null) {
			provider.close();
		}
	}

	/**
	 * The commands with the file store, as the fast-start build makes them: login through the browser (loopback
	 * listener, PKCE, code exchange, ID-token validation against the provider's keys), status, a call with the
	 * stored token, and logout with revocation.
	 */
	@Test
	void commandsWithTheFileStore() throws Exception {
		Variant commands = new Variant("commands", "aot");
		expect(commands.run("status")).succeeds().outputContains("no login stored");
		expect(commands.run("login", "demo")).succeeds().outputContains("Logged in to 'demo'");
		expect(commands.run("status")).succeeds().outputContains("demo / ").outputContains("tokens.json");
		expect(commands.run("call", "demo", provider.issuer() + "/userinfo")).succeeds()
			.outputContains("\"sub\":\"ada\"");
		expect(commands.run("logout", "demo")).succeeds().outputContains("Removed the stored login for 'demo'")
			.outputContains("Revoked the access token at the provider.");
		expect(commands.run("status")).succeeds().outputContains("no login stored");
	}

	/**
	 * The 'jdbc' and 'clients' profiles in one build, on the real PostgreSQL and MariaDB servers: the declared client
	 * ({@code userinfoRestClient}, whose bean the build fixed) calls the provider's API with a service account's token
	 * (client credentials), which the JDBC store keeps in a table of its own; then status and logout. The client's
	 * registration and base URL, the database and the table are given at run time only.
	 */
	@Test
	void declaredClientAndJdbcStoreOnPostgres() throws Exception {
		try (HikariDataSource database = TestDatabases.postgres()) {
			declaredClientAndJdbcStore(database, "postgres");
		}
	}

	@Test
	void declaredClientAndJdbcStoreOnMariaDb() throws Exception {
		try (HikariDataSource database = TestDatabases.mariadb()) {
			declaredClientAndJdbcStore(database, "root");
		}
	}

	private void declaredClientAndJdbcStore(HikariDataSource database, String user) throws Exception {
		Variant jdbcClients = new Variant("jdbc-clients", "jdbc,clients");
		String table = "aot_tokens_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		List<String> settings = List.of("--spring.datasource.url=" + database.getJdbcUrl(),
				"--spring.datasource.username=" + user, "--oauth-callback.store.jdbc.table-name=" + table,
				"--oauth-callback.clients.userinfo.registration=" + DemoIdentityProvider.SERVICE_CLIENT_ID,
				"--oauth-callback.clients.userinfo.base-url=" + provider.issuer());
		try {
			expect(jdbcClients.run(with(settings, "whoami", "/api/whoami"))).succeeds()
				.outputContains("HTTP 200")
				.outputContains(DemoIdentityProvider.SERVICE_CLIENT_ID);
			expect(jdbcClients.run(with(settings, "status"))).succeeds()
				.outputContains(table)
				.outputContains(DemoIdentityProvider.SERVICE_CLIENT_ID + " / ");
			assertThat(new JdbcTemplate(database).queryForObject("SELECT COUNT(*) FROM " + table, Integer.class))
				.isOne();
			expect(jdbcClients.run(with(settings, "logout", "--all"))).succeeds().outputContains("Removed 1 stored login");
			assertThat(new JdbcTemplate(database).queryForObject("SELECT COUNT(*) FROM " + table, Integer.class))
				.isZero();
		}
		finally {
			TestDatabases.drop(database, table);
		}
	}

	/**
	 * The 'shell' profile: Spring Shell's interactive runner reads what the user types (here a pipe) and runs the
	 * starter's login, status and logout commands.
	 */
	@Test
	void springShell() throws Exception {
		Variant shell = new Variant("shell", "shell");
		Result session = shell.run(List.of(), """
				login demo
				status
				logout demo
				status
				exit
				""");
		expect(session).succeeds()
			.outputContains("Logged in to 'demo' as account")
			.outputContains("Signed in at the provider as 'ada'.")
			.outputContains("(1 login(s))")
			.outputContains("Removed the login of 'demo'")
			.outputContains("Revoked the access token at the provider.")
			.outputContains("(0 login(s))");
		assertThat(session.out().indexOf("(1 login(s))")).isLessThan(session.out().indexOf("(0 login(s))"));
	}

	/** The demo profile's registrations, given on the command line for the provider this test started. */
	private static List<String> demoRegistration() {
		String registration = "--spring.security.oauth2.client.registration.demo.";
		String service = "--spring.security.oauth2.client.registration." + DemoIdentityProvider.SERVICE_CLIENT_ID + ".";
		return List.of(registration + "provider=demo", registration + "client-id=" + DemoIdentityProvider.CLIENT_ID,
				registration + "client-authentication-method=none",
				registration + "authorization-grant-type=authorization_code",
				registration + "redirect-uri=" + DemoIdentityProvider.REDIRECT_URI, registration + "scope=openid,profile",
				"--spring.security.oauth2.client.provider.demo.issuer-uri=" + provider.issuer(),
				// The service profile's service account (client credentials), whose secret the provider made.
				service + "provider=demo", service + "client-id=" + DemoIdentityProvider.SERVICE_CLIENT_ID,
				service + "client-secret=" + provider.serviceClientSecret(),
				service + "client-authentication-method=client_secret_basic",
				service + "authorization-grant-type=client_credentials", service + "scope=" + DemoIdentityProvider.API_SCOPE);
	}

	/** One AOT build of the sample: its processed classes and the profiles it was built with. */
	private final class Variant {

		private final Path classes;

		private final String profiles;

		Variant(String name, String profiles) {
			this.classes = PROOF.resolve(name).resolve("classes");
			this.profiles = profiles;
			assertThat(this.classes.resolve(
					"io/github/oauthcallback/sample/SampleApplication__ApplicationContextInitializer.class"))
				.as("the AOT build of '%s' (mvn verify builds it before this test)", name)
				.exists();
		}

		Result run(String... commandLine) throws IOException, InterruptedException {
			return run(List.of(commandLine), null);
		}

		Result run(List<String> commandLine) throws IOException, InterruptedException {
			return run(commandLine, null);
		}

		/**
		 * @param commandLine the command and its arguments
		 * @param typed what the user types, line by line, or {@code null} for no input; the input stays open until
		 * the program ends, as a terminal's would
		 */
		Result run(List<String> commandLine, String typed) throws IOException, InterruptedException {
			List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Dspring.aot.enabled=true",
					"-Duser.home=" + SampleAotIT.this.home, "-cp", classPath(), SampleApplication.class.getName()));
			command.addAll(commandLine);
			command.add("--spring.profiles.active=" + this.profiles);
			command.addAll(demoRegistration());
			command.add("--oauth-callback.login.mode=browser");
			command.add("--oauth-callback.login.browser=" + browser());
			command.add("--oauth-callback.login.timeout=60s");
			ProcessBuilder builder = new ProcessBuilder(command);
			Map<String, String> environment = builder.environment();
			environment.put("AOT_BROWSER_ISSUER", provider.issuer().toString());
			environment.put("AOT_BROWSER_USER", provider.username());
			environment.put("AOT_BROWSER_PASSWORD", provider.password());
			Path out = Files.createTempFile(SampleAotIT.this.home, "out", ".txt");
			Path err = Files.createTempFile(SampleAotIT.this.home, "err", ".txt");
			if (typed == null) {
				builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
			}
			Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
			try (OutputStream input = process.getOutputStream()) {
				if (typed != null) {
					input.write(typed.getBytes(StandardCharsets.UTF_8));
					input.flush();
				}
				if (!process.waitFor(120, TimeUnit.SECONDS)) {
					process.destroyForcibly();
					throw new IllegalStateException(String.join(" ", commandLine) + " did not end within 120 s; out:\n"
							+ Files.readString(out) + "\nerr:\n" + Files.readString(err));
				}
			}
			return new Result(String.join(" ", commandLine), process.exitValue(),
					Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
		}

		private String classPath() throws IOException {
			return this.classes + File.pathSeparator
					+ Files.readString(PROOF.resolve("runtime-classpath.txt"), StandardCharsets.UTF_8).trim();
		}

	}

	private static List<String> with(List<String> settings, String... commandLine) {
		List<String> all = new ArrayList<>(List.of(commandLine));
		all.addAll(settings);
		return all;
	}

	/** A script that runs {@link AotBrowser} with this test's class path. */
	private String browser() throws IOException {
		Path script = this.home.resolve("browser.sh");
		if (!Files.exists(script)) {
			Files.writeString(script, "#!/bin/sh\nexec '" + javaExecutable() + "' -cp '"
					+ System.getProperty("java.class.path") + "' " + AotBrowser.class.getName() + " \"$@\"\n");
			Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
		}
		return script.toString();
	}

	private static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	/** What a command printed and how it ended. */
	record Result(String command, int status, String out, String err) {

	}

	private static ResultAssert expect(Result result) {
		return new ResultAssert(result);
	}

	private static final class ResultAssert {

		private final Result result;

		ResultAssert(Result result) {
			this.result = result;
		}

		ResultAssert succeeds() {
			assertThat(this.result.status())
				.as("exit status of '%s'; out:%n%s%nerr:%n%s", this.result.command(), this.result.out(),
						this.result.err())
				.isZero();
			return this;
		}

		ResultAssert outputContains(String text) {
			assertThat(this.result.out())
				.as("output of '%s'; err:%n%s", this.result.command(), this.result.err())
				.contains(text);
			return this;
		}

	}

}
