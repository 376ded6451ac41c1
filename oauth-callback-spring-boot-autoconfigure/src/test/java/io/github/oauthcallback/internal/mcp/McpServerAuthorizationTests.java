package io.github.oauthcallback.internal.mcp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.oauthcallback.McpAuthorizationException;
import io.github.oauthcallback.autoconfigure.OAuthCallbackClientManagerAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackDiscoveryAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackLoginAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackMcpAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackMcpRegistrationsAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackStoreAutoConfiguration;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.mcp.OAuthCallbackMcpTransports;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.support.UserAgentBrowser;
import io.github.oauthcallback.support.mcp.McpAuthorizationServer;
import io.github.oauthcallback.support.mcp.TestMcpServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.HttpRequestSnapshot;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * What one server's authorization may and may not do, against real peers (two MCP servers on the SDK's server
 * transport, {@link TestMcpServer}, and Spring Authorization Server, {@link McpAuthorizationServer}; WireMock as a
 * host that is not the server): one server's token never reaches another server or host, concurrent first requests
 * share one discovery and one login, a 401 to a request without token when a login is stored only retries (keeping
 * the scopes a step-up widened), a 403 for scopes already held logs in no more, and a pre-registered client refused
 * with {@code invalid_client} gets an error instead of a second login.
 */
class McpServerAuthorizationTests {

	private static final String ACCOUNT = "ada-cli";

	private static McpAuthorizationServer authorizationServer;

	private static TestMcpServer serverA;

	private static TestMcpServer serverB;

	@TempDir
	Path dir;

	private final List<UserAgentBrowser> browsers = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void startPeers() {
		authorizationServer = McpAuthorizationServer.start();
		serverA = TestMcpServer.start(authorizationServer.issuer());
		serverB = TestMcpServer.start(authorizationServer.issuer());
	}

	@AfterAll
	static void stopPeers() {
		for (AutoCloseable peer : new AutoCloseable[] { serverB, serverA, authorizationServer }) {
			if (peer != null) {
				try {
					peer.close();
				}
				catch (Exception ex) {
					// best effort
				}
			}
		}
	}

	private ApplicationContextRunner runner(BrowserLauncher user) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuthCallbackDiscoveryAutoConfiguration.class,
					OAuthCallbackMcpRegistrationsAutoConfiguration.class, OAuth2ClientAutoConfiguration.class,
					OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class,
					OAuthCallbackClientManagerAutoConfiguration.class, OAuthCallbackMcpAutoConfiguration.class))
			.withBean(BrowserLauncher.class, () -> user)
			.withPropertyValues("oauth-callback.store.file.path=" + this.dir.resolve("tokens.json"),
					"oauth-callback.discovery.cache.directory=" + this.dir.resolve("discovery"),
					"oauth-callback.login.account=" + ACCOUNT, "oauth-callback.login.interactive=always",
					"spring.application.name=mcp-authorization-tests");
	}

	private ApplicationContextRunner runner() {
		return runner(this::approve);
	}

	private void approve(URI uri) {
		UserAgentBrowser browser = UserAgentBrowser.approving();
		this.browsers.add(browser);
		browser.open(uri);
	}

	private static McpSyncClient client(HttpClientStreamableHttpTransport.Builder transport) {
		return McpClient.sync(transport.build())
			.requestTimeout(Duration.ofSeconds(60))
			.initializationTimeout(Duration.ofSeconds(60))
			.build();
	}

	private static McpSyncClient initialized(OAuthCallbackMcpTransports transports, TestMcpServer server) {
		McpSyncClient client = client(transports.transport(server.url()));
		client.initialize();
		return client;
	}

	private static String echo(McpSyncClient client, String tool, String message) {
		McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest(tool, Map.of("message", message)));
		assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
		return ((McpSchema.TextContent) result.content().get(0)).text();
	}

	/** The SDK's error handler of the server, called as the transport calls it. */
	private static boolean handle(OAuthCallbackMcpTransports transports, TestMcpServer server, int status,
			String challenge, String sentToken) {
		Map<String, List<String>> headers = (sentToken != null) ? Map.of("Authorization", List.of("Bearer " + sentToken))
				: Map.of();
		HttpRequestSnapshot request = new HttpRequestSnapshot(URI.create(server.url()), "POST",
				HttpHeaders.of(headers, (name, value) -> true));
		HttpResponse.ResponseInfo response = new Response(status,
				HttpHeaders.of(Map.of("WWW-Authenticate", List.of(challenge)), (name, value) -> true));
		return Mono.from(transports.authorizationErrorHandler(server.url(), null)
			.handle(request, response, McpTransportContext.EMPTY)).block(Duration.ofSeconds(60));
	}

	private record Response(int statusCode, HttpHeaders headers) implements HttpResponse.ResponseInfo {

		@Override
		public HttpClient.Version version() {
			return HttpClient.Version.HTTP_1_1;
		}

	}

	/**
	 * Two servers whose registration ids collide (forced through the id function): the second is refused before
	 * anything is sent to it, and never gets the first one's token.
	 */
	@Test
	void twoServersWhoseRegistrationIdsCollideNeverGetEachOthersToken() {
		runner().run((context) -> {
			McpAuthorizations colliding = new McpAuthorizations(context.getBean(McpMetadataSource.class),
					context.getBean(McpClientSource.class), context.getBean(McpRegistrations.class),
					new McpClientRegistrationFactory("colliding"),
					context.getBean(OAuthCallbackAuthorizedClientManager.class), context.getBean(TokenStore.class),
					Map.of(), ACCOUNT, 3, (server) -> "mcp-colliding");
			OAuthCallbackMcpTransports transports = new OAuthCallbackMcpTransports(colliding);
			assertThat(transports.registrationId(serverA.url())).isEqualTo(transports.registrationId(serverB.url()));
			int bearerAtB = serverB.counts().bearerRequests();

			McpSyncClient a = initialized(transports, serverA);
			assertThat(echo(a, TestMcpServer.ECHO_TOOL, "a")).contains("a");
			a.closeGracefully();

			McpSyncClient b = client(transports.transport(serverB.url()));
			Throwable refused = org.assertj.core.api.Assertions.catchThrowable(b::initialize);
			b.close();
			assertThat(serverB.counts().bearerRequests()).as("no token ever reached server B").isEqualTo(bearerAtB);
			assertThat(rootCauseChain(refused)).anySatisfy((cause) -> assertThat(cause)
				.isInstanceOf(McpAuthorizationException.class)
				.hasMessageContaining("already uses in this process"));
			assertThat(this.browsers).as("no login for server B").hasSize(1);

			// and server A is unaffected
			McpSyncClient again = initialized(transports, serverA);
			assertThat(echo(again, TestMcpServer.ECHO_TOOL, "again")).contains("again");
			again.closeGracefully();
		});
	}

	private static List<Throwable> rootCauseChain(Throwable failure) {
		List<Throwable> chain = new ArrayList<>();
		for (Throwable each = failure; each != null && !chain.contains(each); each = each.getCause()) {
			chain.add(each);
		}
		return chain;
	}

	/**
	 * Several clients for one server and account whose first requests all got a 401 before anyone logged in: they
	 * take turns, one discovers, registers and logs in, the others only retry (no discovery, registration or login
	 * of their own; with the discovery cache off, every discovery would show as a request).
	 */
	@Test
	void concurrentFirstRequestsShareOneDiscoveryOneRegistrationAndOneLogin() throws Exception {
		int clients = 3;
		int unauthorizedBefore = serverA.counts().unauthorized();
		int metadataBefore = serverA.counts().metadataRequests();
		McpAuthorizationServer.Counts asBefore = authorizationServer.counts();
		BrowserLauncher waitingUser = (uri) -> {
			// the login completes only once every client's first request was refused
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (serverA.counts().unauthorized() < unauthorizedBefore + clients && System.nanoTime() < deadline) {
				Thread.onSpinWait();
				Thread.sleep(5);
			}
			approve(uri);
		};
		runner(waitingUser).withPropertyValues("oauth-callback.discovery.cache.enabled=false").run((context) -> {
			OAuthCallbackMcpTransports transports = context.getBean(OAuthCallbackMcpTransports.class);
			ExecutorService pool = Executors.newFixedThreadPool(clients);
			try {
				List<Future<String>> results = new ArrayList<>();
				for (int i = 0; i < clients; i++) {
					String message = "client-" + i;
					results.add(pool.submit(() -> {
						McpSyncClient client = initialized(transports, serverA);
						try {
							return echo(client, TestMcpServer.ECHO_TOOL, message);
						}
						finally {
							client.closeGracefully();
						}
					}));
				}
				for (int i = 0; i < clients; i++) {
					assertThat(results.get(i).get()).contains("client-" + i);
				}
			}
			finally {
				pool.shutdownNow();
			}
			assertThat(serverA.counts().unauthorized()).as("each client's first request only")
				.isEqualTo(unauthorizedBefore + clients);
			assertThat(this.browsers).as("one login").hasSize(1);
			McpAuthorizationServer.Counts asAfter = authorizationServer.counts();
			assertThat(asAfter.registration() - asBefore.registration()).as("one registration").isEqualTo(1);
			assertThat(asAfter.authorization() - asBefore.authorization()).as("one authorization request").isEqualTo(1);
			assertThat(asAfter.metadata() - asBefore.metadata()).as("one authorization server discovery").isEqualTo(1);
			assertThat(serverA.counts().metadataRequests() - metadataBefore).as("one resource metadata request")
				.isEqualTo(1);
		});
	}

	/**
	 * After a step-up, a 401 to a request that went without a token (while the login is stored) only retries: the
	 * widened scopes stay, and nothing is discovered, registered or logged in again.
	 */
	@Test
	void aRequestWithoutTokenRefusedWhileALoginIsStoredOnlyRetriesAndKeepsTheSteppedUpScopes() {
		// without the discovery cache, a discovery (of a new registration) would show as a request
		runner().withPropertyValues("oauth-callback.discovery.cache.enabled=false").run((context) -> {
			OAuthCallbackMcpTransports transports = context.getBean(OAuthCallbackMcpTransports.class);
			McpSyncClient client = initialized(transports, serverA);
			assertThat(echo(client, TestMcpServer.ADMIN_ECHO_TOOL, "up")).isEqualTo("admin: up");
			client.closeGracefully();
			assertThat(this.browsers).as("the first login and a step-up").hasSize(2);
			String registrationId = transports.registrationId(serverA.url());
			McpRegistrations registrations = context.getBean(McpRegistrations.class);
			assertThat(registrations.find(registrationId).getScopes()).contains(TestMcpServer.ADMIN_SCOPE);
			int metadata = serverA.counts().metadataRequests();
			McpAuthorizationServer.Counts before = authorizationServer.counts();

			assertThat(handle(transports, serverA, 401, "Bearer resource_metadata=\"" + serverA.metadataUrl()
					+ "\", scope=\"" + TestMcpServer.TOOLS_SCOPE + "\"", null)).isTrue();

			assertThat(registrations.find(registrationId).getScopes()).as("the step-up's scopes stay")
				.contains(TestMcpServer.ADMIN_SCOPE);
			assertThat(this.browsers).hasSize(2);
			assertThat(authorizationServer.counts()).isEqualTo(before);
			assertThat(serverA.counts().metadataRequests()).isEqualTo(metadata);
		});
	}

	/** A 403 demanding scopes the token holds: no login (it would not help); the request fails. */
	@Test
	void aForbiddenAnswerForScopesAlreadyHeldLogsInNoMore() {
		runner().run((context) -> {
			OAuthCallbackMcpTransports transports = context.getBean(OAuthCallbackMcpTransports.class);
			initialized(transports, serverA).closeGracefully();
			assertThat(this.browsers).hasSize(1);
			String token = context.getBean(TokenStore.class)
				.<org.springframework.security.oauth2.client.OAuth2AuthorizedClient>loadAuthorizedClient(
						transports.registrationId(serverA.url()), ACCOUNT)
				.getAccessToken()
				.getTokenValue();

			assertThat(handle(transports, serverA, 403, "Bearer error=\"insufficient_scope\", scope=\""
					+ TestMcpServer.TOOLS_SCOPE + "\", resource_metadata=\"" + serverA.metadataUrl() + "\"", token))
				.isFalse();
			assertThat(this.browsers).as("no second login").hasSize(1);
		});
	}

	/** The server's customizer on a transport to another host: the token is not attached there. */
	@Test
	void theTokenGoesOnlyToTheServersOrigin() {
		WireMockServer elsewhere = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		elsewhere.start();
		try {
			runner().run((context) -> {
				OAuthCallbackMcpTransports transports = context.getBean(OAuthCallbackMcpTransports.class);
				initialized(transports, serverA).closeGracefully();
				assertThat(this.browsers).hasSize(1);

				McpSyncClient misplaced = client(HttpClientStreamableHttpTransport.builder(elsewhere.baseUrl())
					.endpoint("/mcp")
					.asyncHttpRequestCustomizer(transports.requestCustomizer(serverA.url(), null))
					.authorizationErrorHandler(transports.authorizationErrorHandler(serverA.url(), null)));
				assertThatException().isThrownBy(misplaced::initialize);
				misplaced.close();
				elsewhere.verify(anyRequestedFor(anyUrl()).withHeader("Authorization", absent()));
				elsewhere.verify(0, anyRequestedFor(anyUrl()).withHeader("Authorization", matching(".*")));
				assertThat(this.browsers).hasSize(1);
			});
		}
		finally {
			elsewhere.stop();
		}
	}

	/**
	 * A pre-registered client the authorization server refuses ({@code invalid_client}, here a wrong secret): a clear
	 * error after the one login, not a second login (only a dynamic registration is registered again).
	 */
	@Test
	void aRefusedPreRegisteredClientFailsWithoutASecondLogin() {
		String registration = "spring.security.oauth2.client.registration.corp.";
		runner()
			.withPropertyValues(registration + "client-id=" + McpAuthorizationServer.CONFIDENTIAL_CLIENT,
					registration + "client-secret=not-the-secret",
					registration + "client-authentication-method=client_secret_basic",
					"oauth-callback.mcp.servers.a.url=" + serverA.url(), "oauth-callback.mcp.servers.a.registration=corp",
					"oauth-callback.mcp.servers.a.issuer=" + authorizationServer.issuer())
			.run((context) -> {
				OAuthCallbackMcpTransports transports = context.getBean(OAuthCallbackMcpTransports.class);
				McpSyncClient client = client(transports.transport(serverA.url()));
				assertThatException().isThrownBy(client::initialize)
					.satisfies((ex) -> assertThat(rootCauseChain(ex)).anySatisfy((cause) -> assertThat(cause)
						.isInstanceOf(McpAuthorizationException.class)
						.hasMessageContaining("invalid_client")
						.hasMessageContaining("pre-registered client")));
				client.close();
				assertThat(this.browsers).as("one login, no second one").hasSize(1);
			});
	}

}
