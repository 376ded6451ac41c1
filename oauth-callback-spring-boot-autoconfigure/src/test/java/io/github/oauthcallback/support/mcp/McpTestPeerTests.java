package io.github.oauthcallback.support.mcp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.oauthcallback.support.mcp.CodeFlowClient.Answer;
import io.github.oauthcallback.support.mcp.CodeFlowClient.Registration;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.client.transport.customizer.McpHttpClientTransportAuthorizationErrorHandler;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The MCP test peers on their own, with no starter code: {@link TestMcpServer} challenges, serves its metadata,
 * accepts only tokens issued for it and enforces tool scopes; {@link McpAuthorizationServer} registers clients
 * without an initial access token and binds tokens to the requested resource. The clients are {@code java.net.http}
 * and the MCP SDK's own {@link McpSyncClient} with a fixed {@code Authorization} header.
 */
class McpTestPeerTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String INITIALIZE = """
			{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",\
			"capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

	private static final String CALL_ADMIN_ECHO = """
			{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"admin-echo","arguments":{"message":"hi"}}}""";

	private static McpAuthorizationServer authorizationServer;

	private static TestMcpServer mcpServer;

	private static Registration publicClient;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@BeforeAll
	static void startPeers() throws Exception {
		authorizationServer = McpAuthorizationServer.start();
		mcpServer = TestMcpServer.start(authorizationServer.issuer());
		publicClient = CodeFlowClient.register(authorizationServer, "none").registration();
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

	@Test
	void aRequestWithoutTokenGets401WithTheResourceMetadataAndScopeChallenge() throws Exception {
		mcpServer.resetCounts();
		HttpResponse<String> response = post(mcpServer.url(), INITIALIZE, null);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().allValues("WWW-Authenticate"))
			.containsExactly("Bearer resource_metadata=\"" + mcpServer.metadataUrl() + "\", scope=\"mcp:tools\"");
		assertThat(mcpServer.metadataUrl())
			.isEqualTo(URI.create(mcpServer.url().replace("/mcp", "/.well-known/oauth-protected-resource/mcp")));
		assertThat(mcpServer.counts()).isEqualTo(new TestMcpServer.Counts(1, 1, 0, 1, 0, 0));
	}

	@Test
	void theProtectedResourceMetadataNamesTheServerTheIssuerAndTheScopes() throws Exception {
		HttpResponse<String> response = get(mcpServer.metadataUrl());
		assertThat(response.statusCode()).isEqualTo(200);
		Map<String, Object> metadata = json(response.body());
		assertThat(metadata).containsEntry("resource", mcpServer.url())
			.containsEntry("authorization_servers", List.of(authorizationServer.issuer()))
			.containsEntry("scopes_supported", List.of("mcp:tools", "mcp:admin"))
			.containsEntry("bearer_methods_supported", List.of("header"));
		assertThat(get(mcpServer.rootMetadataUrl()).statusCode()).as("root metadata URL, not served by default")
			.isEqualTo(404);
	}

	@Test
	void theAuthorizationServerMetadataAdvertisesRegistrationPkceAndPublicClients() throws Exception {
		HttpResponse<String> response = get(authorizationServer.metadataUrl());
		assertThat(response.statusCode()).isEqualTo(200);
		Map<String, Object> metadata = json(response.body());
		assertThat(metadata).containsEntry("issuer", authorizationServer.issuer())
			.containsEntry("registration_endpoint", authorizationServer.registrationEndpoint().toString())
			.containsEntry("code_challenge_methods_supported", List.of("S256"))
			.containsEntry("scopes_supported", McpAuthorizationServer.SCOPES);
		assertThat(metadata.get("token_endpoint_auth_methods_supported")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).contains("none",
				"client_secret_basic", "client_secret_post");
		Map<String, Object> openid = json(
				get(URI.create(authorizationServer.issuer() + "/.well-known/openid-configuration")).body());
		assertThat(openid).containsEntry("registration_endpoint", authorizationServer.registrationEndpoint().toString())
			.containsEntry("code_challenge_methods_supported", List.of("S256"));
	}

	@Test
	void registrationNeedsNoInitialAccessTokenForPublicAndConfidentialClients() throws Exception {
		Answer open = CodeFlowClient.register(authorizationServer, "none");
		assertThat(open.status()).isEqualTo(201);
		assertThat(open.string("client_id")).isNotBlank();
		assertThat(open.string("client_secret")).isNull();
		assertThat(open.string("token_endpoint_auth_method")).isEqualTo("none");
		assertThat(open.body().get("grant_types")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
			.containsExactlyInAnyOrder("authorization_code", "refresh_token");
		Answer confidential = CodeFlowClient.register(authorizationServer, "client_secret_basic");
		assertThat(confidential.status()).isEqualTo(201);
		assertThat(confidential.string("client_secret")).isNotBlank();
		assertThat(authorizationServer.dynamicallyRegisteredClients()).contains(open.string("client_id"),
				confidential.string("client_id"));
		Answer scoped = CodeFlowClient.register(authorizationServer, "none", "mcp:tools");
		assertThat(scoped.status()).isEqualTo(201);
		assertThat(scoped.string("scope")).isEqualTo("mcp:tools");
		Answer unscoped = CodeFlowClient.register(authorizationServer, "none");
		assertThat(unscoped.string("scope")).as("every supported scope")
			.isEqualTo(String.join(" ", McpAuthorizationServer.SCOPES));
	}

	@Test
	void anExpiredTokenIsRefusedWithoutClockSkewAndARefreshedOneIsAccepted() throws Exception {
		McpAuthorizationServer.Options shortLived = McpAuthorizationServer.Options.defaults()
			.withAccessTokenTimeToLive(Duration.ofSeconds(3));
		try (McpAuthorizationServer server = McpAuthorizationServer.start(shortLived);
				TestMcpServer resource = TestMcpServer.start(server.issuer())) {
			CodeFlowClient flow = new CodeFlowClient(server, CodeFlowClient.register(server, "none").registration());
			Answer tokens = flow.login(List.of("mcp:tools"), resource.url());
			assertThat(post(resource.url(), INITIALIZE, tokens.accessToken()).statusCode()).isEqualTo(200);
			long expiry = ((Number) tokens.accessTokenClaims().get("exp")).longValue();
			while (System.currentTimeMillis() / 1000 <= expiry) {
				Thread.sleep(100);
			}
			HttpResponse<String> expired = post(resource.url(), INITIALIZE, tokens.accessToken());
			assertThat(expired.statusCode()).isEqualTo(401);
			assertThat(expired.headers().firstValue("WWW-Authenticate")).get()
				.asString()
				.startsWith("Bearer error=\"invalid_token\"")
				.contains("expired");
			Answer refreshed = flow.refresh(tokens.refreshToken());
			assertThat(post(resource.url(), INITIALIZE, refreshed.accessToken()).statusCode()).isEqualTo(200);
		}
	}

	@Test
	void aTokenForTheServerHasItAsAudienceAndTheSdkClientInitializesListsAndCallsTools() throws Exception {
		authorizationServer.resetRecordings();
		Answer tokens = new CodeFlowClient(authorizationServer, publicClient).login(List.of("mcp:tools"),
				mcpServer.url());
		assertThat(tokens.status()).isEqualTo(200);
		assertThat(tokens.audience()).containsExactly(mcpServer.url());
		assertThat(tokens.accessTokenClaims()).containsEntry("iss", authorizationServer.issuer());
		assertThat(tokens.refreshToken()).as("a public client gets a refresh token here").isNotBlank();
		assertThat(authorizationServer.resourceIndicators()).containsExactly(
				new McpAuthorizationServer.ResourceIndicator("authorize", null, publicClient.clientId(),
						List.of(mcpServer.url())),
				new McpAuthorizationServer.ResourceIndicator("token", "authorization_code", publicClient.clientId(),
						List.of(mcpServer.url())));
		mcpServer.resetCounts();
		try (McpSyncClient client = sdkClient(tokens.accessToken(), new CopyOnWriteArrayList<>())) {
			McpSchema.InitializeResult initialized = client.initialize();
			assertThat(initialized.serverInfo().name()).isEqualTo("oauth-callback-test-mcp-server");
			assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
				.containsExactlyInAnyOrder("echo", "admin-echo");
			McpSchema.CallToolResult echo = client
				.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "hello")));
			assertThat(echo.content()).singleElement()
				.isInstanceOfSatisfying(McpSchema.TextContent.class, (text) -> assertThat(text.text()).isEqualTo("hello"));
		}
		TestMcpServer.Counts counts = mcpServer.counts();
		assertThat(counts.unauthorized()).isZero();
		assertThat(counts.forbidden()).isZero();
		assertThat(counts.bearerRequests()).isEqualTo(counts.mcpRequests()).isPositive();
	}

	@Test
	void aRefreshKeepsTheAudienceAndMayNotWidenIt() throws Exception {
		CodeFlowClient flow = new CodeFlowClient(authorizationServer, publicClient);
		Answer tokens = flow.login(List.of("mcp:tools"), mcpServer.url());
		Answer refreshed = flow.refresh(tokens.refreshToken());
		assertThat(refreshed.status()).isEqualTo(200);
		assertThat(refreshed.audience()).containsExactly(mcpServer.url());
		Answer again = flow.refresh(tokens.refreshToken(), mcpServer.url());
		assertThat(again.audience()).containsExactly(mcpServer.url());
		Answer widened = flow.refresh(tokens.refreshToken(), "https://other.example/mcp");
		assertThat(widened.status()).isEqualTo(400);
		assertThat(widened.error()).isEqualTo("invalid_target");
		assertThat(post(mcpServer.url(), INITIALIZE, refreshed.accessToken()).statusCode()).isEqualTo(200);
		Answer narrowed = flow.login(List.of("mcp:tools"), List.of(mcpServer.url(), "https://other.example/mcp"),
				List.of(mcpServer.url()));
		assertThat(narrowed.audience()).containsExactly(mcpServer.url());
		assertThat(flow.refresh(narrowed.refreshToken()).audience()).as("the audience of the replaced token")
			.containsExactly(mcpServer.url());
		Answer onlyOnExchange = flow.login(List.of("mcp:tools"), List.of(), List.of(mcpServer.url()));
		assertThat(onlyOnExchange.audience()).containsExactly(mcpServer.url());
		assertThat(flow.refresh(onlyOnExchange.refreshToken()).audience()).containsExactly(mcpServer.url());
	}

	@Test
	void aPublicClientRevokesItsRefreshTokenWithItsIdOnly() throws Exception {
		CodeFlowClient flow = new CodeFlowClient(authorizationServer, publicClient);
		Answer tokens = flow.login(List.of("mcp:tools"), mcpServer.url());
		assertThat(flow.revoke(tokens.refreshToken()).status()).isEqualTo(200);
		Answer refused = flow.refresh(tokens.refreshToken());
		assertThat(refused.status()).isEqualTo(400);
		assertThat(refused.error()).isEqualTo("invalid_grant");
	}

	@Test
	void aDeviceLoginOfAPublicClientGetsATokenForTheResourceThatTheServerAccepts() throws Exception {
		authorizationServer.resetRecordings();
		CodeFlowClient flow = new CodeFlowClient(authorizationServer,
				new Registration(McpAuthorizationServer.PUBLIC_CLIENT, null));
		Answer tokens = flow.deviceLogin(List.of("mcp:tools"), mcpServer.url());
		assertThat(tokens.status()).isEqualTo(200);
		assertThat(tokens.audience()).containsExactly(mcpServer.url());
		assertThat(tokens.refreshToken()).isNotBlank();
		assertThat(authorizationServer.resourceIndicators()).extracting(McpAuthorizationServer.ResourceIndicator::endpoint)
			.containsExactly("device_authorization", "token");
		assertThat(post(mcpServer.url(), INITIALIZE, tokens.accessToken()).statusCode()).isEqualTo(200);
	}

	@Test
	void aConfidentialRegisteredClientLogsInWithItsSecret() throws Exception {
		Registration confidential = CodeFlowClient.register(authorizationServer, "client_secret_basic").registration();
		Answer tokens = new CodeFlowClient(authorizationServer, confidential).login(List.of("mcp:tools"),
				mcpServer.url());
		assertThat(tokens.status()).isEqualTo(200);
		assertThat(tokens.refreshToken()).isNotBlank();
		assertThat(post(mcpServer.url(), INITIALIZE, tokens.accessToken()).statusCode()).isEqualTo(200);
	}

	@Test
	void aTokenForAnotherResourceOrForNoneIsRefusedWith401() throws Exception {
		CodeFlowClient flow = new CodeFlowClient(authorizationServer, publicClient);
		Answer other = flow.login(List.of("mcp:tools"), "http://127.0.0.1:9/other-mcp");
		assertThat(other.audience()).containsExactly("http://127.0.0.1:9/other-mcp");
		HttpResponse<String> refused = post(mcpServer.url(), INITIALIZE, other.accessToken());
		assertThat(refused.statusCode()).isEqualTo(401);
		assertThat(refused.headers().firstValue("WWW-Authenticate")).get()
			.asString()
			.startsWith("Bearer error=\"invalid_token\", error_description=\"")
			.contains("audience")
			.endsWith(", resource_metadata=\"" + mcpServer.metadataUrl() + "\", scope=\"mcp:tools\"");
		Answer unbound = flow.login(List.of("mcp:tools"));
		assertThat(unbound.audience()).containsExactly(publicClient.clientId());
		assertThat(post(mcpServer.url(), INITIALIZE, unbound.accessToken()).statusCode()).isEqualTo(401);
	}

	@Test
	void aToolNeedingMoreScopeGets403InsufficientScopeAndWorksWithIt() throws Exception {
		CodeFlowClient flow = new CodeFlowClient(authorizationServer, publicClient);
		Answer tools = flow.login(List.of("mcp:tools"), mcpServer.url());
		HttpResponse<String> raw = post(mcpServer.url(), CALL_ADMIN_ECHO, tools.accessToken());
		assertThat(raw.statusCode()).isEqualTo(403);
		assertThat(raw.headers().allValues("WWW-Authenticate")).containsExactly(
				"Bearer error=\"insufficient_scope\", scope=\"mcp:tools mcp:admin\", resource_metadata=\""
						+ mcpServer.metadataUrl() + "\", error_description=\"Tool admin-echo needs scope mcp:tools mcp:admin\"");
		List<String> challenges = new CopyOnWriteArrayList<>();
		try (McpSyncClient client = sdkClient(tools.accessToken(), challenges)) {
			client.initialize();
			assertThat(client.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "ok"))).isError())
				.isFalse();
			assertThatThrownBy(
					() -> client.callTool(new McpSchema.CallToolRequest("admin-echo", Map.of("message", "no"))))
				.isInstanceOf(McpHttpClientTransportAuthorizationException.class);
		}
		assertThat(challenges).singleElement().asString().startsWith("403 Bearer error=\"insufficient_scope\"");
		Answer admin = flow.login(List.of("mcp:tools", "mcp:admin"), mcpServer.url());
		try (McpSyncClient client = sdkClient(admin.accessToken(), challenges)) {
			client.initialize();
			McpSchema.CallToolResult result = client
				.callTool(new McpSchema.CallToolRequest("admin-echo", Map.of("message", "yes")));
			assertThat(result.content()).singleElement()
				.isInstanceOfSatisfying(McpSchema.TextContent.class,
						(text) -> assertThat(text.text()).isEqualTo("admin: yes"));
		}
	}

	@Test
	void aTokenWithoutTheToolsScopeGets403OnEveryRequest() throws Exception {
		Answer profile = new CodeFlowClient(authorizationServer, publicClient).login(List.of("profile"),
				mcpServer.url());
		HttpResponse<String> response = post(mcpServer.url(), INITIALIZE, profile.accessToken());
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.headers().firstValue("WWW-Authenticate")).get()
			.asString()
			.startsWith("Bearer error=\"insufficient_scope\", scope=\"mcp:tools\", resource_metadata=");
	}

	@Test
	void withoutResourceMetadataInTheChallengeTheMetadataIsFoundAtTheWellKnownUrlOnly() throws Exception {
		TestMcpServer.Options options = TestMcpServer.Options.defaults()
			.withoutResourceMetadataInChallenge()
			.withChallengeScope(null)
			.withScopesSupported(List.of())
			.withMetadataAt(false, true);
		try (TestMcpServer quiet = TestMcpServer.start(authorizationServer.issuer(), options)) {
			HttpResponse<String> response = post(quiet.url(), INITIALIZE, null);
			assertThat(response.statusCode()).isEqualTo(401);
			assertThat(response.headers().allValues("WWW-Authenticate")).containsExactly("Bearer");
			assertThat(get(quiet.metadataUrl()).statusCode()).isEqualTo(404);
			Map<String, Object> metadata = json(get(quiet.rootMetadataUrl()).body());
			assertThat(metadata).containsEntry("resource", quiet.url()).doesNotContainKey("scopes_supported");
			assertThat(quiet.counts().metadataRequests()).isEqualTo(2);
		}
	}

	private McpSyncClient sdkClient(String accessToken, List<String> challenges) {
		URI endpoint = URI.create(mcpServer.url());
		HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
			.builder(endpoint.resolve("/").toString())
			.endpoint(endpoint.getPath())
			.httpRequestCustomizer((request, method, uri, body, context) -> request.header("Authorization",
					"Bearer " + accessToken))
			.authorizationErrorHandler((McpHttpClientTransportAuthorizationErrorHandler) (request, response,
					context) -> {
				challenges.add(response.statusCode() + " "
						+ response.headers().firstValue("WWW-Authenticate").orElse(""));
				return Mono.just(false);
			})
			.build();
		return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build();
	}

	private HttpResponse<String> post(String url, String body, String accessToken) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.header("Accept", "application/json, text/event-stream")
			.timeout(Duration.ofSeconds(20))
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (accessToken != null) {
			request.header("Authorization", "Bearer " + accessToken);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(URI uri) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> json(String body) {
		return JSON.readValue(body, Map.class);
	}

}
