package io.github.oauthcallback.internal.mcp.discovery;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The canonical form, the rule that decides whether protected resource metadata is the server's (RFC 9728 section
 * 3.3: exact, a trailing slash aside; the origin only from the root document), and the well-known
 * URLs, including the shapes the MCP conformance suite (0.1.16) serves.
 */
class ResourceUrisTests {

	@Test
	void canonicalFormLowersSchemeAndHostAndDropsTheDefaultPort() {
		assertThat(ResourceUris.canonical(URI.create("HTTPS://MCP.Example.COM:443/Mcp?x=1")))
			.isEqualTo(URI.create("https://mcp.example.com/Mcp?x=1"));
		assertThat(ResourceUris.canonical(URI.create("http://LOCALHOST:80"))).isEqualTo(URI.create("http://localhost"));
		assertThat(ResourceUris.canonical(URI.create("http://127.0.0.1:8080/a/./b/../mcp/")))
			.isEqualTo(URI.create("http://127.0.0.1:8080/a/mcp/"));
		assertThat(ResourceUris.canonical(URI.create("https://[::1]:443/mcp"))).isEqualTo(URI.create("https://[::1]/mcp"));
	}

	@Test
	void theConformanceSuitesResourcesAreAccepted() {
		URI server = URI.create("http://localhost:49152/mcp");
		// auth/metadata-default, -var1, -var3 and the scope scenarios: resource = server URL
		assertThat(ResourceUris.matches(URI.create("http://localhost:49152/mcp"), server)).isTrue();
		assertThat(ResourceUris.matches(URI.create("http://localhost:49152/mcp"), server,
				URI.create("http://localhost:49152/custom/metadata/location.json"))).isTrue();
		// auth/metadata-var2: metadata at the root, resource = the origin without a slash
		assertThat(ResourceUris.matches(URI.create("http://localhost:49152"), server,
				URI.create("http://localhost:49152/.well-known/oauth-protected-resource"))).isTrue();
		// auth/resource-mismatch (draft)
		assertThat(ResourceUris.matches(URI.create("https://evil.example.com/mcp"), server)).isFalse();
	}

	@Test
	void sameResourceInOtherSpellingsIsAccepted() {
		URI server = URI.create("https://mcp.example.com/mcp");
		for (String resource : List.of("https://mcp.example.com/mcp", "https://mcp.example.com/mcp/",
				"HTTPS://MCP.EXAMPLE.COM:443/mcp", "https://mcp.example.com/./mcp", "https://mcp.example.com/a/../mcp")) {
			assertThat(ResourceUris.matches(URI.create(resource), server)).as(resource).isTrue();
		}
		assertThat(ResourceUris.matches(URI.create("https://mcp.example.com/mcp"),
				URI.create("https://mcp.example.com/mcp/"))).isTrue();
		assertThat(ResourceUris.matches(URI.create("https://mcp.example.com/mcp?session=1"),
				URI.create("https://mcp.example.com/mcp?session=1"))).as("same query").isTrue();
	}

	@Test
	void theOriginIsTheResourceOnlyOfTheDocumentAtTheOriginsRootWellKnownUrl() {
		URI server = URI.create("https://mcp.example.com/mcp");
		URI root = URI.create("https://mcp.example.com/.well-known/oauth-protected-resource");
		for (String origin : List.of("https://mcp.example.com", "https://mcp.example.com/",
				"https://MCP.example.com:443")) {
			assertThat(ResourceUris.matches(URI.create(origin), server, root)).as(origin).isTrue();
			assertThat(ResourceUris.matches(URI.create(origin), server)).as(origin).isFalse();
			assertThat(ResourceUris.matches(URI.create(origin), server,
					URI.create("https://mcp.example.com/.well-known/oauth-protected-resource/mcp"))).as(origin).isFalse();
			assertThat(ResourceUris.matches(URI.create(origin), server,
					URI.create("https://other.example.com/.well-known/oauth-protected-resource"))).as(origin).isFalse();
		}
		assertThat(ResourceUris.matches(URI.create("https://mcp.example.com/tenant"),
				URI.create("https://mcp.example.com/tenant/mcp"), root)).as("a path prefix, even from the root").isFalse();
	}

	@Test
	void otherResourcesAreRefused() {
		URI server = URI.create("https://mcp.example.com/mcp");
		for (String resource : List.of("https://evil.example.com/mcp", "http://mcp.example.com/mcp",
				"https://mcp.example.com:8443/mcp", "https://mcp.example.com/mcp2", "https://mcp.example.com/mc",
				"https://mcp.example.com/mcp/tools", "https://mcp.example.com/other", "https://example.com/mcp",
				"https://mcp.example.com.evil.example/mcp", "https://mcp.example.com/mcp?tenant=2",
				"https://user@mcp.example.com/mcp", "https://mcp.example.com/mcp#x", "urn:mcp:server",
				"/mcp", "https://mcp.example.com/MCP", "https://mcp.example.com", "https://mcp.example.com/",
				"https://mcp.example.com/%2e%2e/mcp", "https://mcp.example.com/mcp/../other")) {
			assertThat(ResourceUris.matches(URI.create(resource), server)).as(resource).isFalse();
		}
		// the loose rule this replaced: a whole-segment prefix of the path, or no query for a server with one
		assertThat(ResourceUris.matches(URI.create("https://mcp.example.com/tenant"),
				URI.create("https://mcp.example.com/tenant/a/mcp"))).as("whole-segment prefix").isFalse();
		assertThat(ResourceUris.matches(URI.create("https://mcp.example.com/mcp"),
				URI.create("https://mcp.example.com/mcp?session=1"))).as("resource without the query").isFalse();
	}

	@Test
	void protectedResourceMetadataUrlsArePathInsertedThenRoot() {
		assertThat(WellKnownUris.protectedResource(URI.create("https://mcp.example.com/public/mcp/")))
			.containsExactly(URI.create("https://mcp.example.com/.well-known/oauth-protected-resource/public/mcp"),
					URI.create("https://mcp.example.com/.well-known/oauth-protected-resource"));
		assertThat(WellKnownUris.protectedResource(URI.create("http://127.0.0.1:8080/mcp?tenant=a")))
			.containsExactly(URI.create("http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp?tenant=a"),
					URI.create("http://127.0.0.1:8080/.well-known/oauth-protected-resource"));
		assertThat(WellKnownUris.protectedResource(URI.create("https://mcp.example.com/")))
			.containsExactly(URI.create("https://mcp.example.com/.well-known/oauth-protected-resource"));
	}

	@Test
	void authorizationServerMetadataUrlsAreInTheMcpOrder() {
		assertThat(WellKnownUris.authorizationServer(URI.create("https://auth.example.com/tenant1/")))
			.containsExactly(URI.create("https://auth.example.com/.well-known/oauth-authorization-server/tenant1"),
					URI.create("https://auth.example.com/.well-known/openid-configuration/tenant1"),
					URI.create("https://auth.example.com/tenant1/.well-known/openid-configuration"));
		assertThat(WellKnownUris.authorizationServer(URI.create("https://auth.example.com")))
			.containsExactly(URI.create("https://auth.example.com/.well-known/oauth-authorization-server"),
					URI.create("https://auth.example.com/.well-known/openid-configuration"));
		assertThat(WellKnownUris.authorizationServer(URI.create("http://localhost:9000/")))
			.containsExactly(URI.create("http://localhost:9000/.well-known/oauth-authorization-server"),
					URI.create("http://localhost:9000/.well-known/openid-configuration"));
	}

}
