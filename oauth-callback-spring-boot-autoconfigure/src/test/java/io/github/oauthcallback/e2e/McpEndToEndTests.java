package io.github.oauthcallback.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.oauthcallback.autoconfigure.OAuthCallbackClientManagerAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackDiscoveryAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackLoginAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackMcpAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackMcpRegistrationsAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackStoreAutoConfiguration;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.mcp.OAuthCallbackMcpTransports;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.support.CapturedLogs;
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

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.web.util.UriComponentsBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MCP client authorization end to end, from nothing but the server's URL, against real peers: an MCP server built on
 * the SDK's server transport behind Spring Security's resource server ({@link TestMcpServer}) and Spring Authorization
 * Server with open dynamic registration and RFC 8707 resource binding ({@link McpAuthorizationServer}); the user is
 * played by {@link UserAgentBrowser}. The client is the SDK's {@link McpSyncClient} on a transport of
 * {@link OAuthCallbackMcpTransports}, through the starter's auto-configuration with no
 * {@code spring.security.oauth2.client} registration at all.
 */
class McpEndToEndTests {

	private static McpAuthorizationServer authorizationServer;

	private static TestMcpServer mcpServer;

	@TempDir
	Path dir;

	private final List<UserAgentBrowser> browsers = new CopyOnWriteArrayList<>();

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

	private ApplicationContextRunner runner() {
		BrowserLauncher user = (uri) -> {
			UserAgentBrowser browser = UserAgentBrowser.approving();
			this.browsers.add(browser);
			browser.open(uri);
		};
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuthCallbackDiscoveryAutoConfiguration.class,
					OAuthCallbackMcpRegistrationsAutoConfiguration.class, OAuth2ClientAutoConfiguration.class,
					OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class,
					OAuthCallbackClientManagerAutoConfiguration.class, OAuthCallbackMcpAutoConfiguration.class))
			.withBean(BrowserLauncher.class, () -> user)
			.withPropertyValues("oauth-callback.store.file.path=" + this.dir.resolve("tokens.json"),
					"oauth-callback.login.account=ada-cli", "oauth-callback.login.interactive=always",
					"spring.application.name=mcp-e2e");
	}

	private static McpSyncClient client(OAuthCallbackMcpTransports transports) {
		McpSyncClient client = McpClient.sync(transports.transport(mcpServer.url()).build())
			.requestTimeout(Duration.ofSeconds(60))
			.initializationTimeout(Duration.ofSeconds(60))
			.build();
		client.initialize();
		return client;
	}

	private static String text(McpSchema.CallToolResult result) {
		assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
		return ((McpSchema.TextContent) result.content().get(0)).text();
	}

	private static McpSchema.CallToolRequest echo(String tool, String message) {
		return new McpSchema.CallToolRequest(tool, Map.of("message", message));
	}

	private Map<String, String> authorizationParameters(int login) {
		return UriComponentsBuilder.fromUri(this.browsers.get(login).authorizationUri())
			.build()
			.getQueryParams()
			.toSingleValueMap();
	}

	@Test
	void onlyTheUrlDynamicRegistrationABrowserLoginThenToolsAndACallAndAWarmRunMakesNoAuthorizationCall() {
		int registeredBefore = authorizationServer.dynamicallyRegisteredClients().size();
		runner().run((context) -> {
			McpSyncClient client = client(context.getBean(OAuthCallbackMcpTransports.class));
			assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
				.contains(TestMcpServer.ECHO_TOOL, TestMcpServer.ADMIN_ECHO_TOOL);
			assertThat(text(client.callTool(echo(TestMcpServer.ECHO_TOOL, "hi")))).contains("hi");
			client.closeGracefully();

			assertThat(this.browsers).hasSize(1);
			List<String> registered = authorizationServer.dynamicallyRegisteredClients();
			assertThat(registered).hasSize(registeredBefore + 1);
			assertThat(authorizationParameters(0)).containsEntry("scope", TestMcpServer.TOOLS_SCOPE + "%20offline_access")
				.containsEntry("client_id", registered.get(registered.size() - 1));
			assertThat(authorizationServer.resourceIndicators()).isNotEmpty()
				.allSatisfy((indicator) -> assertThat(indicator.resources())
					.containsExactly(mcpServer.resource().toString()));
			assertThat(authorizationServer.resourceIndicators()).extracting(ResourceIndicator::endpoint)
				.containsExactly("authorize", "token");
			String registrationId = context.getBean(OAuthCallbackMcpTransports.class)
				.registrationId(mcpServer.url());
			assertThat(context.getBean(TokenStore.class).<OAuth2AuthorizedClient>loadAuthorizedClient(registrationId, "ada-cli"))
				.isNotNull();
		});
		McpAuthorizationServer.Counts cold = authorizationServer.counts();
		int coldMetadata = mcpServer.counts().metadataRequests();

		runner().run((context) -> {
			McpSyncClient client = client(context.getBean(OAuthCallbackMcpTransports.class));
			assertThat(text(client.callTool(echo(TestMcpServer.ECHO_TOOL, "again")))).contains("again");
			client.closeGracefully();
		});
		assertThat(this.browsers).as("no second login").hasSize(1);
		assertThat(authorizationServer.counts()).as("no discovery, registration or token call").isEqualTo(cold);
		assertThat(mcpServer.counts().metadataRequests()).isEqualTo(coldMetadata);
		assertThat(mcpServer.counts().unauthorized()).as("only the first run's first request").isEqualTo(1);
	}

	/**
	 * With the discovery cache's time to live at zero (every entry expired), a later run still sends the stored token
	 * on its first request: the registration is built from the expired entry without any network call.
	 */
	@Test
	void aWarmRunWithTheCacheExpiredSendsTheStoredTokenFirstAndDiscoversNothing() {
		String expired = "oauth-callback.discovery.cache.time-to-live=0";
		runner().withPropertyValues(expired).run((context) -> {
			McpSyncClient client = client(context.getBean(OAuthCallbackMcpTransports.class));
			assertThat(text(client.callTool(echo(TestMcpServer.ECHO_TOOL, "cold")))).contains("cold");
			client.closeGracefully();
		});
		assertThat(this.browsers).hasSize(1);
		McpAuthorizationServer.Counts cold = authorizationServer.counts();
		TestMcpServer.Counts coldServer = mcpServer.counts();

		runner().withPropertyValues(expired).run((context) -> {
			McpSyncClient client = client(context.getBean(OAuthCallbackMcpTransports.class));
			assertThat(text(client.callTool(echo(TestMcpServer.ECHO_TOOL, "warm")))).contains("warm");
			client.closeGracefully();
		});
		assertThat(this.browsers).as("no second login").hasSize(1);
		assertThat(mcpServer.counts().unauthorized()).as("the warm run's first request carried the token")
			.isEqualTo(coldServer.unauthorized());
		assertThat(mcpServer.counts().metadataRequests()).as("no resource metadata request")
			.isEqualTo(coldServer.metadataRequests());
		assertThat(authorizationServer.counts()).as("no discovery, registration or token call").isEqualTo(cold);
	}

	@Test
	void aToolThatNeedsMoreScopeStepsUpOnceForTheScopesHeldAndDemanded() {
		runner().run((context) -> {
			McpSyncClient client = client(context.getBean(OAuthCallbackMcpTransports.class));
			assertThat(text(client.callTool(echo(TestMcpServer.ADMIN_ECHO_TOOL, "hi")))).isEqualTo("admin: hi");
			assertThat(text(client.callTool(echo(TestMcpServer.ADMIN_ECHO_TOOL, "again")))).contains("again");
			client.closeGracefully();
			assertThat(this.browsers).as("the first login and one step-up").hasSize(2);
			assertThat(authorizationParameters(1).get("scope").split("%20")).contains(TestMcpServer.TOOLS_SCOPE,
					TestMcpServer.ADMIN_SCOPE);
			assertThat(mcpServer.counts().forbidden()).isEqualTo(1);
		});
	}

	/** The starter's loggers at DEBUG and the SDK's client at TRACE ({@link CapturedLogs}): no token in them. */
	@Test
	void aStoredTokenThatExpiredOrIsRefusedIsRefreshedWithoutANewLogin() {
		CapturedLogs logs = new CapturedLogs();
		ch.qos.logback.classic.Logger sdk = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
			.getLogger("io.modelcontextprotocol.client");
		ch.qos.logback.classic.Level sdkLevel = sdk.getLevel();
		sdk.setLevel(ch.qos.logback.classic.Level.TRACE);
		List<String> secrets = new CopyOnWriteArrayList<>();
		runner().run((context) -> {
			OAuthCallbackMcpTransports transports = context.getBean(OAuthCallbackMcpTransports.class);
			McpSyncClient client = client(transports);
			client.closeGracefully();
			TokenStore store = context.getBean(TokenStore.class);
			String registrationId = transports.registrationId(mcpServer.url());
			OAuth2AuthorizedClient first = store.loadAuthorizedClient(registrationId, "ada-cli");
			assertThat(first.getRefreshToken()).isNotNull();

			// Expired as stored: refreshed before the request is sent.
			store.saveAuthorizedClient(withAccessToken(first, first.getAccessToken().getTokenValue(),
					Instant.now().minusSeconds(5)), Accounts.principal("ada-cli"));
			client = client(transports);
			assertThat(text(client.callTool(echo(TestMcpServer.ECHO_TOOL, "one")))).contains("one");
			client.closeGracefully();
			OAuth2AuthorizedClient second = store.loadAuthorizedClient(registrationId, "ada-cli");
			assertThat(second.getAccessToken().getTokenValue()).isNotEqualTo(first.getAccessToken().getTokenValue());

			// Valid as stored but refused by the server (401 to the token sent): marked expired, refreshed, retried.
			int unauthorized = mcpServer.counts().unauthorized();
			store.saveAuthorizedClient(withAccessToken(second, "revoked-token", Instant.now().plusSeconds(3600)),
					Accounts.principal("ada-cli"));
			client = client(transports);
			assertThat(text(client.callTool(echo(TestMcpServer.ECHO_TOOL, "two")))).contains("two");
			client.closeGracefully();
			assertThat(mcpServer.counts().unauthorized()).isEqualTo(unauthorized + 1);

			assertThat(this.browsers).as("no new login").hasSize(1);
			assertThat(authorizationServer.resourceIndicators()).filteredOn((each) -> "refresh_token".equals(each.grantType()))
				.hasSize(2)
				.allSatisfy((each) -> assertThat(each.resources()).containsExactly(mcpServer.resource().toString()));
			OAuth2AuthorizedClient third = store.loadAuthorizedClient(registrationId, "ada-cli");
			for (OAuth2AuthorizedClient each : List.of(first, second, third)) {
				secrets.add(each.getAccessToken().getTokenValue());
				secrets.add(each.getRefreshToken().getTokenValue());
			}
			this.browsers.forEach((browser) -> secrets.addAll(browser.secretsSeen()));
		});
		String text = logs.text();
		logs.close();
		sdk.setLevel(sdkLevel);
		assertThat(text).contains("Sending message");
		assertThat(secrets).hasSizeGreaterThanOrEqualTo(6).allSatisfy((secret) -> assertThat(text).doesNotContain(secret));
	}

	@Test
	void aStoredRegistrationTheAuthorizationServerNoLongerKnowsIsRegisteredAgain() {
		runner().run((context) -> {
			OAuthCallbackMcpTransports transports = context.getBean(OAuthCallbackMcpTransports.class);
			client(transports).closeGracefully();
			List<String> registered = authorizationServer.dynamicallyRegisteredClients();
			String clientId = registered.get(registered.size() - 1);
			assertThat(authorizationServer.forgetClient(clientId)).isTrue();
			TokenStore store = context.getBean(TokenStore.class);
			String registrationId = transports.registrationId(mcpServer.url());
			OAuth2AuthorizedClient stored = store.loadAuthorizedClient(registrationId, "ada-cli");
			store.saveAuthorizedClient(withAccessToken(stored, stored.getAccessToken().getTokenValue(),
					Instant.now().minusSeconds(5)), Accounts.principal("ada-cli"));

			McpSyncClient client = client(transports);
			assertThat(text(client.callTool(echo(TestMcpServer.ECHO_TOOL, "back")))).contains("back");
			client.closeGracefully();
			List<String> now = authorizationServer.dynamicallyRegisteredClients();
			assertThat(now).hasSize(registered.size() + 1);
			assertThat(store.<OAuth2AuthorizedClient>loadAuthorizedClient(registrationId, "ada-cli").getClientRegistration().getClientId())
				.isEqualTo(now.get(now.size() - 1));
			assertThat(this.browsers).as("a login for the new client").hasSize(2);
		});
	}

	private static OAuth2AuthorizedClient withAccessToken(OAuth2AuthorizedClient client, String value,
			Instant expiresAt) {
		return new OAuth2AuthorizedClient(client.getClientRegistration(), client.getPrincipalName(),
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, value, expiresAt.minusSeconds(60), expiresAt,
						client.getAccessToken().getScopes()),
				client.getRefreshToken());
	}

}
