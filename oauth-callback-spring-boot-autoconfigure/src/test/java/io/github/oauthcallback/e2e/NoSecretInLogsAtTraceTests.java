package io.github.oauthcallback.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.oauthcallback.support.DeviceApprover;
import io.github.oauthcallback.support.TestAuthorizationServer;
import io.github.oauthcallback.support.UserAgentBrowser;
import io.github.oauthcallback.support.mcp.McpAuthorizationServer;
import io.github.oauthcallback.support.mcp.TestMcpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No secret reaches any log, at any level, from any logger. {@link TraceLoggingApplication} runs in a JVM of its own
 * (so the in-process authorization server's logs stay out, and this JVM's logging is left alone) with
 * {@code logging.level.root=TRACE}, against a real Spring Authorization Server: two browser logins (client secret in
 * the form body and in the header), a resource call, two refreshes, a device login and its refresh, a
 * client-credentials token, a login that revokes the refresh token it replaces, and two logouts that revoke their
 * tokens.
 * Everything it writes to standard output and standard error is searched for every 16-character window of each
 * authorization code, PKCE verifier, device code, refresh token the token endpoint received, client secret, store encryption key,
 * and access, refresh and ID token the application received (and the Base64 of the {@code client_secret_basic}
 * credentials), so a cut-off value is caught too. It runs once with the JDK's {@code HttpClient} and once with
 * {@code HttpURLConnection}, which logs request headers. The authorization URL (with its state, PKCE challenge and
 * hashed nonce) is printed on purpose, for the user to open; the test opens it as the user would.
 * <p>
 * MCP client authorization runs once more, in {@link McpTraceLoggingApplication} with the JDK's {@code HttpClient},
 * against an MCP server of the SDK ({@link TestMcpServer}) whose authorization server is Spring Authorization Server
 * with open dynamic registration ({@link McpAuthorizationServer}): from the server's URL alone a dynamic registration
 * of a confidential client ({@code client_secret_basic}), a browser login, {@code tools/list} and a tool call, a
 * refresh of a token that expired as stored, a refresh after a 401 to the token sent, a step-up after a 403
 * {@code insufficient_scope}, and a logout that revokes. Searched for: every secret the authorization server received
 * or issued (codes, verifiers, refresh tokens, the {@code client_secret_basic} header's Base64 and the secret in it,
 * the access, refresh and ID tokens of its answers, the registered client secret and the registration access token
 * if it issued one), and the tokens the application held and sent as {@code Authorization: Bearer} to the MCP
 * server, including the refused one. The MCP SDK's own loggers are at TRACE too.
 * <p>
 * Set the system property {@code oauth-callback.test.java-home} to run the application on another JDK.
 */
class NoSecretInLogsAtTraceTests {

	private static final int WINDOW = 16;

	private static final Pattern AUTHORIZATION_URL = Pattern
		.compile("http://127\\.0\\.0\\.1:\\d+/oauth2/authorize\\?\\S+");

	/** The verification URI with the user code a device login prints (the user code is meant to be shown). */
	private static final Pattern DEVICE_URL = Pattern
		.compile("http://127\\.0\\.0\\.1:\\d+/oauth2/device_verification\\?user_code=[A-Z-]+");

	/**
	 * @param factory the application's HTTP client for token and resource requests: the JDK's {@code HttpClient}
	 * (Spring Boot's choice on this classpath) or {@code HttpURLConnection}, which logs request headers
	 */
	@ParameterizedTest
	@ValueSource(strings = { "jdk", "simple" })
	void loginRefreshClientCredentialsAndLogoutWithEveryLoggerAtTraceLogNoSecret(String factory, @TempDir Path dir)
			throws Exception {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		String encryptionKey = Base64.getEncoder().encodeToString(key);
		List<String> received;
		StringBuilder captured = new StringBuilder();
		int exit;
		try (TestAuthorizationServer server = TestAuthorizationServer.start()) {
			int before = TestAuthorizationServer.tokenRequestSecrets().size();
			exit = run(captured, TraceLoggingApplication.class, server.issuer(), dir.toString(), encryptionKey,
					factory);
			List<String> all = TestAuthorizationServer.tokenRequestSecrets();
			received = all.subList(before, all.size());
		}
		String text;
		synchronized (captured) {
			text = captured.toString();
		}
		assertThat(exit).as("exit status; the output ends with:%n%s", tail(text)).isZero();

		assertThat(text).as("captured output").isNotBlank();
		assertThat(text).as("a TRACE line of Spring").containsPattern("(?m)^\\S+\\s+TRACE .* o\\.s\\.");
		assertThat(text).as("a JUL record at FINEST, through the bridge").contains(TraceLoggingApplication.JUL_MARKER);
		assertThat(text).as("the token requests' form bodies, logged in full at TRACE with their values redacted")
			.contains("grant_type=[authorization_code]", "grant_type=[refresh_token]",
					"grant_type=[client_credentials]", "code=[redacted]", "code_verifier=[redacted]",
					"client_secret=[redacted]", "refresh_token=[redacted]",
					"grant_type=[urn:ietf:params:oauth:grant-type:device_code]", "device_code=[redacted]");
		assertThat(text).as("the revocation requests' form bodies, logged in full at TRACE with the token redacted")
			.contains("token=[redacted], token_type_hint=[refresh_token]",
					"token=[redacted], token_type_hint=[access_token]");

		List<String> secrets = new ArrayList<>(Files.readAllLines(dir.resolve("secrets.txt")));
		assertThat(secrets).as("access, refresh and ID tokens the application received")
			.hasSizeGreaterThanOrEqualTo(11);
		assertThat(received).as("codes, verifiers, refresh tokens and form-body secrets the token endpoint received")
			.hasSizeGreaterThanOrEqualTo(9)
			.contains(TestAuthorizationServer.CONFIDENTIAL_SECRET, TestAuthorizationServer.SERVICE_SECRET);
		secrets.addAll(received);
		secrets.addAll(List.of(TestAuthorizationServer.CONFIDENTIAL_SECRET, TestAuthorizationServer.REFRESHING_SECRET,
				TestAuthorizationServer.SERVICE_SECRET, encryptionKey, Base64.getEncoder()
					.encodeToString(("refreshing-cli:" + TestAuthorizationServer.REFRESHING_SECRET)
						.getBytes(StandardCharsets.UTF_8))));
		assertThat(leaks(text, secrets)).isEmpty();
	}

	/**
	 * MCP client authorization with every logger at TRACE, the MCP SDK's included: dynamic registration of a
	 * confidential client, login, tools, two refreshes (expired as stored; refused with 401), step-up, logout.
	 */
	@Test
	void mcpRegistrationLoginRefreshStepUpAndLogoutWithEveryLoggerAtTraceLogNoSecret(@TempDir Path dir)
			throws Exception {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		String encryptionKey = Base64.getEncoder().encodeToString(key);
		List<String> received;
		List<String> registrationSecretFields;
		TestMcpServer.Counts answered;
		StringBuilder captured = new StringBuilder();
		int exit;
		try (McpAuthorizationServer authorizationServer = McpAuthorizationServer.start();
				TestMcpServer mcpServer = TestMcpServer.start(authorizationServer.issuer())) {
			exit = run(captured, McpTraceLoggingApplication.class, mcpServer.url(), dir.toString(), encryptionKey);
			received = authorizationServer.secrets();
			registrationSecretFields = authorizationServer.registrationSecretFields();
			answered = mcpServer.counts();
		}
		String text;
		synchronized (captured) {
			text = captured.toString();
		}
		assertThat(exit).as("exit status; the output ends with:%n%s", tail(text)).isZero();

		assertThat(text).as("a TRACE line of Spring").containsPattern("(?m)^\\S+\\s+TRACE .* o\\.s\\.");
		assertThat(text).as("the MCP SDK's client transport logs what it sends")
			.containsPattern("(?m)^\\S+\\s+DEBUG .*HttpClientStreamableHttpTransport\\s*: Sending message");
		assertThat(text).as("the token and revocation requests' form bodies, logged at TRACE with their values redacted")
			.contains("grant_type=[authorization_code]", "grant_type=[refresh_token]", "code=[redacted]",
					"code_verifier=[redacted]", "refresh_token=[redacted]",
					"token=[redacted], token_type_hint=[refresh_token]",
					"token=[redacted], token_type_hint=[access_token]");
		assertThat(registrationSecretFields).as("one dynamic registration of a confidential client")
			.containsOnlyOnce("client_secret");
		assertThat(answered.unauthorized()).as("the first request, and the refused token").isEqualTo(2);
		assertThat(answered.forbidden()).as("the admin tool before the step-up").isEqualTo(1);

		List<String> secrets = new ArrayList<>(Files.readAllLines(dir.resolve("secrets.txt")));
		assertThat(secrets).as("its client secret, the access and refresh tokens the application held, the refused one")
			.hasSizeGreaterThanOrEqualTo(10);
		assertThat(received).as("codes, verifiers, refresh tokens, Basic credentials and tokens the authorization "
				+ "server received or issued, and the registered client secret")
			.hasSizeGreaterThanOrEqualTo(20)
			.contains(secrets.get(0));
		secrets.addAll(received);
		assertThat(leaks(text, secrets)).isEmpty();
	}

	/**
	 * Runs an application in a JVM of its own while {@link #playUser playing the user}.
	 * @return its exit status
	 */
	private static int run(StringBuilder captured, Class<?> application, String... arguments) throws Exception {
		List<String> command = new ArrayList<>(List.of(java(), "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
				System.getProperty("java.class.path"), application.getName()));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		Thread user = new Thread(() -> playUser(process, captured), "test-user");
		user.setDaemon(true);
		user.start();
		if (!process.waitFor(3, TimeUnit.MINUTES)) {
			process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		user.join(10_000);
		return process.exitValue();
	}

	/**
	 * Reads everything the application writes and, like a user, opens each authorization URL it prints in a browser
	 * (from this JVM, whose HTTP client's logs are not the application's).
	 */
	private static void playUser(Process process, StringBuilder captured) {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line = lines.readLine(); line != null; line = lines.readLine()) {
				synchronized (captured) {
					captured.append(line).append('\n');
				}
				Matcher url = AUTHORIZATION_URL.matcher(line);
				if (url.find()) {
					UserAgentBrowser.approving().open(URI.create(url.group()));
				}
				Matcher device = DEVICE_URL.matcher(line);
				if (device.find()) {
					DeviceApprover.approveLater(URI.create(device.group()), new CopyOnWriteArrayList<>());
				}
			}
		}
		catch (IOException ex) {
			synchronized (captured) {
				captured.append("(reading the output failed: ").append(ex).append(")\n");
			}
		}
	}

	/**
	 * @return for each secret found in the text, whole or as a window of {@value #WINDOW} characters, the line
	 * that holds it
	 */
	static List<String> leaks(String text, List<String> secrets) {
		Map<String, String> windows = new HashMap<>();
		List<String> leaks = new ArrayList<>();
		for (String secret : secrets) {
			assertThat(secret).isNotBlank();
			if (secret.length() < WINDOW) {
				int at = text.indexOf(secret);
				if (at >= 0) {
					leaks.add("'" + secret + "' in: " + line(text, at));
				}
				continue;
			}
			for (int i = 0; i + WINDOW <= secret.length(); i++) {
				windows.putIfAbsent(secret.substring(i, i + WINDOW), secret);
			}
		}
		for (int i = 0; i + WINDOW <= text.length() && leaks.size() < 20; i++) {
			String secret = windows.get(text.substring(i, i + WINDOW));
			if (secret != null) {
				leaks.add("part of '" + secret + "' in: " + line(text, i));
				i = text.indexOf('\n', i) < 0 ? text.length() : text.indexOf('\n', i);
			}
		}
		return leaks;
	}

	private static String line(String text, int at) {
		int start = text.lastIndexOf('\n', at) + 1;
		int end = text.indexOf('\n', at);
		String line = text.substring(start, (end < 0) ? text.length() : end);
		return (line.length() > 600) ? line.substring(0, 600) + "..." : line;
	}

	private static String tail(String text) {
		return text.substring(Math.max(0, text.length() - 6000));
	}

	private static String java() {
		String home = System.getProperty("oauth-callback.test.java-home", System.getProperty("java.home"));
		return Path.of(home, "bin", "java").toString();
	}

}
