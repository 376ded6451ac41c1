package io.github.oauthcallback.internal.mcp;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The URL forms the MCP glue keys things by, and the scope choice of MCP logins (MCP authorization 2025-11-25, "Scope
 * Selection Strategy").
 */
class McpServerUrlsAndScopesTests {

	@ParameterizedTest
	@CsvSource({ "https://MCP.Example.com:443/mcp/,https://mcp.example.com/mcp",
			"HTTP://LocalHost:80/mcp,http://localhost/mcp", "http://127.0.0.1:3000/mcp#x,http://127.0.0.1:3000/mcp",
			"https://mcp.example.com,https://mcp.example.com", "https://mcp.example.com/a?b=c,https://mcp.example.com/a?b=c" })
	void comparableForm(String given, String comparable) {
		assertThat(McpServerUrls.comparable(McpServerUrls.parse(given))).isEqualTo(URI.create(comparable));
	}

	@Test
	void registrationIdIsStableSafeAndDiffersPerServer() {
		String id = McpServerUrls.registrationId(URI.create("https://MCP.example.com:443/mcp/"));
		assertThat(id).matches("mcp-mcp\\.example\\.com-[0-9a-f]{32}")
			.isEqualTo(McpServerUrls.registrationId(URI.create("https://mcp.example.com/mcp")));
		assertThat(McpServerUrls.registrationId(URI.create("https://mcp.example.com/other"))).isNotEqualTo(id);
	}

	@Test
	void aRegistrationIdFitsTheTokenTablesColumnWhateverTheHost() {
		String host = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + ".example";
		String id = McpServerUrls.registrationId(URI.create("https://" + host + "/mcp"));
		assertThat(id).hasSizeLessThanOrEqualTo(100).matches("mcp-a{50}-[0-9a-f]{32}");
		assertThat(McpServerUrls.registrationId(URI.create("https://" + host + "/other"))).isNotEqualTo(id);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "http://ada:pw-Secret-9@mcp.example.com/mcp",
			"https://ada:pw-Secret-9@mcp.example.com/mcp", "http://ada:pw-Secret-9@127.0.0.1:3000/mcp",
			"http://ada:pw-Secret-9@bad_host/mcp", "http://ada:pw-Secret-9@mcp.example.com/a b" })
	void aUrlWithUserInfoIsRefusedWithoutShowingThePassword(String url) {
		assertThatIllegalArgumentException().isThrownBy(() -> McpServerUrls.parse(url))
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("pw-Secret-9").doesNotContain("ada"));
		assertThat(McpServerUrls.shown(url)).doesNotContain("pw-Secret-9").doesNotContain("ada");
	}

	@Test
	void theTransportGetsTheBaseAndTheEndpoint() {
		URI server = McpServerUrls.parse("http://localhost:3000/tenant/mcp?x=1");
		assertThat(McpServerUrls.base(server)).isEqualTo("http://localhost:3000");
		assertThat(McpServerUrls.endpoint(server)).isEqualTo("/tenant/mcp?x=1");
		assertThat(McpServerUrls.endpoint(McpServerUrls.parse("https://mcp.example.com"))).isEqualTo("/");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "http://mcp.example.com/mcp|requires https for every server but one on this machine",
			"/mcp|is not an absolute http(s) URL with a host", "ftp://mcp.example.com/mcp|is not an absolute http(s) URL",
			"https://user:pw@mcp.example.com/mcp|carries user-info", "not a url at all|is not" })
	void refusedUrlsSayWhy(String url, String why) {
		assertThatIllegalArgumentException().isThrownBy(() -> McpServerUrls.parse(url))
			.withMessageContaining(why)
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("pw@"));
	}

	private static McpServerMetadata metadata(List<String> resourceScopes, List<String> serverScopes) {
		return new McpServerMetadata(
				new ProtectedResourceMetadata(URI.create("https://mcp.example.com/mcp"),
						List.of(URI.create("https://as.example.com")), resourceScopes),
				new AuthorizationServerMetadata(URI.create("https://as.example.com"),
						URI.create("https://as.example.com/authorize"), URI.create("https://as.example.com/token"), null,
						null, null, null, serverScopes, List.of("none"), List.of("authorization_code"), false,
						Map.of()));
	}

	@Test
	void theChallengesScopesComeFirstThenTheServersThenNone() {
		assertThat(McpScopes.first(List.of("mcp:basic"), metadata(List.of("a", "b"), List.of())))
			.containsExactly("mcp:basic");
		assertThat(McpScopes.first(List.of(), metadata(List.of("a", "b"), List.of()))).containsExactly("a", "b");
		assertThat(McpScopes.first(List.of(), metadata(List.of(), List.of("offline_access")))).isEmpty();
	}

	@Test
	void offlineAccessIsAddedWhenTheAuthorizationServerListsIt() {
		assertThat(McpScopes.first(List.of("mcp:basic"), metadata(List.of(), List.of("openid", "offline_access"))))
			.containsExactly("mcp:basic", "offline_access");
	}

	@Test
	void aStepUpAsksForTheScopesHeldAndDemandedAndARegistrationForAllTheServerLists() {
		assertThat(McpScopes.stepUp(List.of("mcp:basic", "offline_access"), List.of("mcp:basic", "mcp:write")))
			.containsExactly("mcp:basic", "offline_access", "mcp:write");
		assertThat(McpScopes.registration(java.util.Set.of("mcp:basic"), metadata(List.of("mcp:basic", "mcp:admin"),
				List.of()))).containsExactlyInAnyOrder("mcp:basic", "mcp:admin");
	}

}
