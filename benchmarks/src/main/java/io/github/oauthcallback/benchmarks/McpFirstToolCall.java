package io.github.oauthcallback.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.mcp.OAuthCallbackMcpTransports;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * P8: one application run against {@link StubMcpServer}, as an application using the starter's MCP support runs: a
 * Spring Boot context with the starter's auto-configuration, a file token store and discovery cache in a given
 * folder, and a "browser" that follows the authorization server's immediate redirect to the loopback listener. What is
 * timed is from building the MCP client to the answer of {@code tools/list}, the moment the first tool call could be
 * sent; the context's start-up is not (P3 measures start-up).
 */
final class McpFirstToolCall {

	private McpFirstToolCall() {
	}

	/**
	 * The result of one run.
	 * @param nanos from building the client to the tools being listed
	 * @param requests the requests the stub answered, by kind
	 * @param tools the number of tools listed
	 */
	record Run(long nanos, Map<StubMcpServer.Kind, Integer> requests, int tools) {

		int total() {
			return this.requests.values().stream().mapToInt(Integer::intValue).sum();
		}

	}

	/**
	 * @param stub the MCP server and its authorization server
	 * @param folder where the token file and the discovery cache live (empty for a cold run, kept for a warm one)
	 * @return what the run took
	 */
	static Run run(StubMcpServer stub, Path folder) {
		stub.resetCounts();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(P8Application.class)
			.web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.properties("spring.main.banner-mode=off", "spring.application.name=p8-bench",
					"spring.config.name=p8-bench-unused", "logging.level.root=warn",
					"oauth-callback.store.type=file",
					"oauth-callback.store.file.path=" + folder.resolve("tokens.json"),
					"oauth-callback.discovery.cache.directory=" + folder.resolve("discovery"),
					"oauth-callback.login.interactive=always", "oauth-callback.login.mode=browser")
			.run()) {
			OAuthCallbackMcpTransports transports = context.getBean(OAuthCallbackMcpTransports.class);
			long start = System.nanoTime();
			try (McpSyncClient client = McpClient.sync(transports.transport(stub.resource(), "bench").build()).build()) {
				client.initialize();
				int tools = client.listTools().tools().size();
				long nanos = System.nanoTime() - start;
				Map<StubMcpServer.Kind, Integer> requests = new EnumMap<>(StubMcpServer.Kind.class);
				for (StubMcpServer.Kind kind : StubMcpServer.Kind.values()) {
					requests.put(kind, stub.count(kind));
				}
				return new Run(nanos, requests, tools);
			}
		}
	}

	/** The application: the starter's auto-configuration and a browser that follows one redirect. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class P8Application {

		@Bean
		BrowserLauncher redirectFollowingBrowser() {
			HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
			return (authorizationUri) -> {
				Thread browser = new Thread(() -> {
					try {
						HttpResponse<Void> redirect = http.send(HttpRequest.newBuilder(authorizationUri).build(),
								HttpResponse.BodyHandlers.discarding());
						URI callback = URI.create(redirect.headers().firstValue("Location").orElseThrow());
						http.send(HttpRequest.newBuilder(callback).build(), HttpResponse.BodyHandlers.discarding());
					}
					catch (Exception ex) {
						throw new IllegalStateException("P8: the browser could not follow the redirect", ex);
					}
				}, "p8-browser");
				browser.setDaemon(true);
				browser.start();
			};
		}

	}

}
