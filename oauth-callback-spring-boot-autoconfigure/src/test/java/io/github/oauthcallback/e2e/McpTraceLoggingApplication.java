package io.github.oauthcallback.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager.LoggedOut;
import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.mcp.OAuthCallbackMcpTransports;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.support.mcp.McpAuthorizationServer;
import io.github.oauthcallback.support.mcp.TestMcpServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * The MCP application of {@link NoSecretInLogsAtTraceTests}, run in a JVM of its own like
 * {@link TraceLoggingApplication} (Boot's logging system with Logback, JUL bridged, every logger at TRACE, the JDK's
 * {@code HttpClient} for the starter's requests and the MCP SDK's own): an MCP client of the SDK on a transport of
 * {@link OAuthCallbackMcpTransports} that knows only the server's URL. It registers a confidential client
 * dynamically ({@code client_secret_basic}), logs in, lists the tools and calls one, refreshes a token that expired
 * as stored, refreshes a token the server refuses with 401, steps up for the admin tool (403
 * {@code insufficient_scope}) and logs out (revoking the tokens). It opens no browser: the test opens the
 * authorization URLs it prints, as a user would. Nothing secret is printed by this class; the tokens it held, and the
 * refused token it sent, are written to {@code secrets.txt} in the given directory for the test to look for (the
 * registered client secret on its first line).
 * <p>
 * Arguments: the URL of a running {@link TestMcpServer} (whose authorization server is a
 * {@link McpAuthorizationServer}), a directory, and a store encryption key.
 */
public final class McpTraceLoggingApplication {

	static final String ACCOUNT = "ada-mcp";

	private McpTraceLoggingApplication() {
	}

	public static void main(String[] args) throws Exception {
		String url = args[0];
		Path dir = Path.of(args[1]);
		SpringApplication application = new SpringApplication(TraceLoggingApplication.Config.class);
		application.setDefaultProperties(properties(url, dir, args[2]));
		application.addInitializers((context) -> context.getBeanFactory().registerSingleton("noBrowser",
				(BrowserLauncher) (uri) -> {
				}));
		List<String> secrets = new ArrayList<>();
		try (ConfigurableApplicationContext context = application.run()) {
			OAuthCallbackMcpTransports transports = context.getBean(OAuthCallbackMcpTransports.class);
			TokenStore store = context.getBean(TokenStore.class);

			// Only the URL: 401, discovery, dynamic registration, browser login, retry.
			McpSyncClient client = client(transports, url);
			check(client.listTools().tools().size() >= 2, "tools/list");
			check(text(client.callTool(echo(TestMcpServer.ECHO_TOOL, "one"))).contains("one"), "tools/call");
			String registrationId = transports.registrationId(url);
			OAuth2AuthorizedClient first = store.loadAuthorizedClient(registrationId, ACCOUNT);
			check(first.getRefreshToken() != null, "a refresh token");
			String clientSecret = first.getClientRegistration().getClientSecret();
			check(clientSecret != null && !clientSecret.isEmpty(), "a confidential client");
			secrets.add(clientSecret);
			remember(secrets, first);

			// Expired as stored: refreshed (client_secret_basic) before the request is sent.
			store.saveAuthorizedClient(withAccessToken(first, first.getAccessToken().getTokenValue(),
					Instant.now().minusSeconds(5)), Accounts.principal(ACCOUNT));
			check(text(client.callTool(echo(TestMcpServer.ECHO_TOOL, "two"))).contains("two"), "after a refresh");
			OAuth2AuthorizedClient second = store.loadAuthorizedClient(registrationId, ACCOUNT);
			check(!second.getAccessToken().getTokenValue().equals(first.getAccessToken().getTokenValue()),
					"refreshed before sending");
			remember(secrets, second);

			// Valid as stored, refused by the server (its signature altered): 401 to the token sent, refresh, retry.
			String refused = altered(second.getAccessToken().getTokenValue());
			secrets.add(refused);
			store.saveAuthorizedClient(withAccessToken(second, refused, Instant.now().plusSeconds(3600)),
					Accounts.principal(ACCOUNT));
			check(text(client.callTool(echo(TestMcpServer.ECHO_TOOL, "three"))).contains("three"), "after a 401");
			OAuth2AuthorizedClient third = store.loadAuthorizedClient(registrationId, ACCOUNT);
			check(!third.getAccessToken().getTokenValue().equals(refused), "refreshed after the 401");
			remember(secrets, third);

			// 403 insufficient_scope: a step-up login for the scopes held and demanded, retry.
			check(text(client.callTool(echo(TestMcpServer.ADMIN_ECHO_TOOL, "four"))).equals("admin: four"),
					"step-up");
			OAuth2AuthorizedClient stepped = store.loadAuthorizedClient(registrationId, ACCOUNT);
			check(stepped.getAccessToken().getScopes().contains(TestMcpServer.ADMIN_SCOPE), "the admin scope");
			remember(secrets, stepped);
			client.closeGracefully();

			// Logout revokes the refresh token, then the access token (client_secret_basic).
			check(context.getBean(OAuthCallbackAuthorizedClientManager.class)
				.logout(registrationId, ACCOUNT)
				.filter((loggedOut) -> loggedOut.revocation() == LoggedOut.Revocation.REVOKED)
				.isPresent(), "logout, revoked");
		}
		Files.write(dir.resolve("secrets.txt"), secrets);
		System.exit(0);
	}

	private static Map<String, Object> properties(String url, Path dir, String encryptionKey) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("logging.level.root", "TRACE");
		properties.put("spring.http.clients.imperative.factory", "jdk");
		properties.put("spring.main.web-application-type", "none");
		properties.put("spring.application.name", "mcp-trace");
		properties.put("oauth-callback.mcp.servers.trace.url", url);
		properties.put("oauth-callback.mcp.servers.trace.token-endpoint-auth-method", "client_secret_basic");
		properties.put("oauth-callback.login.account", ACCOUNT);
		properties.put("oauth-callback.login.interactive", "always");
		properties.put("oauth-callback.login.timeout", "60s");
		properties.put("oauth-callback.store.file.path", dir.resolve("tokens.json").toString());
		properties.put("oauth-callback.store.encryption.key", encryptionKey);
		return properties;
	}

	private static McpSyncClient client(OAuthCallbackMcpTransports transports, String url) {
		McpSyncClient client = McpClient.sync(transports.transport(url).build())
			.requestTimeout(Duration.ofSeconds(60))
			.initializationTimeout(Duration.ofSeconds(60))
			.build();
		client.initialize();
		return client;
	}

	private static McpSchema.CallToolRequest echo(String tool, String message) {
		return new McpSchema.CallToolRequest(tool, Map.of("message", message));
	}

	private static String text(McpSchema.CallToolResult result) {
		check(!Boolean.TRUE.equals(result.isError()), "a tool result without error");
		return ((McpSchema.TextContent) result.content().get(0)).text();
	}

	/** The token with the last characters of its signature replaced: the server's signature check refuses it. */
	private static String altered(String token) {
		String end = token.endsWith("AAAA") ? "BBBB" : "AAAA";
		return token.substring(0, token.length() - end.length()) + end;
	}

	private static OAuth2AuthorizedClient withAccessToken(OAuth2AuthorizedClient client, String value,
			Instant expiresAt) {
		return new OAuth2AuthorizedClient(client.getClientRegistration(), client.getPrincipalName(),
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, value, expiresAt.minusSeconds(60), expiresAt,
						client.getAccessToken().getScopes()),
				client.getRefreshToken());
	}

	private static void remember(List<String> secrets, OAuth2AuthorizedClient client) {
		secrets.add(client.getAccessToken().getTokenValue());
		if (client.getRefreshToken() != null) {
			secrets.add(client.getRefreshToken().getTokenValue());
		}
	}

	private static void check(boolean condition, String what) {
		if (!condition) {
			throw new IllegalStateException("Failed: " + what);
		}
	}

}
