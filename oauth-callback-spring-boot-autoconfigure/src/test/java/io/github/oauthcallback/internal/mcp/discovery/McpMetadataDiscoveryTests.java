package io.github.oauthcallback.internal.mcp.discovery;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.github.oauthcallback.McpAuthorizationException;
import io.github.oauthcallback.internal.discovery.DiscoveryCache;
import io.github.oauthcallback.internal.mcp.AuthorizationServerMetadata;
import io.github.oauthcallback.internal.mcp.McpServerMetadata;
import io.github.oauthcallback.support.CapturedLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.http.client.support.HttpRequestWrapper;
import org.springframework.web.client.RestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link McpMetadataDiscovery} against an MCP server and an authorization server served by WireMock: every way the
 * MCP specification finds the metadata, the refusals, and the cache (real files in a temporary folder).
 */
class McpMetadataDiscoveryTests {

	private static final Instant NOW = Instant.parse("2026-12-06T09:00:00Z");

	private static final Duration TTL = Duration.ofHours(1);

	private WireMockServer mcp;

	private WireMockServer auth;

	@TempDir
	private Path directory;

	@BeforeEach
	void start() {
		this.mcp = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		this.auth = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		this.mcp.start();
		this.auth.start();
		// what is not stubbed answers 404, as an unknown path of a real server
	}

	@AfterEach
	void stop() {
		this.mcp.stop();
		this.auth.stop();
	}

	@Test
	void theChallengesResourceMetadataUrlIsUsedAndTheIssuerPathIsAppendedLast() {
		// the shape of the conformance suite's auth/metadata-var3
		String issuer = this.auth.baseUrl() + "/tenant1";
		this.mcp.stubFor(get("/custom/metadata/location.json").willReturn(okJson(resource(server(), issuer))));
		this.auth.stubFor(get("/tenant1/.well-known/openid-configuration").willReturn(okJson(oidc(issuer))));

		McpServerMetadata metadata = discovery(TTL, NOW).discover(URI.create(server()),
				challenge(this.mcp.baseUrl() + "/custom/metadata/location.json"));

		assertThat(metadata.resource().resource()).isEqualTo(URI.create(server()));
		assertThat(metadata.resource().scopesSupported()).containsExactly("mcp:read", "mcp:write");
		AuthorizationServerMetadata as = metadata.authorizationServer();
		assertThat(as.issuer()).isEqualTo(URI.create(issuer));
		assertThat(as.authorizationEndpoint()).isEqualTo(URI.create(issuer + "/authorize"));
		assertThat(as.tokenEndpoint()).isEqualTo(URI.create(issuer + "/token"));
		assertThat(as.registrationEndpoint()).isEqualTo(URI.create(issuer + "/register"));
		assertThat(as.jwksUri()).isEqualTo(URI.create(issuer + "/jwks"));
		assertThat(as.deviceAuthorizationEndpoint()).isNull();
		assertThat(as.tokenEndpointAuthMethodsSupported()).containsExactly("none", "client_secret_basic");
		assertThat(as.grantTypesSupported()).containsExactly("authorization_code", "refresh_token");
		assertThat(as.clientIdMetadataDocumentSupported()).isTrue();
		assertThat(as.metadata()).containsEntry("authorization_response_iss_parameter_supported", true)
			.containsEntry("code_challenge_methods_supported", List.of("S256"))
			.doesNotContainKey("x_null");
		assertThat(paths(this.mcp)).containsExactly("/custom/metadata/location.json");
		assertThat(paths(this.auth)).containsExactly("/.well-known/oauth-authorization-server/tenant1",
				"/.well-known/openid-configuration/tenant1", "/tenant1/.well-known/openid-configuration");
	}

	@Test
	void withoutResourceMetadataInTheChallengeThePathInsertedUrlComesFirst() {
		// auth/metadata-var1: no resource_metadata, issuer without path, OpenID configuration only
		String issuer = this.auth.baseUrl();
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource/mcp").willReturn(okJson(resource(server(), issuer))));
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource").willReturn(aResponse().withStatus(500)));
		this.auth.stubFor(get("/.well-known/openid-configuration").willReturn(okJson(oidc(issuer))));

		McpServerMetadata metadata = discovery(TTL, NOW).discover(URI.create(server()),
				new BearerChallenge(null, List.of(), "invalid_token"));

		assertThat(metadata.authorizationServer().issuer()).isEqualTo(URI.create(issuer));
		assertThat(paths(this.mcp)).containsExactly("/.well-known/oauth-protected-resource/mcp");
		assertThat(paths(this.auth)).containsExactly("/.well-known/oauth-authorization-server",
				"/.well-known/openid-configuration");
	}

	@Test
	void theRootUrlIsTriedWhenThePathInsertedOneHasNothingAndItsResourceMayBeTheOrigin() {
		// auth/metadata-var2: root metadata whose resource is the origin, issuer with a path at RFC 8414 insertion
		String issuer = this.auth.baseUrl() + "/tenant1";
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource").willReturn(okJson(resource(this.mcp.baseUrl(),
				issuer))));
		this.auth.stubFor(get("/.well-known/oauth-authorization-server/tenant1").willReturn(okJson(oauth(issuer))));
		this.auth.stubFor(get("/.well-known/oauth-authorization-server").willReturn(aResponse().withStatus(500)));

		McpServerMetadata metadata = discovery(TTL, NOW).discover(URI.create(server()), null);

		assertThat(metadata.resource().resource()).as("sent as the resource indicator as the server states it")
			.isEqualTo(URI.create(this.mcp.baseUrl()));
		assertThat(metadata.authorizationServer().jwksUri()).isNull();
		assertThat(paths(this.mcp)).containsExactly("/.well-known/oauth-protected-resource/mcp",
				"/.well-known/oauth-protected-resource");
		assertThat(paths(this.auth)).containsExactly("/.well-known/oauth-authorization-server/tenant1");
	}

	@Test
	void openIdPathInsertionComesSecond() {
		String issuer = this.auth.baseUrl() + "/realms/mcp";
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource/mcp").willReturn(okJson(resource(server(), issuer))));
		this.auth.stubFor(get("/.well-known/openid-configuration/realms/mcp").willReturn(okJson(oidc(issuer))));
		this.auth.stubFor(get("/realms/mcp/.well-known/openid-configuration").willReturn(aResponse().withStatus(500)));

		discovery(TTL, NOW).discover(URI.create(server()), null);

		assertThat(paths(this.auth)).containsExactly("/.well-known/oauth-authorization-server/realms/mcp",
				"/.well-known/openid-configuration/realms/mcp");
	}

	@Test
	void answersThatAreNotMetadataArePassedOver() {
		String issuer = this.auth.baseUrl();
		// a web application answering every path with its page, then JSON without the required members
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource/mcp").willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/html")
			.withBody("<html>app</html>")));
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource").willReturn(okJson(resource(server(), issuer))));
		this.auth.stubFor(get("/.well-known/oauth-authorization-server").willReturn(okJson("{\"issuer\":\"" + issuer
				+ "\",\"token_endpoint\":\"" + issuer + "/token\"}")));
		this.auth.stubFor(get("/.well-known/openid-configuration").willReturn(okJson(oidc(issuer))));

		McpServerMetadata metadata = discovery(TTL, NOW).discover(URI.create(server()), null);

		assertThat(metadata.authorizationServer().authorizationEndpoint()).isEqualTo(URI.create(issuer + "/authorize"));
	}

	@Test
	void whenNothingIsFoundTheErrorListsWhatWasTried() {
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource").willReturn(okJson("[1, 2]")));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> discovery(TTL, NOW).discover(URI.create(server()), null))
			.satisfies((ex) -> {
				assertThat(ex.getServer()).isEqualTo(URI.create(server()));
				assertThat(ex.getMessage()).contains("MCP server " + server() + " has no usable protected resource",
						this.mcp.baseUrl() + "/.well-known/oauth-protected-resource/mcp (HTTP 404)",
						this.mcp.baseUrl() + "/.well-known/oauth-protected-resource (HTTP 200 with a body that is not",
						"the server's MCP endpoint");
			});

		String issuer = this.auth.baseUrl() + "/tenant";
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource/mcp").willReturn(okJson(resource(server(), issuer))));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> discovery(TTL, NOW).discover(URI.create(server()), null))
			.withMessageContaining("authorization server " + issuer + " has no usable metadata")
			.withMessageContaining(this.auth.baseUrl() + "/tenant/.well-known/openid-configuration (HTTP 404)");
	}

	@Test
	void aServerErrorOrNoAnswerEndsTheDiscoveryWithoutTryingFurther() {
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource/mcp").willReturn(aResponse().withStatus(503)));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> discovery(TTL, NOW).discover(URI.create(server()), null))
			.withMessageContaining("HTTP 503")
			.withMessageContaining("can be reached from here");
		assertThat(paths(this.mcp)).containsExactly("/.well-known/oauth-protected-resource/mcp");

		this.mcp.stubFor(get("/meta").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> discovery(TTL, NOW).discover(URI.create(server()), challenge(this.mcp.baseUrl() + "/meta")))
			.withMessageContaining("named by resource_metadata")
			.withMessageContaining("could not be read: no answer");
	}

	@Test
	void aRedirectIsNotFollowed() {
		this.mcp.stubFor(get("/meta").willReturn(aResponse().withStatus(302).withHeader("Location", "https://evil.example/m")));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> discovery(TTL, NOW).discover(URI.create(server()), challenge(this.mcp.baseUrl() + "/meta")))
			.withMessageContaining("HTTP 302 to https://evil.example/m (redirects are not followed)");
	}

	@Test
	void metadataForAnotherResourceIsRefusedBeforeAnyAuthorizationServerIsAsked() {
		String issuer = this.auth.baseUrl();
		this.auth.stubFor(get("/.well-known/oauth-authorization-server").willReturn(okJson(oauth(issuer))));
		for (String other : List.of("https://evil.example.com/mcp", this.mcp.baseUrl() + "/mcp2",
				this.mcp.baseUrl().replace("http:", "https:") + "/mcp", "http://localhost:1/mcp",
				this.mcp.baseUrl() + "/mcp/admin")) {
			this.mcp.stubFor(get("/.well-known/oauth-protected-resource/mcp").willReturn(okJson(resource(other, issuer))));
			assertThatExceptionOfType(McpAuthorizationException.class).as(other)
				.isThrownBy(() -> discovery(TTL, NOW).discover(URI.create(server()), null))
				.satisfies((ex) -> assertThat(ex.getMessage()).contains("is for the resource '" + other + "'",
						"which is not MCP server " + server(), "No login is attempted",
						"Check the server URL you connect to"));
		}
		this.mcp.stubFor(get("/meta").willReturn(okJson(resource("https://evil.example.com/mcp", issuer))));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> discovery(TTL, NOW).discover(URI.create(server()), challenge(this.mcp.baseUrl() + "/meta")))
			.withMessageContaining("is for the resource 'https://evil.example.com/mcp'");
		assertThat(paths(this.mcp)).as("a refused resource is not passed over for the root metadata")
			.doesNotContain("/.well-known/oauth-protected-resource");
		assertThat(paths(this.auth)).isEmpty();
		assertThat(mcpCacheFolder()).doesNotExist();
	}

	@Test
	void anAuthorizationServerWithoutS256IsRefused() {
		String issuer = this.auth.baseUrl();
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource/mcp").willReturn(okJson(resource(server(), issuer))));
		this.auth.stubFor(get("/.well-known/oauth-authorization-server")
			.willReturn(okJson(oauth(issuer).replace("\"code_challenge_methods_supported\":[\"S256\"],", ""))));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> discovery(TTL, NOW).discover(URI.create(server()), null))
			.satisfies((ex) -> {
				assertThat(ex.getServer()).isEqualTo(URI.create(server()));
				assertThat(ex.getMessage()).contains("The authorization server " + issuer + " of MCP server "
						+ server() + " does not support PKCE with S256",
						"has no code_challenge_methods_supported", "no login is attempted",
						"enable PKCE with S256");
			});
		this.auth.stubFor(get("/.well-known/oauth-authorization-server")
			.willReturn(okJson(oauth(issuer).replace("[\"S256\"]", "[\"plain\",\"s256\"]"))));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> discovery(TTL, NOW).discover(URI.create(server()), null))
			.withMessageContaining("code_challenge_methods_supported [plain, s256]");
		assertThat(paths(this.auth)).as("refused, not passed over for the OpenID configuration")
			.containsOnly("/.well-known/oauth-authorization-server");
		assertThat(mcpCacheFolder()).doesNotExist();
	}

	@Test
	void metadataStatingAnotherIssuerIsRefused() {
		String issuer = this.auth.baseUrl() + "/tenant1";
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource/mcp").willReturn(okJson(resource(server(), issuer))));
		for (String stated : List.of(this.auth.baseUrl(), issuer + "/", "https://impostor.example/tenant1")) {
			this.auth.stubFor(get("/.well-known/oauth-authorization-server/tenant1").willReturn(okJson(oauth(stated))));
			assertThatExceptionOfType(McpAuthorizationException.class).as(stated)
				.isThrownBy(() -> discovery(TTL, NOW).discover(URI.create(server()), null))
				.withMessageContaining("states the issuer '" + stated + "', not " + issuer)
				.withMessageContaining("RFC 8414 requires them to be identical");
		}
		assertThat(mcpCacheFolder()).doesNotExist();
	}

	@Test
	void theFirstUsableOfSeveralAuthorizationServersIsChosen() {
		String missing = this.auth.baseUrl() + "/gone";
		String issuer = this.auth.baseUrl() + "/second";
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource/mcp")
			.willReturn(okJson("{\"resource\":\"" + server() + "\",\"authorization_servers\":[\"" + missing + "\",\""
					+ issuer + "\"]}")));
		this.auth.stubFor(get("/.well-known/oauth-authorization-server/second").willReturn(okJson(oauth(issuer))));
		McpServerMetadata metadata = discovery(TTL, NOW).discover(URI.create(server()), null);
		assertThat(metadata.authorizationServer().issuer()).isEqualTo(URI.create(issuer));
		assertThat(metadata.resource().authorizationServers()).containsExactly(URI.create(missing), URI.create(issuer));
		assertThat(metadata.resource().scopesSupported()).isEmpty();
	}

	@Test
	void aWarmRunMakesNoRequestAtAll() throws Exception {
		String issuer = serveDefault();
		McpServerMetadata discovered = discovery(TTL, NOW).discover(URI.create(server()),
				challenge(resourceMetadataUrl()));
		this.mcp.resetRequests();
		this.auth.resetRequests();

		// a later run: a new instance over the same folder, a little later
		McpMetadataDiscovery later = discovery(TTL, NOW.plus(Duration.ofMinutes(59)));
		assertThat(later.cached(URI.create(server()))).contains(discovered);
		assertThat(later.discover(URI.create(server()), null)).isEqualTo(discovered);
		assertThat(later.discover(URI.create(server()), challenge(resourceMetadataUrl()))).isEqualTo(discovered);
		assertThat(later.cached(URI.create(server().toUpperCase().replace("/MCP", "/mcp")))).as("canonical form")
			.contains(discovered);

		this.mcp.verify(0, anyRequestedFor(anyUrl()));
		this.auth.verify(0, anyRequestedFor(anyUrl()));
		assertThat(discovered.authorizationServer().metadata()).containsEntry("x_ratio", 0.5)
			.containsEntry("mtls_endpoint_aliases", Map.of("token_endpoint", issuer + "/mtls/token"));
		assertThat(later.cached(URI.create(this.mcp.baseUrl() + "/other"))).as("another server").isEmpty();
	}

	@Test
	void anExpiredEntryIsDiscoveredAgainAndReplaced() throws Exception {
		serveDefault();
		discovery(TTL, NOW).discover(URI.create(server()), null);
		Path file = onlyCacheFile();
		String first = Files.readString(file);
		int requests = requests();

		McpMetadataDiscovery expired = discovery(TTL, NOW.plus(Duration.ofMinutes(61)));
		assertThat(expired.cached(URI.create(server()))).isEmpty();
		assertThat(requests()).isEqualTo(requests);
		expired.discover(URI.create(server()), null);
		assertThat(requests()).isEqualTo(2 * requests);
		assertThat(Files.readString(file)).isNotEqualTo(first).contains(NOW.plus(Duration.ofMinutes(61)).toString());

		discovery(Duration.ZERO, NOW.plus(Duration.ofMinutes(62))).discover(URI.create(server()), null);
		assertThat(requests()).as("time to live 0 discovers every time").isEqualTo(3 * requests);
		assertThat(discovery(Duration.ZERO, NOW.plus(Duration.ofMinutes(62))).cached(URI.create(server()))).isEmpty();

		discovery(TTL, NOW.minus(Duration.ofHours(2))).discover(URI.create(server()), null);
		assertThat(requests()).as("metadata dated in the future is not used").isEqualTo(4 * requests);
	}

	@Test
	void anExpiredEntryStandsInOnlyWhileTheMetadataServersCannotAnswer() {
		String issuer = serveDefault();
		McpServerMetadata discovered = discovery(TTL, NOW).discover(URI.create(server()), null);
		Instant later = NOW.plus(Duration.ofHours(2));

		this.auth.stubFor(get("/.well-known/oauth-authorization-server").willReturn(aResponse().withStatus(503)));
		try (CapturedLogs logs = new CapturedLogs()) {
			assertThat(discovery(TTL, later).discover(URI.create(server()), null)).isEqualTo(discovered);
			assertThat(logs.text()).contains("WARN", "authorization server " + issuer + " could not be read",
					"HTTP 503", "Using the metadata of MCP server " + server() + " cached at " + NOW);
		}
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource/mcp")
			.willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
		assertThat(discovery(TTL, later).discover(URI.create(server()), challenge(resourceMetadataUrl())))
			.isEqualTo(discovered);
		assertThat(discovery(TTL, later).cached(URI.create(server()))).as("cached() gives fresh entries only")
			.isEmpty();

		// a server that answers is believed: nothing there, or metadata that is refused, is not papered over
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource/mcp").willReturn(notFound()));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> discovery(TTL, later).discover(URI.create(server()), null))
			.withMessageContaining("has no usable protected resource metadata");
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource/mcp")
			.willReturn(okJson(resource("https://evil.example.com/mcp", issuer))));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> discovery(TTL, later).discover(URI.create(server()), null))
			.withMessageContaining("is for the resource 'https://evil.example.com/mcp'");
		// nor when the server names other metadata than the cached
		this.mcp.stubFor(get("/elsewhere").willReturn(aResponse().withStatus(502)));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> discovery(TTL, later).discover(URI.create(server()), challenge(this.mcp.baseUrl()
					+ "/elsewhere")))
			.withMessageContaining("HTTP 502");
	}

	@Test
	void aChallengeNamingOtherMetadataBypassesTheCache() {
		String issuer = serveDefault();
		discovery(TTL, NOW).discover(URI.create(server()), null);
		this.mcp.stubFor(get("/v2/metadata").willReturn(okJson(resource(server(), issuer)
			.replace("\"mcp:read\",\"mcp:write\"", "\"mcp:v2\""))));
		this.mcp.resetRequests();

		McpServerMetadata moved = discovery(TTL, NOW).discover(URI.create(server()),
				challenge(this.mcp.baseUrl() + "/v2/metadata"));

		assertThat(moved.resource().scopesSupported()).containsExactly("mcp:v2");
		assertThat(paths(this.mcp)).containsExactly("/v2/metadata");
		this.mcp.resetRequests();
		this.auth.resetRequests();
		assertThat(discovery(TTL, NOW).discover(URI.create(server()), challenge(this.mcp.baseUrl() + "/v2/metadata")))
			.isEqualTo(moved);
		assertThat(discovery(TTL, NOW).cached(URI.create(server()))).contains(moved);
		assertThat(requests()).isZero();
	}

	@Test
	void cacheFilesAreOwnerOnlyAndHoldToTheDiscoveryCacheRules() throws Exception {
		serveDefault();
		discovery(TTL, NOW).discover(URI.create(server()), null);
		Path file = onlyCacheFile();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(mcpCacheFolder())))
			.isEqualTo("rwx------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(this.directory.resolve("discovery"))))
			.isEqualTo("rwx------");
		assertThat(file.getFileName().toString()).startsWith("localhost-" + this.mcp.port() + "-").endsWith(".json");
		int requests = requests();

		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
		try (CapturedLogs logs = new CapturedLogs()) {
			assertThat(discovery(TTL, NOW).cached(URI.create(server()))).isEmpty();
			assertThat(logs.text()).contains("Ignoring the discovery cache file " + file, "other users can write it",
					"MCP server " + server() + " is discovered over the network instead");
		}
		discovery(TTL, NOW).discover(URI.create(server()), null);
		assertThat(requests()).isEqualTo(2 * requests);
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

		Files.setPosixFilePermissions(mcpCacheFolder(), PosixFilePermissions.fromString("rwxrwxrwx"));
		assertThat(discovery(TTL, NOW).cached(URI.create(server()))).as("a folder others can write").isEmpty();
		Files.setPosixFilePermissions(mcpCacheFolder(), PosixFilePermissions.fromString("rwx------"));
		assertThat(discovery(TTL, NOW).cached(URI.create(server()))).isPresent();
	}

	@Test
	void aDamagedOrTamperedEntryIsIgnored() throws Exception {
		serveDefault();
		discovery(TTL, NOW).discover(URI.create(server()), null);
		Path file = onlyCacheFile();
		String good = Files.readString(file);
		for (String damaged : List.of("{not json", "[]", "{\"version\":1}", good.replace("\"version\" : 1",
				"\"version\" : 2"), good.replace("[ \"S256\" ]", "[ \"plain\" ]"),
				good.replaceFirst("\"resource\" : \"[^\"]*\"", "\"resource\" : \"https://evil.example.com/mcp\""),
				good.replaceFirst("\"resourceMetadataUrl\" : \"[^\"]*\"", "\"resourceMetadataUrl\" : \"x\""))) {
			Files.writeString(file, damaged);
			try (CapturedLogs logs = new CapturedLogs()) {
				assertThat(discovery(TTL, NOW).cached(URI.create(server()))).as(damaged).isEmpty();
				assertThat(logs.text()).as(damaged).contains("Ignoring the discovery cache file " + file);
			}
		}
		Files.writeString(file, good);
		assertThat(discovery(TTL, NOW).cached(URI.create(server()))).isPresent();
	}

	@Test
	void withoutACacheEveryDiscoveryAsks() {
		serveDefault();
		McpMetadataDiscovery uncached = new McpMetadataDiscovery(this::restClient, null, TTL,
				Clock.fixed(NOW, ZoneOffset.UTC));
		uncached.discover(URI.create(server()), null);
		int requests = requests();
		uncached.discover(URI.create(server()), null);
		assertThat(requests()).isEqualTo(2 * requests);
		assertThat(uncached.cached(URI.create(server()))).isEmpty();
	}

	@Test
	void aServerUrlThatIsNotAnHttpUrlIsRefusedClearly() {
		for (String url : List.of("mcp.example.com/mcp", "file:///tmp/mcp", "https://user:pw@mcp.example.com/mcp",
				"https://mcp.example.com/mcp#x")) {
			assertThatExceptionOfType(McpAuthorizationException.class).as(url)
				.isThrownBy(() -> discovery(TTL, NOW).discover(URI.create(url), null))
				.withMessageContaining("is not an absolute http or https URL")
				.withMessageContaining("such as https://mcp.example.com/mcp");
		}
		assertThat(requests()).isZero();
	}

	@Test
	void plainHttpIsRefusedForEveryUrlButOnesToThisMachine() throws Exception {
		String issuer = this.auth.baseUrl();
		// the server itself
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> discovery(TTL, NOW).discover(URI.create("http://mcp.example.com/mcp"), null))
			.withMessageContaining("The MCP server URL http://mcp.example.com/mcp is not https");
		// the challenge's resource_metadata
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> discovery(TTL, NOW).discover(URI.create(server()),
					challenge("http://mcp.example.com/.well-known/oauth-protected-resource/mcp")))
			.withMessageContaining("The resource_metadata URL of the WWW-Authenticate challenge of MCP server "
					+ server() + ", http://mcp.example.com/.well-known/oauth-protected-resource/mcp, is not https");
		assertThat(requests()).isZero();
		// an authorization server the resource names
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource/mcp")
			.willReturn(okJson(resource(server(), "http://auth.example.com"))));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> discovery(TTL, NOW).discover(URI.create(server()), null))
			.withMessageContaining("The authorization server its protected resource metadata names of MCP server "
					+ server() + ", http://auth.example.com, is not https");
		assertThat(paths(this.auth)).isEmpty();
		// an endpoint of the authorization server
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource/mcp").willReturn(okJson(resource(server(), issuer))));
		this.auth.stubFor(get("/.well-known/oauth-authorization-server").willReturn(okJson(oauth(issuer)
			.replace("\"" + issuer + "/token\"", "\"http://auth.example.com/token\""))));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> discovery(TTL, NOW).discover(URI.create(server()), null))
			.withMessageContaining("The token_endpoint of the authorization server metadata of MCP server " + server()
					+ ", http://auth.example.com/token, is not https");
		assertThat(mcpCacheFolder()).doesNotExist();
		// a cache entry edited to send the token elsewhere over plain http
		serveDefault();
		discovery(TTL, NOW).discover(URI.create(server()), null);
		Path file = onlyCacheFile();
		Files.writeString(file, Files.readString(file).replace("\"" + issuer + "/token\"",
				"\"http://auth.example.com/token\""));
		try (CapturedLogs logs = new CapturedLogs()) {
			assertThat(discovery(TTL, NOW).cached(URI.create(server()))).isEmpty();
			assertThat(logs.text()).contains("Ignoring the discovery cache file " + file, "https or loopback URLs");
		}
	}

	@Test
	void aServerElsewhereCannotSendTheClientToThisMachineOrALinkLocalAddress() {
		URI elsewhere = URI.create("https://mcp.example.com/mcp");
		for (String url : List.of(this.mcp.baseUrl() + "/prm", "https://127.0.0.1/prm", "https://[::1]/prm",
				"https://169.254.169.254/latest/meta-data", "https://[fe80::1]/prm", "https://api.localhost/prm",
				"https://0.0.0.0/prm")) {
			assertThatExceptionOfType(McpAuthorizationException.class).as(url)
				.isThrownBy(() -> discovery(TTL, NOW).discover(elsewhere, challenge(url)))
				.withMessageContaining(", " + url + ", points at this machine or a link-local address");
		}
		// the server's metadata and its authorization server's, served here as if from mcp.example.com
		McpMetadataDiscovery routed = new McpMetadataDiscovery(this::routedRestClient, null, TTL,
				Clock.fixed(NOW, ZoneOffset.UTC));
		for (String issuer : List.of(this.auth.baseUrl(), "https://169.254.169.254", "https://localhost:8443")) {
			this.mcp.stubFor(get("/.well-known/oauth-protected-resource/mcp")
				.willReturn(okJson(resource(elsewhere.toString(), issuer))));
			assertThatExceptionOfType(McpAuthorizationException.class).as(issuer)
				.isThrownBy(() -> routed.discover(elsewhere, null))
				.withMessageContaining("The authorization server its protected resource metadata names of MCP server "
						+ elsewhere + ", " + issuer + ", points at this machine");
		}
		assertThat(paths(this.auth)).isEmpty();
		// and the endpoints of an authorization server elsewhere
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource/mcp")
			.willReturn(okJson(resource(elsewhere.toString(), "https://auth.example.com"))));
		this.auth.stubFor(get("/.well-known/oauth-authorization-server").willReturn(okJson(oauth("https://auth.example.com")
			.replace("\"https://auth.example.com/token\"", "\"http://127.0.0.1:9/token\""))));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> routed.discover(elsewhere, null))
			.withMessageContaining("The token_endpoint of the authorization server metadata of MCP server " + elsewhere
					+ ", http://127.0.0.1:9/token, points at this machine");
		// while the server here may (the conformance suite's set-up): every other test of this class
		this.auth.stubFor(get("/.well-known/oauth-authorization-server").willReturn(okJson(oauth("https://auth.example.com"))));
		assertThat(routed.discover(elsewhere, null).authorizationServer().tokenEndpoint())
			.isEqualTo(URI.create("https://auth.example.com/token"));
	}

	@Test
	void theResourceMustBeTheServersExactlyAndIsReturnedInCanonicalForm() {
		String issuer = this.auth.baseUrl();
		this.auth.stubFor(get("/.well-known/oauth-authorization-server").willReturn(okJson(oauth(issuer))));
		URI tenant = URI.create(this.mcp.baseUrl() + "/tenant/mcp");
		// a prefix of the server's path is another resource
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource/tenant/mcp")
			.willReturn(okJson(resource(this.mcp.baseUrl() + "/tenant", issuer))));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> discovery(TTL, NOW).discover(tenant, null))
			.withMessageContaining("is for the resource '" + this.mcp.baseUrl() + "/tenant'");
		// the origin only from the root document
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource/tenant/mcp")
			.willReturn(okJson(resource(this.mcp.baseUrl(), issuer))));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> discovery(TTL, NOW).discover(tenant, null))
			.withMessageContaining("is for the resource '" + this.mcp.baseUrl() + "'");
		this.mcp.stubFor(get("/meta").willReturn(okJson(resource(this.mcp.baseUrl(), issuer))));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> discovery(TTL, NOW).discover(tenant, challenge(this.mcp.baseUrl() + "/meta")))
			.withMessageContaining("is for the resource '" + this.mcp.baseUrl() + "'");
		// dot segments and spelling: the client names the canonical resource, never the text as given
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource/tenant/mcp")
			.willReturn(okJson(resource(this.mcp.baseUrl().toUpperCase().replace("HTTP:", "http:") + "/other/../tenant/./mcp",
					issuer))));
		assertThat(discovery(TTL, NOW).discover(tenant, null).resource().resource()).isEqualTo(tenant);
		assertThat(paths(this.auth)).as("asked only once a resource was accepted")
			.containsExactly("/.well-known/oauth-authorization-server");
	}

	@Test
	void moreThanEightAuthorizationServersAreRefusedAndOnlyTheFirstThreeAreTried() {
		String base = this.auth.baseUrl();
		this.mcp.stubFor(get("/nine").willReturn(okJson(resources(server(), 9))));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> discovery(TTL, NOW).discover(URI.create(server()), challenge(this.mcp.baseUrl() + "/nine")))
			.withMessageContaining("names 9 authorization servers, more than the 8 a client accepts");
		assertThat(paths(this.auth)).isEmpty();

		// eight are read; the fourth has metadata but is never asked
		this.auth.stubFor(get("/.well-known/oauth-authorization-server/as4").willReturn(okJson(oauth(base + "/as4"))));
		this.mcp.stubFor(get("/eight").willReturn(okJson(resources(server(), 8))));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> discovery(TTL, NOW).discover(URI.create(server()), challenge(this.mcp.baseUrl() + "/eight")))
			.withMessageContaining("No authorization server of MCP server " + server());
		assertThat(paths(this.auth)).allMatch((path) -> path.contains("/as1") || path.contains("/as2")
				|| path.contains("/as3")).hasSize(9);

		// the first that answers with usable metadata is used, the ones after it are not asked
		this.auth.resetRequests();
		this.auth.stubFor(get("/.well-known/oauth-authorization-server/as2").willReturn(okJson(oauth(base + "/as2"))));
		assertThat(discovery(TTL, NOW).discover(URI.create(server()), challenge(this.mcp.baseUrl() + "/eight"))
			.authorizationServer()
			.issuer()).isEqualTo(URI.create(base + "/as2"));
		assertThat(paths(this.auth)).noneMatch((path) -> path.contains("/as3"));
	}

	@Test
	void anExpiredEntryStandsInNeitherForMetadataNamingAnotherAuthorizationServerNorPastItsMaximumStaleAge() {
		String issuer = serveDefault();
		McpServerMetadata discovered = discovery(TTL, NOW).discover(URI.create(server()), null);
		Instant later = NOW.plus(Duration.ofHours(2));

		// the resource now names another authorization server, which cannot answer: the old one is not used
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource/mcp")
			.willReturn(okJson(resource(server(), issuer + "/moved"))));
		this.auth.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(503)));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> discovery(TTL, later).discover(URI.create(server()), null))
			.withMessageContaining("authorization server " + issuer + "/moved could not be read");
		// the same resource and issuer: it stands in
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource/mcp").willReturn(okJson(resource(server(), issuer))));
		assertThat(discovery(TTL, later).discover(URI.create(server()), null)).isEqualTo(discovered);

		// nothing read at all: it stands in up to seven days past its time to live, not longer
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource/mcp").willReturn(aResponse().withStatus(503)));
		Instant lastMinute = NOW.plus(TTL).plus(McpMetadataDiscovery.MAX_STALE_AGE).minus(Duration.ofMinutes(1));
		assertThat(discovery(TTL, lastMinute).discover(URI.create(server()), null)).isEqualTo(discovered);
		Instant tooOld = NOW.plus(TTL).plus(McpMetadataDiscovery.MAX_STALE_AGE);
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> discovery(TTL, tooOld).discover(URI.create(server()), null))
			.withMessageContaining("HTTP 503");
	}

	@Test
	void urlsInMessagesAreShownInAsciiWithoutFormattingCharacters() {
		String issuer = this.auth.baseUrl() + "/\u202Etenant";
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource/mcp").willReturn(okJson(resource(server(), issuer))));
		this.auth.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(503)));
		try (CapturedLogs logs = new CapturedLogs()) {
			assertThatExceptionOfType(McpAuthorizationException.class)
				.isThrownBy(() -> discovery(TTL, NOW).discover(URI.create(server()), null))
				.satisfies((ex) -> assertThat(ex.getMessage()).contains(this.auth.baseUrl() + "/%E2%80%AEtenant")
					.doesNotContain("\u202E"));
			assertThat(logs.text()).doesNotContain("\u202E");
		}
	}

	@Test
	void aDocumentWithAMemberGivenTwiceIsNotUsed() {
		String issuer = this.auth.baseUrl();
		this.auth.stubFor(get("/.well-known/oauth-authorization-server").willReturn(okJson(oauth(issuer))));
		// a parser that kept the last member would accept this document for the server
		this.mcp.stubFor(get("/meta").willReturn(okJson(resource(server(), issuer)
			.replace("{\"resource\":", "{\"resource\":\"https://evil.example.com/mcp\",\"resource\":"))));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> discovery(TTL, NOW).discover(URI.create(server()), challenge(this.mcp.baseUrl() + "/meta")))
			.withMessageContaining("a body that is not a JSON object");
		assertThat(paths(this.auth)).isEmpty();
	}

	@Test
	void aBodyLargerThanTheCapIsNotRead() {
		String issuer = this.auth.baseUrl();
		this.auth.stubFor(get("/.well-known/oauth-authorization-server").willReturn(okJson(oauth(issuer))));
		String padding = "\"x_padding\":\"" + "a".repeat(MetadataFetcher.MAX_BODY) + "\",";
		this.mcp.stubFor(get("/meta").willReturn(okJson(resource(server(), issuer).replace("{\"resource\":",
				"{" + padding + "\"resource\":"))));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> discovery(TTL, NOW).discover(URI.create(server()), challenge(this.mcp.baseUrl() + "/meta")))
			.withMessageContaining("a body larger than " + MetadataFetcher.MAX_BODY + " bytes");
		// just under the cap is read
		String fits = "\"x_padding\":\"" + "a".repeat(MetadataFetcher.MAX_BODY - 400) + "\",";
		this.mcp.stubFor(get("/meta").willReturn(okJson(resource(server(), issuer).replace("{\"resource\":",
				"{" + fits + "\"resource\":"))));
		assertThat(discovery(TTL, NOW).discover(URI.create(server()), challenge(this.mcp.baseUrl() + "/meta"))
			.authorizationServer()
			.issuer()).isEqualTo(URI.create(issuer));
	}

	@Test
	void aCacheFileCopiedUnderAnotherServersNameIsNotUsed() throws Exception {
		String issuer = serveDefault();
		// the same resource answers at /mcp/ (a trailing slash aside), a server URL of its own in the cache
		URI slashed = URI.create(server() + "/");
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource/mcp/").willReturn(okJson(resource(server(), issuer))));
		discovery(TTL, NOW).discover(URI.create(server()), null);
		Path file = onlyCacheFile();
		discovery(TTL, NOW).discover(slashed, null);
		Path other;
		try (Stream<Path> files = Files.list(mcpCacheFolder())) {
			other = files.filter((path) -> !path.equals(file)).findFirst().orElseThrow();
		}
		Files.writeString(other, Files.readString(file));
		try (CapturedLogs logs = new CapturedLogs()) {
			assertThat(discovery(TTL, NOW).cached(slashed)).isEmpty();
			assertThat(logs.text()).contains("describes another server");
		}
		assertThat(discovery(TTL, NOW).cached(URI.create(server()))).isPresent();
	}

	@Test
	void anEntryWhoseIssuerWasSwappedIsNotUsed() throws Exception {
		String issuer = serveDefault();
		discovery(TTL, NOW).discover(URI.create(server()), null);
		Path file = onlyCacheFile();
		String good = Files.readString(file);
		String swapped = good.replace("\"issuer\" : \"" + issuer + "\"", "\"issuer\" : \"" + issuer + "/other\"");
		assertThat(swapped).isNotEqualTo(good);
		Files.writeString(file, swapped);
		try (CapturedLogs logs = new CapturedLogs()) {
			assertThat(discovery(TTL, NOW).cached(URI.create(server()))).isEmpty();
			assertThat(logs.text()).contains("Ignoring the discovery cache file " + file);
		}
	}

	@Test
	void entriesAreNotUsedWhenTheDiscoveryCacheFolderAboveTheirsCannotBeTrusted() throws Exception {
		serveDefault();
		discovery(TTL, NOW).discover(URI.create(server()), null);
		Path parent = this.directory.resolve("discovery");
		Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxrwxrwx"));
		try (CapturedLogs logs = new CapturedLogs()) {
			assertThat(discovery(TTL, NOW).cached(URI.create(server()))).isEmpty();
			assertThat(logs.text()).contains("its parent folder " + parent + " cannot be trusted",
					"other users can write it");
		}
		Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwx------"));
		assertThat(discovery(TTL, NOW).cached(URI.create(server()))).isPresent();
	}

	/** A RestClient that sends what is meant for mcp.example.com and auth.example.com to the WireMock servers. */
	private RestClient routedRestClient() {
		return restClient().mutate().requestInterceptor((request, body, execution) -> {
			URI uri = request.getURI();
			WireMockServer target = switch (uri.getHost()) {
				case "mcp.example.com" -> this.mcp;
				case "auth.example.com" -> this.auth;
				default -> throw new IllegalStateException("Not routed: " + uri);
			};
			URI routed = URI.create(target.baseUrl() + uri.getRawPath()
					+ ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : ""));
			return execution.execute(new HttpRequestWrapper(request) {

				@Override
				public URI getURI() {
					return routed;
				}

			}, body);
		}).build();
	}

	/** Protected resource metadata naming as1, as2, ... on the authorization server. */
	private String resources(String resource, int count) {
		StringBuilder servers = new StringBuilder();
		for (int i = 1; i <= count; i++) {
			servers.append((i > 1) ? "," : "").append('"').append(this.auth.baseUrl()).append("/as").append(i).append('"');
		}
		return "{\"resource\":\"" + resource + "\",\"authorization_servers\":[" + servers + "]}";
	}

	/** The shape of the conformance suite's auth/metadata-default. */
	private String serveDefault() {
		String issuer = this.auth.baseUrl();
		this.mcp.stubFor(get("/.well-known/oauth-protected-resource/mcp").willReturn(okJson(resource(server(), issuer))));
		this.auth.stubFor(get("/.well-known/oauth-authorization-server").willReturn(okJson(oauth(issuer))));
		return issuer;
	}

	private String server() {
		return this.mcp.baseUrl() + "/mcp";
	}

	private String resourceMetadataUrl() {
		return this.mcp.baseUrl() + "/.well-known/oauth-protected-resource/mcp";
	}

	private McpMetadataDiscovery discovery(Duration timeToLive, Instant now) {
		return new McpMetadataDiscovery(this::restClient, new DiscoveryCache(this.directory.resolve("discovery")),
				timeToLive, Clock.fixed(now, ZoneOffset.UTC));
	}

	private RestClient restClient() {
		return McpMetadataClients.restClient(ClientHttpRequestFactoryBuilder.detect(), HttpClientSettings.defaults(),
				Duration.ofSeconds(5), Duration.ofSeconds(5));
	}

	private Path mcpCacheFolder() {
		return this.directory.resolve("discovery").resolve("mcp");
	}

	private Path onlyCacheFile() throws Exception {
		try (Stream<Path> files = Files.list(mcpCacheFolder())) {
			List<Path> all = files.toList();
			assertThat(all).hasSize(1);
			return all.get(0);
		}
	}

	private int requests() {
		return this.mcp.getAllServeEvents().size() + this.auth.getAllServeEvents().size();
	}

	/** The paths asked, in the order asked. */
	private static List<String> paths(WireMockServer server) {
		return server.getAllServeEvents()
			.stream()
			.sorted(Comparator.comparing((ServeEvent event) -> event.getRequest().getLoggedDate()))
			.map((event) -> event.getRequest().getUrl())
			.toList();
	}

	private static BearerChallenge challenge(String resourceMetadata) {
		return BearerChallenge.parse(List.of("Bearer error=\"invalid_token\", resource_metadata=\"" + resourceMetadata
				+ "\"")).orElseThrow();
	}

	private static String resource(String resource, String issuer) {
		return "{\"resource\":\"" + resource + "\",\"authorization_servers\":[\"" + issuer + "\"],"
				+ "\"scopes_supported\":[\"mcp:read\",\"mcp:write\"],\"bearer_methods_supported\":[\"header\"]}";
	}

	private static String oauth(String issuer) {
		return "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/authorize\","
				+ "\"token_endpoint\":\"" + issuer + "/token\",\"registration_endpoint\":\"" + issuer + "/register\","
				+ "\"response_types_supported\":[\"code\"],\"code_challenge_methods_supported\":[\"S256\"],"
				+ "\"grant_types_supported\":[\"authorization_code\",\"refresh_token\"],"
				+ "\"token_endpoint_auth_methods_supported\":[\"none\",\"client_secret_basic\"],"
				+ "\"client_id_metadata_document_supported\":true,\"x_null\":null,\"x_ratio\":0.5,"
				+ "\"mtls_endpoint_aliases\":{\"token_endpoint\":\"" + issuer + "/mtls/token\"},"
				+ "\"authorization_response_iss_parameter_supported\":true}";
	}

	private static String oidc(String issuer) {
		return oauth(issuer).replace("\"response_types_supported\"", "\"jwks_uri\":\"" + issuer + "/jwks\","
				+ "\"subject_types_supported\":[\"public\"],\"response_types_supported\"");
	}

}
