package io.github.oauthcallback.benchmarks.baseline;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

/**
 * P3's baseline, "the same app without the starter": the sample's {@code status} and {@code call} done by hand, with
 * the same command line, the same output and the same exit codes. The harness packs it into a copy of the sample's
 * jar (same Spring Boot loader, same {@code application*.yml}, same libraries minus the starter and the libraries only
 * the starter brings), so the difference between the two processes is what the starter costs.
 * <ul>
 * <li>{@code status}: lists the registrations declared under {@code spring.security.oauth2.client.registration},
 * reads the token file ({@code oauth-callback.store.file.path}) with Jackson and prints each stored login.</li>
 * <li>{@code call <registration> <url>}: reads the access token from the token file and sends it as a bearer token
 * with a {@link RestClient} GET; no refresh, no login (the stored token is valid in P3).</li>
 * </ul>
 * Not part of the starter; only used by the harness. It must only use classes that are in the sample's libraries.
 */
@SpringBootApplication
public class BaselineApplication implements CommandLineRunner, ExitCodeGenerator {

	private static final String REGISTRATIONS = "spring.security.oauth2.client.registration";

	private static final String PROVIDERS = "spring.security.oauth2.client.provider";

	private final Environment environment;

	private volatile int exitCode;

	public BaselineApplication(Environment environment) {
		this.environment = environment;
	}

	public static void main(String[] args) {
		if (words(args).isEmpty()) {
			System.out.println("Usage: status | call <registration> <url> [--property=value ...]");
			System.exit(0);
		}
		int status;
		try {
			status = SpringApplication.exit(SpringApplication.run(BaselineApplication.class, args));
		}
		catch (SpringApplication.AbandonedRunException ex) {
			// Spring AOT processing and -Dspring.context.exit stop the run this way: let them.
			throw ex;
		}
		catch (RuntimeException ex) {
			status = 1;
		}
		System.exit(status);
	}

	@Override
	public void run(String... args) throws Exception {
		List<String> words = words(args);
		PrintStream out = System.out;
		this.exitCode = switch (words.get(0)) {
			case "status" -> status(out);
			case "call" -> call(words.get(1), words.get(2), out);
			default -> {
				System.err.println("Unknown command '" + words.get(0) + "'.");
				yield 2;
			}
		};
	}

	@Override
	public int getExitCode() {
		return this.exitCode;
	}

	private int status(PrintStream out) throws Exception {
		String account = account();
		Map<String, Map<String, String>> registrations = Binder.get(this.environment)
			.bind(REGISTRATIONS, stringMapOfMaps())
			.orElse(Map.of());
		Path file = tokenFile();
		JsonNode entries = Files.exists(file) ? JsonMapper.shared().readTree(file.toFile()).path("entries") : null;
		out.println("Account '" + account + "', " + registrations.size() + " registration"
				+ ((registrations.size() == 1) ? "" : "s") + ":");
		for (Map.Entry<String, Map<String, String>> registration : registrations.entrySet()) {
			String id = registration.getKey();
			String provider = registration.getValue().getOrDefault("provider", id);
			JsonNode entry = find(entries, id, account);
			out.println("  " + id + " (client " + registration.getValue().get("client-id") + " at "
					+ this.environment.getProperty(PROVIDERS + "." + provider + ".authorization-uri") + "): "
					+ ((entry != null) ? "logged in; " + describe(entry) : "no login stored"));
		}
		int count = (entries != null) ? entries.size() : 0;
		out.println("Store: " + file + " (" + count + " login" + ((count == 1) ? "" : "s") + ")");
		if (entries != null) {
			for (JsonNode entry : entries) {
				out.println("  " + entry.path("registrationId").asString() + " / " + entry.path("account").asString()
						+ ": " + describe(entry));
			}
		}
		return 0;
	}

	private int call(String registration, String url, PrintStream out) throws Exception {
		Path file = tokenFile();
		JsonNode entry = Files.exists(file)
				? find(JsonMapper.shared().readTree(file.toFile()).path("entries"), registration, account()) : null;
		if (entry == null) {
			System.err.println("No login is stored for '" + registration + "'.");
			return 1;
		}
		String token = entry.path("accessToken").path("value").asString();
		try {
			// As the sample's call: HttpURLConnection, so both exit without waiting for an HTTP client thread.
			ResponseEntity<String> response = RestClient.builder()
				.requestFactory(new org.springframework.http.client.SimpleClientHttpRequestFactory())
				.build()
				.get()
				.uri(url)
				.header("Authorization", "Bearer " + token)
				.retrieve()
				.toEntity(String.class);
			out.println("HTTP " + response.getStatusCode().value());
			out.println((response.getBody() != null) ? response.getBody() : "");
			return 0;
		}
		catch (RestClientResponseException ex) {
			out.println("HTTP " + ex.getStatusCode().value());
			out.println(ex.getResponseBodyAsString());
			return 1;
		}
	}

	private String account() {
		String account = this.environment.getProperty("oauth-callback.login.account");
		return (account != null) ? account : System.getProperty("user.name");
	}

	private Path tokenFile() {
		return Path.of(this.environment.getRequiredProperty("oauth-callback.store.file.path"));
	}

	private static JsonNode find(JsonNode entries, String registration, String account) {
		if (entries == null) {
			return null;
		}
		for (JsonNode entry : entries) {
			if (registration.equals(entry.path("registrationId").asString())
					&& account.equals(entry.path("account").asString())) {
				return entry;
			}
		}
		return null;
	}

	private static String describe(JsonNode entry) {
		JsonNode token = entry.path("accessToken");
		List<String> scopes = new ArrayList<>();
		token.path("scopes").forEach((scope) -> scopes.add(scope.asString()));
		return "access token (" + token.path("type").asString() + ") with scopes "
				+ String.join(" ", scopes.stream().sorted().toList()) + ", expires " + token.path("expiresAt").asString() + "; refresh token: "
				+ (entry.path("refreshToken").isMissingNode() ? "none" : "stored");
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static Bindable<Map<String, Map<String, String>>> stringMapOfMaps() {
		return (Bindable) Bindable.of(org.springframework.core.ResolvableType.forClassWithGenerics(Map.class,
				org.springframework.core.ResolvableType.forClass(String.class),
				org.springframework.core.ResolvableType.forClassWithGenerics(Map.class, String.class, String.class)));
	}

	private static List<String> words(String[] args) {
		List<String> words = new ArrayList<>();
		for (String arg : args) {
			if (!arg.startsWith("--")) {
				words.add(arg);
			}
		}
		return words;
	}

}
