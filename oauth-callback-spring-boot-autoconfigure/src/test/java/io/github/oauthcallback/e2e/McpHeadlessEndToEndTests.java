package io.github.oauthcallback.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.oauthcallback.McpAuthorizationException;
import io.github.oauthcallback.authorize.LoopbackAuthorizer;
import io.github.oauthcallback.autoconfigure.OAuthCallbackClientManagerAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackDiscoveryAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackLoginAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackMcpAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackMcpRegistrationsAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackStoreAutoConfiguration;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.internal.Causes;
import io.github.oauthcallback.internal.authorize.DefaultLoopbackAuthorizer;
import io.github.oauthcallback.internal.authorize.DeviceLoginStarter;
import io.github.oauthcallback.internal.authorize.LoginWays;
import io.github.oauthcallback.internal.environment.BrowserAvailability;
import io.github.oauthcallback.internal.environment.LoginMode;
import io.github.oauthcallback.internal.environment.RunEnvironment;
import io.github.oauthcallback.mcp.OAuthCallbackMcpTransports;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.support.DeviceApprover;
import io.github.oauthcallback.support.FakeTerminal;
import io.github.oauthcallback.support.TestThreads;
import io.github.oauthcallback.support.UserAgentBrowser;
import io.github.oauthcallback.support.mcp.McpAuthorizationServer;
import io.github.oauthcallback.support.mcp.McpAuthorizationServer.ResourceIndicator;
import io.github.oauthcallback.support.mcp.TestMcpServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.web.util.UriComponentsBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * MCP logins where no browser can reach this machine, end to end from nothing but the server's URL, against the real
 * peers of {@link McpEndToEndTests} ({@link TestMcpServer} behind Spring Security's resource server, Spring
 * Authorization Server as {@link McpAuthorizationServer}): the device grant that the server's authorization server
 * offers (the dynamic registration asks for it), with the resource indicator that makes the token the server's;
 * paste-back of the address a browser elsewhere ended on; and the clear refusal of {@code mode=device} when the
 * authorization server offers no device grant.
 */
class McpHeadlessEndToEndTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final Pattern AUTHORIZATION_URL = Pattern.compile("Open this URL to continue: (\\S+)");

	/** A run over SSH without a forwarded display, on a terminal: {@code auto} cannot use a browser here. */
	private static final RunEnvironment SSH = RunEnvironment.of(Map.of("SSH_CONNECTION", "10.0.0.2 5022 10.0.0.9 22"),
			"Linux", false, (command) -> false);

	private static McpAuthorizationServer authorizationServer;

	private static TestMcpServer mcpServer;

	@TempDir
	Path dir;

	@BeforeAll
	static void startPeers() {
		authorizationServer = McpAuthorizationServer.start();
		mcpServer = TestMcpServer.start(authorizationServer.issuer());
	}

	@AfterAll
	static void stopPeers() {
		if (mcpServer != null) {
			mcpServer.close();
		}
		if (authorizationServer != null) {
			authorizationServer.close();
		}
	}

	@BeforeEach
	void reset() {
		authorizationServer.resetRecordings();
		mcpServer.resetCounts();
	}

	private ApplicationContextRunner runner(BrowserLauncher launcher) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuthCallbackDiscoveryAutoConfiguration.class,
					OAuthCallbackMcpRegistrationsAutoConfiguration.class, OAuth2ClientAutoConfiguration.class,
					OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class,
					OAuthCallbackClientManagerAutoConfiguration.class, OAuthCallbackMcpAutoConfiguration.class))
			.withBean(BrowserLauncher.class, () -> launcher)
			.withPropertyValues("oauth-callback.store.file.path=" + this.dir.resolve("tokens.json"),
					"oauth-callback.discovery.cache.directory=" + this.dir.resolve("discovery"),
					"oauth-callback.login.account=ada-cli", "oauth-callback.login.interactive=always",
					"spring.application.name=mcp-headless-e2e");
	}

	/** The user's browser on another device: approves the device login at the URI the starter opens. */
	private static BrowserLauncher deviceUser(List<URI> opened, List<Throwable> failures) {
		return (uri) -> {
			opened.add(uri);
			DeviceApprover.approveLater(uri, failures);
		};
	}

	private static McpSyncClient client(OAuthCallbackMcpTransports transports, String serverUrl) {
		McpSyncClient client = McpClient.sync(transports.transport(serverUrl).build())
			.requestTimeout(Duration.ofSeconds(60))
			.initializationTimeout(Duration.ofSeconds(60))
			.build();
		client.initialize();
		return client;
	}

	private static List<String> toolNames(McpSyncClient client) {
		return client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
	}

	/** The {@code aud} claim of a JWT access token, read without checking it (the MCP server did). */
	private static List<String> audience(String accessToken) {
		JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(accessToken.split("\\.")[1]));
		JsonNode aud = claims.get("aud");
		List<String> audience = new ArrayList<>();
		if (aud.isArray()) {
			aud.forEach((each) -> audience.add(each.asString()));
		}
		else {
			audience.add(aud.asString());
		}
		return audience;
	}

	/** The login the store holds for the server, after the client listed its tools with it. */
	private static OAuth2AuthorizedClient stored(org.springframework.context.ApplicationContext context,
			String serverUrl) {
		String registrationId = context.getBean(OAuthCallbackMcpTransports.class).registrationId(serverUrl);
		return context.getBean(TokenStore.class).loadAuthorizedClient(registrationId, "ada-cli");
	}

	@Test
	void modeDeviceLogsInToAServerKnownOnlyByItsUrlWithTheDeviceGrantForATokenOfThatServer() {
		List<URI> opened = new CopyOnWriteArrayList<>();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		int registeredBefore = authorizationServer.dynamicallyRegisteredClients().size();
		runner(deviceUser(opened, failures)).withPropertyValues("oauth-callback.login.mode=device").run((context) -> {
			McpSyncClient client = client(context.getBean(OAuthCallbackMcpTransports.class), mcpServer.url());
			assertThat(toolNames(client)).contains(TestMcpServer.ECHO_TOOL);
			client.closeGracefully();

			assertThat(failures).isEmpty();
			assertThat(opened).as("the device verification page, not an authorization URL")
				.singleElement()
				.satisfies((uri) -> assertThat(uri.toString())
					.startsWith(authorizationServer.issuer() + "/oauth2/device_verification?user_code="));
			// The registration asked for the device grant: Spring Authorization Server refuses a device authorization
			// request (unauthorized_client) of a client registered without it.
			assertThat(authorizationServer.dynamicallyRegisteredClients()).hasSize(registeredBefore + 1);
			// RFC 8707: the server's resource on the device authorization and the device token request (Spring
			// Authorization Server takes the audience from the latter).
			assertThat(authorizationServer.resourceIndicators()).allSatisfy((indicator) -> assertThat(
					indicator.resources())
				.as(indicator.endpoint() + " " + indicator.grantType())
				.containsExactly(mcpServer.resource().toString()));
			assertThat(authorizationServer.resourceIndicators())
				.as("no authorization request, and a token the server accepted at once (no refresh)")
				.extracting(ResourceIndicator::endpoint, ResourceIndicator::grantType)
				.containsExactly(org.assertj.core.groups.Tuple.tuple("device_authorization", null),
						org.assertj.core.groups.Tuple.tuple("token", "urn:ietf:params:oauth:grant-type:device_code"));
			OAuth2AuthorizedClient login = stored(context, mcpServer.url());
			assertThat(login).isNotNull();
			assertThat(audience(login.getAccessToken().getTokenValue())).containsExactly(mcpServer.resource().toString());
			assertThat(mcpServer.counts().unauthorized()).as("only the first request, without a token").isEqualTo(1);
		});
	}

	@Test
	void autoOverSshWithoutADisplayTakesTheDeviceGrantTheServerOffers() {
		List<URI> opened = new CopyOnWriteArrayList<>();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		BrowserLauncher user = deviceUser(opened, failures);
		runner(user).run((context) -> {
			// The run as auto sees it: a terminal, SSH, no display, no browser to open.
			((DefaultLoopbackAuthorizer) context.getBean(LoopbackAuthorizer.class)).setLoginWays(new LoginWays(
					LoginMode.AUTO, SSH, FakeTerminal.typing(InputStream.nullInputStream()),
					() -> BrowserAvailability.none("no xdg-open"), context.getBean(DeviceLoginStarter.class)));
			McpSyncClient client = client(context.getBean(OAuthCallbackMcpTransports.class), mcpServer.url());
			assertThat(toolNames(client)).contains(TestMcpServer.ECHO_TOOL);
			client.closeGracefully();
			assertThat(failures).isEmpty();
			assertThat(opened).singleElement()
				.satisfies((uri) -> assertThat(uri.toString()).contains("/oauth2/device_verification?user_code="));
			assertThat(authorizationServer.resourceIndicators()).extracting(ResourceIndicator::endpoint)
				.containsExactly("device_authorization", "token");
		});
	}

	@Test
	void modePasteLogsInWithTheAddressABrowserElsewhereEndedOn() throws Exception {
		ByteArrayOutputStream printed = new ByteArrayOutputStream();
		PrintStream originalErr = System.err;
		PrintStream console = new PrintStream(new Tee(originalErr, printed), true, StandardCharsets.UTF_8);
		PipedOutputStream typing = new PipedOutputStream();
		PipedInputStream stdin = new PipedInputStream(typing, 64 * 1024);
		UserAgentBrowser browser = UserAgentBrowser.elsewhere();
		List<URI> launched = new CopyOnWriteArrayList<>();
		// The user plays on a thread of TestThreads.POOL, not the common ForkJoinPool: that may have one worker on a
		// small machine, and on JDK 25 the JDK HttpClient can then not make progress for a task blocked in it
		// (docs/troubleshooting.md).
		// The user: reads the URL off the terminal, signs in on another machine, pastes where the browser ended.
		CompletableFuture<URI> pasted = CompletableFuture.supplyAsync(() -> {
			try {
				URI url = awaitAuthorizationUrl(printed);
				browser.open(url);
				URI endedOn = browser.endedOn();
				typing.write((endedOn + "\n").getBytes(StandardCharsets.UTF_8));
				typing.flush();
				return endedOn;
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}, TestThreads.POOL);
		System.setErr(console);
		try {
			runner(launched::add).withPropertyValues("oauth-callback.login.mode=paste").run((context) -> {
				// The run: a terminal to paste into, not a CI run.
				((DefaultLoopbackAuthorizer) context.getBean(LoopbackAuthorizer.class))
					.setLoginWays(new LoginWays(LoginMode.PASTE, SSH, FakeTerminal.typing(stdin),
							() -> BrowserAvailability.none("no xdg-open"),
							context.getBean(DeviceLoginStarter.class)));
				McpSyncClient client = client(context.getBean(OAuthCallbackMcpTransports.class), mcpServer.url());
				assertThat(toolNames(client)).contains(TestMcpServer.ECHO_TOOL);
				client.closeGracefully();

				URI endedOn = pasted.get(60, TimeUnit.SECONDS);
				assertThat(launched).as("mode paste runs no launcher").isEmpty();
				assertThat(endedOn.getHost()).isEqualTo("127.0.0.1");
				assertThat(endedOn.getQuery()).contains("code=", "state=");
				String text = printed.toString(StandardCharsets.UTF_8);
				assertThat(text).contains("oauth-callback.login.mode=paste: open the URL in a browser on any machine",
						"Or paste here the address the browser ends on");
				String code = UriComponentsBuilder.fromUri(endedOn).build().getQueryParams().getFirst("code");
				assertThat(code).isNotBlank();
				assertThat(text).as("the pasted code is never printed back").doesNotContain(code);
				assertThat(authorizationServer.resourceIndicators()).extracting(ResourceIndicator::endpoint)
					.containsExactly("authorize", "token");
				assertThat(authorizationServer.resourceIndicators()).allSatisfy((indicator) -> assertThat(
						indicator.resources())
					.containsExactly(mcpServer.resource().toString()));
				assertThat(audience(stored(context, mcpServer.url()).getAccessToken().getTokenValue()))
					.containsExactly(mcpServer.resource().toString());
			});
		}
		finally {
			System.setErr(originalErr);
			typing.close();
		}
	}

	@Test
	void modeDeviceForAServerWhoseAuthorizationServerOffersNoDeviceGrantFailsSayingWhatToSet() {
		try (McpAuthorizationServer noDevice = McpAuthorizationServer
			.start(McpAuthorizationServer.Options.defaults().withDeviceGrant(false));
				TestMcpServer server = TestMcpServer.start(noDevice.issuer())) {
			List<URI> opened = new CopyOnWriteArrayList<>();
			runner(opened::add).withPropertyValues("oauth-callback.login.mode=device").run((context) -> {
				OAuthCallbackMcpTransports transports = context.getBean(OAuthCallbackMcpTransports.class);
				assertThatThrownBy(() -> client(transports, server.url())).satisfies((ex) -> {
					McpAuthorizationException failure = Causes.find(ex, McpAuthorizationException.class);
					assertThat(failure).as(() -> stackTrace(ex)).isNotNull();
					assertThat(failure.getServer().toString()).isEqualTo(server.url());
					assertThat(failure.getMessage()).isEqualTo("oauth-callback.login.mode=device, but the "
							+ "authorization server " + noDevice.issuer() + " of the MCP server " + server.url()
							+ " does not offer the device authorization grant (its metadata has no "
							+ "device_authorization_endpoint, or does not list "
							+ "urn:ietf:params:oauth:grant-type:device_code in grant_types_supported). Set "
							+ "oauth-callback.login.mode=paste to open the login URL in a browser on any machine and "
							+ "paste the address it ends on here, or oauth-callback.login.mode=browser where a browser "
							+ "can be opened on this machine.");
				});
				assertThat(opened).as("nothing opened").isEmpty();
				assertThat(noDevice.counts().authorization()).as("no login started").isZero();
				assertThat(noDevice.counts().token()).isZero();
			});
		}
	}

	private static String stackTrace(Throwable failure) {
		java.io.StringWriter out = new java.io.StringWriter();
		failure.printStackTrace(new java.io.PrintWriter(out));
		return out.toString();
	}

	private static URI awaitAuthorizationUrl(ByteArrayOutputStream printed) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (System.nanoTime() < deadline) {
			Matcher url = AUTHORIZATION_URL.matcher(printed.toString(StandardCharsets.UTF_8));
			if (url.find()) {
				return URI.create(url.group(1));
			}
			Thread.sleep(20);
		}
		throw new IllegalStateException("No authorization URL was printed");
	}

	/** Writes to both streams: the test reads what the starter prints, the build log still shows it. */
	private static final class Tee extends OutputStream {

		private final OutputStream first;

		private final OutputStream second;

		Tee(OutputStream first, OutputStream second) {
			this.first = first;
			this.second = second;
		}

		@Override
		public synchronized void write(int b) throws IOException {
			this.first.write(b);
			this.second.write(b);
		}

		@Override
		public synchronized void write(byte[] b, int off, int len) throws IOException {
			this.first.write(b, off, len);
			this.second.write(b, off, len);
		}

		@Override
		public void flush() throws IOException {
			this.first.flush();
			this.second.flush();
		}

	}

}
