package io.github.oauthcallback.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.github.oauthcallback.autoconfigure.OAuthCallbackClientManagerAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackDiscoveryAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackLoginAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackMcpAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackMcpRegistrationsAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackStoreAutoConfiguration;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.mcp.OAuthCallbackMcpTransports;
import io.github.oauthcallback.support.UserAgentBrowser;
import io.github.oauthcallback.support.mcp.McpAuthorizationServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The bound on authorization attempts per request: an MCP server (WireMock) that answers 403
 * {@code insufficient_scope} to every token, in front of a real authorization server ({@link McpAuthorizationServer}).
 * One request causes the first login and then step-ups (each answer demands a scope not held yet),
 * {@code oauth-callback.mcp.max-authorization-attempts} logins in all, and then fails; it never loops.
 */
class McpStepUpBoundTests {

	private static McpAuthorizationServer authorizationServer;

	private WireMockServer mcp;

	@TempDir
	Path dir;

	private final List<UserAgentBrowser> browsers = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void startAuthorizationServer() {
		authorizationServer = McpAuthorizationServer.start();
	}

	@AfterAll
	static void stopAuthorizationServer() {
		if (authorizationServer != null) {
			authorizationServer.close();
		}
	}

	@BeforeEach
	void startMcpServer() {
		this.mcp = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		this.mcp.start();
		String base = this.mcp.baseUrl();
		String metadata = base + "/.well-known/oauth-protected-resource/mcp";
		this.mcp.stubFor(get(urlEqualTo("/.well-known/oauth-protected-resource/mcp"))
			.willReturn(okJson("{\"resource\":\"" + base + "/mcp\",\"authorization_servers\":[\""
					+ authorizationServer.issuer() + "\"],\"scopes_supported\":[\"mcp:tools\",\"mcp:admin\",\"profile\"]}")));
		this.mcp.stubFor(post(urlEqualTo("/mcp")).withHeader("Authorization", absent())
			.willReturn(aResponse().withStatus(401)
				.withHeader("WWW-Authenticate", "Bearer resource_metadata=\"" + metadata + "\", scope=\"mcp:tools\"")));
		// each answer demands a scope the token does not hold yet (a scope already held is not worth a login)
		forbidden(metadata, Scenario.STARTED, "mcp:admin", "profile");
		forbidden(metadata, "profile", "profile", "held");
		forbidden(metadata, "held", "profile", "held");
	}

	private void forbidden(String metadata, String state, String scope, String next) {
		this.mcp.stubFor(post(urlEqualTo("/mcp")).inScenario("step-ups")
			.whenScenarioStateIs(state)
			.withHeader("Authorization", matching("Bearer .+"))
			.willReturn(aResponse().withStatus(403)
				.withHeader("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"" + scope + "\", "
						+ "resource_metadata=\"" + metadata + "\""))
			.willSetStateTo(next));
	}

	@AfterEach
	void stopMcpServer() {
		this.mcp.stop();
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
			.withPropertyValues("oauth-callback.store.type=memory",
					"oauth-callback.discovery.cache.directory=" + this.dir.resolve("discovery"),
					"oauth-callback.login.account=ada-cli", "oauth-callback.login.interactive=always");
	}

	@ParameterizedTest
	@ValueSource(ints = { 3, 1 })
	void aServerThatKeepsRefusingGetsAtMostTheBoundOfLoginsForOneRequestThenTheRequestFails(int bound) {
		String[] properties = (bound == 3) ? new String[0]
				: new String[] { "oauth-callback.mcp.max-authorization-attempts=" + bound };
		runner().withPropertyValues(properties).run((context) -> {
			McpSyncClient client = McpClient
				.sync(context.getBean(OAuthCallbackMcpTransports.class).transport(this.mcp.baseUrl() + "/mcp").build())
				.requestTimeout(Duration.ofSeconds(60))
				.initializationTimeout(Duration.ofSeconds(60))
				.build();
			assertThatException().isThrownBy(client::initialize);
			client.close();
			assertThat(this.browsers).as("the first login, then step-ups, " + bound + " in all").hasSize(bound);
			this.mcp.verify(1, postRequestedFor(urlEqualTo("/mcp")).withHeader("Authorization", absent()));
			this.mcp.verify(bound, postRequestedFor(urlEqualTo("/mcp")).withHeader("Authorization", matching("Bearer .+")));
		});
	}

}
