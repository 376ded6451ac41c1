package io.github.oauthcallback.internal.discovery;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import io.github.oauthcallback.ProviderDiscoveryException;
import io.github.oauthcallback.support.CapturedLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientProperties;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientPropertiesMapper;
import org.springframework.security.oauth2.client.registration.ClientRegistration;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The cached discovery against a provider served by WireMock: the registrations are those Spring Boot builds by
 * discovering at every start, and a start with fresh cached metadata makes no request.
 */
class CachingClientRegistrationMapperTests {

	private static final String PREFIX = "spring.security.oauth2.client.";

	private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

	private WireMockServer provider;

	@TempDir
	private Path directory;

	@BeforeEach
	void start() {
		this.provider = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		this.provider.start();
	}

	@AfterEach
	void stop() {
		this.provider.stop();
	}

	@Test
	void registrationsAreThoseSpringBootDiscoversWhetherDiscoveredOrCached() {
		String oidc = serveOidc("/realms/cli", "[\"client_secret_basic\",\"none\"]");
		String postOnly = serveOidc("/post-only", "[\"client_secret_post\",\"private_key_jwt\"]");
		String unstated = serveOidc("/unstated", null);
		String oauthOnly = serveAuthorizationServerMetadata("/as", true);
		String noTokenEndpoint = serveAuthorizationServerMetadata("/partial", false);
		Map<String, String> properties = new LinkedHashMap<>();
		provider(properties, "oidc", oidc);
		provider(properties, "post-only", postOnly);
		provider(properties, "unstated", unstated);
		provider(properties, "oauth-only", oauthOnly);
		provider(properties, "completed", noTokenEndpoint);
		properties.put(PREFIX + "provider.completed.token-uri", "https://completed.example/token");
		properties.put(PREFIX + "provider.completed.authorization-uri", "https://completed.example/authorize");
		provider(properties, "overridden", oidc);
		properties.put(PREFIX + "provider.overridden.token-uri", "https://elsewhere.example/token");
		properties.put(PREFIX + "provider.overridden.user-info-uri", "https://elsewhere.example/me");
		properties.put(PREFIX + "provider.overridden.user-info-authentication-method", "form");
		properties.put(PREFIX + "provider.overridden.jwk-set-uri", "https://elsewhere.example/keys");
		properties.put(PREFIX + "provider.overridden.user-name-attribute", "email");
		properties.put(PREFIX + "provider.overridden.authorization-uri", "https://elsewhere.example/authorize");
		provider(properties, "explicit", null);
		properties.put(PREFIX + "provider.explicit.authorization-uri", "https://explicit.example/authorize");
		properties.put(PREFIX + "provider.explicit.token-uri", "https://explicit.example/token");
		registration(properties, "public", "oidc", "public-cli", null, "none", "openid,read");
		registration(properties, "confidential", "oidc", "conf-cli", "conf-Secret-1", null, null);
		properties.put(PREFIX + "registration.confidential.client-name", "Confidential");
		registration(properties, "posting", "post-only", "post-cli", "post-Secret-1", null, "openid");
		registration(properties, "plain", "unstated", "plain-cli", null, null, null);
		registration(properties, "machine", "oauth-only", "m-cli", "m-Secret-1", null, "read");
		properties.put(PREFIX + "registration.machine.authorization-grant-type", "client_credentials");
		registration(properties, "custom", "overridden", "custom-cli", null, "none", "openid");
		registration(properties, "partial", "completed", "partial-cli", null, "none", "read");
		properties.put(PREFIX + "registration.custom.redirect-uri", "http://127.0.0.1:8765/callback");
		registration(properties, "fixed", "explicit", "fixed-cli", null, "none", "read");
		properties.put(PREFIX + "registration.fixed.redirect-uri", "http://127.0.0.1/callback");
		properties.put(PREFIX + "registration.fixed.authorization-grant-type", "authorization_code");
		// the registration id is the provider id when 'provider' is not set
		provider(properties, "implicit-provider", oidc);
		properties.put(PREFIX + "registration.implicit-provider.client-id", "implied-cli");
		properties.put(PREFIX + "registration.implicit-provider.client-authentication-method", "none");
		// a provider id Spring Security knows (CommonOAuth2Provider): its defaults do not apply to a discovery
		provider(properties, "okta", oidc);
		registration(properties, "workforce", "okta", "okta-cli", null, "none", null);
		OAuth2ClientProperties bound = bind(properties);

		Map<String, ClientRegistration> springBoot = new OAuth2ClientPropertiesMapper(bound).asClientRegistrations();
		int springBootDiscoveries = discoveryRequests();
		this.provider.resetRequests();
		Map<String, ClientRegistration> discovered = mapper(bound, Duration.ofDays(1), NOW).asClientRegistrations();
		int discoveries = discoveryRequests();
		Map<String, ClientRegistration> cached = mapper(bound, Duration.ofDays(1), NOW.plusSeconds(3600))
			.asClientRegistrations();

		assertThat(springBoot).hasSize(10);
		assertThat(describe(discovered)).isEqualTo(describe(springBoot));
		assertThat(describe(cached)).isEqualTo(describe(springBoot));
		assertThat(discovered.get("posting").getClientAuthenticationMethod().getValue())
			.isEqualTo("client_secret_post");
		assertThat(cached.get("custom").getProviderDetails().getTokenUri())
			.isEqualTo("https://elsewhere.example/token");
		assertThat(cached.get("partial").getProviderDetails().getTokenUri()).isEqualTo("https://completed.example/token");
		assertThat(cached.get("public").getProviderDetails().getConfigurationMetadata())
			.containsEntry("request_uri_parameter_supported", true)
			.containsKeys("mtls_endpoint_aliases", "x_max_age", "x_ratio");
		// RFC 9207: a cached start still knows that the provider always sends iss (AuthorizationResponseCheck)
		for (String id : List.of("public", "machine")) {
			assertThat(discovered.get(id).getProviderDetails().getConfigurationMetadata()).as(id)
				.containsEntry("authorization_response_iss_parameter_supported", true);
			assertThat(cached.get(id).getProviderDetails().getConfigurationMetadata()).as(id)
				.containsEntry("authorization_response_iss_parameter_supported", true);
		}
		// eight providers discovered once each, RFC 8414's fallback costing the two RFC 8414 providers three
		// requests each; Spring Boot asks once per registration: 'public' and 'confidential' share a provider
		assertThat(discoveries).isEqualTo(8 + 2 + 2);
		assertThat(springBootDiscoveries).isEqualTo(9 + 2 + 2);
		assertThat(discoveryRequests()).as("requests of the cached start").isEqualTo(discoveries);
	}

	@Test
	void aFreshCacheMakesNoRequestAndAnExpiredOneIsDiscoveredAgain() throws Exception {
		String issuer = serveOidc("/realms/cli", "[\"none\"]");
		OAuth2ClientProperties bound = publicClient(issuer);
		mapper(bound, Duration.ofHours(1), NOW).asClientRegistrations();
		assertThat(discoveryRequests()).isEqualTo(1);
		Path file = this.directory.resolve("idp.json");
		assertThat(file).exists();
		String written = Files.readString(file);
		assertThat(written).contains(issuer, "\"tokenUri\"", "token_endpoint").doesNotContain("public-cli");

		mapper(bound, Duration.ofHours(1), NOW.plus(Duration.ofMinutes(59))).asClientRegistrations();
		assertThat(discoveryRequests()).isEqualTo(1);

		mapper(bound, Duration.ofHours(1), NOW.plus(Duration.ofMinutes(61))).asClientRegistrations();
		assertThat(discoveryRequests()).isEqualTo(2);
		assertThat(Files.readString(file)).isNotEqualTo(written).contains(NOW.plus(Duration.ofMinutes(61)).toString());

		mapper(bound, Duration.ZERO, NOW.plus(Duration.ofMinutes(62))).asClientRegistrations();
		assertThat(discoveryRequests()).as("time to live 0 discovers at every start").isEqualTo(3);
	}

	@Test
	void metadataDatedInTheFutureIsNotTrusted() {
		String issuer = serveOidc("/realms/cli", "[\"none\"]");
		OAuth2ClientProperties bound = publicClient(issuer);
		mapper(bound, Duration.ofDays(1), NOW.plus(Duration.ofHours(2))).asClientRegistrations();
		mapper(bound, Duration.ofDays(1), NOW).asClientRegistrations();
		assertThat(discoveryRequests()).isEqualTo(2);
	}

	@Test
	void anotherIssuerIsDiscoveredAndReplacesTheFile() {
		String first = serveOidc("/realms/one", "[\"none\"]");
		String second = serveOidc("/realms/two", "[\"none\"]");
		mapper(publicClient(first), Duration.ofDays(1), NOW).asClientRegistrations();
		ClientRegistration registration = mapper(publicClient(second), Duration.ofDays(1), NOW)
			.asClientRegistrations()
			.get("public");
		assertThat(registration.getProviderDetails().getIssuerUri()).isEqualTo(second);
		assertThat(registration.getProviderDetails().getTokenUri()).isEqualTo(second + "/token");
		assertThat(discoveryRequests()).isEqualTo(2);
		assertThat(this.directory.resolve("idp.json")).content().contains(second).doesNotContain(first + "\"");
	}

	@Test
	void staleMetadataStandsInWhenTheProviderCannotBeReached() {
		String issuer = serveOidc("/realms/cli", "[\"none\"]");
		OAuth2ClientProperties bound = publicClient(issuer);
		ClientRegistration original = mapper(bound, Duration.ofHours(1), NOW).asClientRegistrations().get("public");
		this.provider.stop();
		try (CapturedLogs logs = new CapturedLogs()) {
			ClientRegistration offline = mapper(bound, Duration.ofHours(1), NOW.plus(Duration.ofDays(3)))
				.asClientRegistrations()
				.get("public");
			assertThat(describe(Map.of("public", offline))).isEqualTo(describe(Map.of("public", original)));
			assertThat(logs.text()).contains("WARN", "Discovery of provider 'idp' at " + issuer + " failed",
					"using its metadata cached at " + NOW, "idp.json");
		}
	}

	@Test
	void staleMetadataStandsInWhenTheProviderFailsWithAServerError() {
		String issuer = serveOidc("/realms/cli", "[\"none\"]");
		OAuth2ClientProperties bound = publicClient(issuer);
		mapper(bound, Duration.ofHours(1), NOW).asClientRegistrations();
		this.provider.resetAll();
		this.provider.stubFor(get(urlPathMatching(".*")).willReturn(aResponse().withStatus(503)));
		assertThat(mapper(bound, Duration.ofHours(1), NOW.plus(Duration.ofHours(2))).asClientRegistrations())
			.containsKey("public");
		this.provider.resetAll();
		this.provider.stubFor(get(urlPathMatching(".*")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
		assertThat(mapper(bound, Duration.ofHours(1), NOW.plus(Duration.ofHours(2))).asClientRegistrations())
			.containsKey("public");
	}

	@Test
	void aProviderThatDoesNotAnswerInTimeFailsStartUpQuicklyOrLetsTheCacheStandIn() throws Exception {
		String issuer = serveOidc("/realms/cli", "[\"none\"]");
		OAuth2ClientProperties bound = publicClient(issuer);
		this.provider.stubFor(get(urlEqualTo("/realms/cli/.well-known/openid-configuration"))
			.willReturn(okJson(oidcMetadata(issuer, "[\"none\"]")).withFixedDelay(8_000)));
		Duration timeout = Duration.ofMillis(300);
		long start = System.nanoTime();
		assertThatExceptionOfType(ProviderDiscoveryException.class)
			.isThrownBy(() -> new CachingClientRegistrationMapper(bound, new DiscoveryCache(this.directory),
					Duration.ofDays(1), Clock.fixed(NOW, ZoneOffset.UTC), timeout)
				.asClientRegistrations())
			.withMessageContaining("no answer within 300 ms (the discovery timeout)");
		// Long before the provider's answer (8 s), with room for a loaded machine.
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));

		this.provider.resetMappings();
		serveOidc("/realms/cli", "[\"none\"]");
		mapper(bound, Duration.ofHours(1), NOW).asClientRegistrations();
		this.provider.stubFor(get(urlEqualTo("/realms/cli/.well-known/openid-configuration"))
			.willReturn(okJson(oidcMetadata(issuer, "[\"none\"]")).withFixedDelay(3_000)));
		try (CapturedLogs logs = new CapturedLogs()) {
			assertThat(new CachingClientRegistrationMapper(bound, new DiscoveryCache(this.directory),
					Duration.ofHours(1), Clock.fixed(NOW.plus(Duration.ofHours(2)), ZoneOffset.UTC), timeout)
				.asClientRegistrations()).containsKey("public");
			assertThat(logs.text()).contains("no answer within 300 ms", "using its metadata cached at " + NOW);
		}
		// the discoveries still waiting end with the provider's answer, leaving no thread behind
		awaitNoDiscoveryThread();
	}

	private static void awaitNoDiscoveryThread() throws InterruptedException {
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().equals(CachingClientRegistrationMapper.THREAD_NAME)) {
				thread.join(10_000);
				assertThat(thread.isAlive()).isFalse();
			}
		}
	}

	@Test
	void staleMetadataStandsInWhenSomethingElseAnswersInTheProvidersPlace() {
		String issuer = serveOidc("/realms/cli", "[\"none\"]");
		OAuth2ClientProperties bound = publicClient(issuer);
		mapper(bound, Duration.ofHours(1), NOW).asClientRegistrations();
		this.provider.resetAll();
		// a captive portal or proxy page: 200, but HTML
		this.provider.stubFor(get(urlPathMatching(".*"))
			.willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/html").withBody("<h1>Wi-Fi</h1>")));
		try (CapturedLogs logs = new CapturedLogs()) {
			assertThat(mapper(bound, Duration.ofHours(1), NOW.plus(Duration.ofHours(2))).asClientRegistrations())
				.containsKey("public");
			assertThat(logs.text()).contains("using its metadata cached at " + NOW);
		}
	}

	@Test
	void aProviderThatAnswersWithoutMetadataIsReportedEvenWithACache() {
		String issuer = serveOidc("/realms/cli", "[\"none\"]");
		OAuth2ClientProperties bound = publicClient(issuer);
		mapper(bound, Duration.ofHours(1), NOW).asClientRegistrations();
		this.provider.resetAll();
		assertThatExceptionOfType(ProviderDiscoveryException.class)
			.isThrownBy(() -> mapper(bound, Duration.ofHours(1), NOW.plus(Duration.ofHours(2))).asClientRegistrations())
			.satisfies((ex) -> {
				assertThat(ex.getProviderId()).isEqualTo("idp");
				assertThat(ex.getMessage()).contains("Discovery of provider 'idp' at " + issuer + " failed",
						"spring.security.oauth2.client.provider.idp.issuer-uri", "404",
						"Its cached metadata was not used, as the provider answered.");
			});
	}

	@Test
	void anUnreachableProviderWithoutCacheFailsWithAnActionableError() {
		String issuer = this.provider.baseUrl() + "/realms/cli";
		this.provider.stop();
		Map<String, String> properties = new LinkedHashMap<>();
		provider(properties, "idp", issuer);
		registration(properties, "confidential", "idp", "conf-cli", "conf-Secret-77", null, null);
		assertThatExceptionOfType(ProviderDiscoveryException.class)
			.isThrownBy(() -> mapper(bind(properties), Duration.ofDays(1), NOW).asClientRegistrations())
			.satisfies((ex) -> assertThat(ex.getMessage())
				.contains("Discovery of provider 'idp' at " + issuer + " failed",
						"provider.idp.issuer-uri", "authorization-uri, token-uri and jwk-set-uri",
						"No earlier discovery of it is cached in " + this.directory)
				.doesNotContain("conf-Secret-77"));
	}

	@Test
	void metadataOfAnotherIssuerIsRefusedAndNotCached() {
		String issuer = this.provider.baseUrl() + "/realms/cli";
		this.provider.stubFor(get(urlEqualTo("/realms/cli/.well-known/openid-configuration"))
			.willReturn(okJson(oidcMetadata("https://impostor.example", null))));
		assertThatExceptionOfType(ProviderDiscoveryException.class)
			.isThrownBy(() -> mapper(publicClient(issuer), Duration.ofDays(1), NOW).asClientRegistrations())
			.withMessageContaining("did not match the requested issuer");
		assertThat(this.directory.resolve("idp.json")).doesNotExist();
	}

	@Test
	void filesOthersCouldHaveWrittenAreIgnoredAndReplaced() throws Exception {
		String issuer = serveOidc("/realms/cli", "[\"none\"]");
		OAuth2ClientProperties bound = publicClient(issuer);
		mapper(bound, Duration.ofDays(1), NOW).asClientRegistrations();
		Path file = this.directory.resolve("idp.json");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
		try (CapturedLogs logs = new CapturedLogs()) {
			mapper(bound, Duration.ofDays(1), NOW).asClientRegistrations();
			assertThat(logs.text()).contains("Ignoring the discovery cache file " + file, "other users can write it",
					"chmod 600");
		}
		assertThat(discoveryRequests()).isEqualTo(2);
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

		Path elsewhere = this.directory.resolve("elsewhere.json");
		Files.move(file, elsewhere);
		Files.createSymbolicLink(file, elsewhere);
		try (CapturedLogs logs = new CapturedLogs()) {
			mapper(bound, Duration.ofDays(1), NOW).asClientRegistrations();
			assertThat(logs.text()).contains("symbolic link");
		}
		assertThat(discoveryRequests()).isEqualTo(3);
		assertThat(Files.isSymbolicLink(file)).as("the link was replaced by a file of our own").isFalse();
	}

	@Test
	void aFileOfAnotherUserIsIgnoredWhateverTheName() throws Exception {
		String issuer = serveOidc("/realms/cli", "[\"none\"]");
		OAuth2ClientProperties bound = publicClient(issuer);
		mapper(bound, Duration.ofDays(1), NOW).asClientRegistrations();
		long uid = ((Number) Files.getAttribute(this.directory.resolve("idp.json"), "unix:uid")).longValue();
		// Seen by another user id, the same file (and folder) is not that user's: even root trusts only its own.
		try (CapturedLogs logs = new CapturedLogs()) {
			new CachingClientRegistrationMapper(bound, new DiscoveryCache(this.directory, uid + 1), Duration.ofDays(1),
					Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(10))
				.asClientRegistrations();
			assertThat(logs.text()).contains("Ignoring the discovery cache folder " + this.directory,
					"not to the user running this program");
		}
		assertThat(discoveryRequests()).isEqualTo(2);
		mapper(bound, Duration.ofDays(1), NOW).asClientRegistrations();
		assertThat(discoveryRequests()).as("the file's own user still uses it").isEqualTo(2);
	}

	@Test
	void aFolderOthersCanWriteIsNotUsed() throws Exception {
		String issuer = serveOidc("/realms/cli", "[\"none\"]");
		OAuth2ClientProperties bound = publicClient(issuer);
		mapper(bound, Duration.ofDays(1), NOW).asClientRegistrations();
		Files.setPosixFilePermissions(this.directory, PosixFilePermissions.fromString("rwxrwxrwx"));
		try (CapturedLogs logs = new CapturedLogs()) {
			mapper(bound, Duration.ofDays(1), NOW).asClientRegistrations();
			assertThat(logs.text()).contains("Ignoring the discovery cache folder " + this.directory,
					"other users can write it", "chmod 700");
		}
		assertThat(discoveryRequests()).isEqualTo(2);
		Files.setPosixFilePermissions(this.directory, PosixFilePermissions.fromString("rwx------"));
		Path linked = Files.createDirectory(this.directory.resolve("real"));
		Path link = Files.createSymbolicLink(this.directory.resolve("link"), linked);
		CachingClientRegistrationMapper throughLink = new CachingClientRegistrationMapper(bound,
				new DiscoveryCache(link), Duration.ofDays(1), Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(10));
		throughLink.asClientRegistrations();
		throughLink.asClientRegistrations();
		assertThat(discoveryRequests()).as("a folder that is a symbolic link is not used").isEqualTo(4);
	}

	@Test
	void temporaryFilesLeftByACrashAreRemoved() throws Exception {
		String issuer = serveOidc("/realms/cli", "[\"none\"]");
		Path left = this.directory.resolve(".idp.json.tmp-12345");
		Files.writeString(left, "half");
		Files.setLastModifiedTime(left, java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofHours(1))));
		Path recent = this.directory.resolve(".idp.json.tmp-67890");
		Files.writeString(recent, "another process is writing");
		mapper(publicClient(issuer), Duration.ofDays(1), NOW).asClientRegistrations();
		assertThat(left).doesNotExist();
		assertThat(recent).exists();
	}

	@Test
	void aDamagedFileIsIgnoredAndReplaced() throws Exception {
		String issuer = serveOidc("/realms/cli", "[\"none\"]");
		OAuth2ClientProperties bound = publicClient(issuer);
		Path file = this.directory.resolve("idp.json");
		for (String damaged : List.of("{not json", "[]", "{\"version\":1}", "{\"version\":99,\"issuer\":\"" + issuer
				+ "\",\"discoveredAt\":\"" + NOW + "\",\"tokenUri\":\"x\",\"userInfoAuthenticationMethod\":\"header\","
				+ "\"clientAuthenticationMethod\":\"none\"}")) {
			Files.writeString(file, damaged);
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
			try (CapturedLogs logs = new CapturedLogs()) {
				assertThat(mapper(bound, Duration.ofDays(1), NOW).asClientRegistrations()).containsKey("public");
				assertThat(logs.text()).contains("Ignoring the discovery cache file " + file);
			}
			assertThat(file).content().contains("\"version\" : 1", issuer);
		}
		assertThat(discoveryRequests()).isEqualTo(4);
	}

	@Test
	void aDirectoryThatCannotBeWrittenOnlyCostsTheCache() throws Exception {
		String issuer = serveOidc("/realms/cli", "[\"none\"]");
		Path blocked = this.directory.resolve("blocked");
		Files.writeString(blocked, "a file where the directory should be");
		try (CapturedLogs logs = new CapturedLogs()) {
			Map<String, ClientRegistration> registrations = new CachingClientRegistrationMapper(publicClient(issuer),
					new DiscoveryCache(blocked.resolve("discovery")), Duration.ofDays(1),
					Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(10))
				.asClientRegistrations();
			assertThat(registrations).containsKey("public");
			assertThat(logs.text()).contains("Cannot write the discovery cache file",
					"set the discovery cache directory elsewhere");
		}
	}

	@Test
	void providerIdsBecomeSafeFileNames() {
		DiscoveryCache cache = new DiscoveryCache(this.directory);
		assertThat(cache.file("keycloak")).isEqualTo(this.directory.resolve("keycloak.json"));
		assertThat(cache.file("../../etc/passwd").getParent()).isEqualTo(this.directory);
		assertThat(cache.file("../../etc/passwd").getFileName().toString()).doesNotStartWith(".").endsWith(".json");
		assertThat(cache.file("a b")).isNotEqualTo(cache.file("a-b"));
		assertThat(cache.file(".hidden").getFileName().toString()).doesNotStartWith(".");
	}

	private CachingClientRegistrationMapper mapper(OAuth2ClientProperties properties, Duration timeToLive,
			Instant now) {
		return new CachingClientRegistrationMapper(properties, new DiscoveryCache(this.directory), timeToLive,
				Clock.fixed(now, ZoneOffset.UTC), Duration.ofSeconds(10));
	}

	private OAuth2ClientProperties publicClient(String issuer) {
		Map<String, String> properties = new LinkedHashMap<>();
		provider(properties, "idp", issuer);
		registration(properties, "public", "idp", "public-cli", null, "none", "openid");
		return bind(properties);
	}

	private int discoveryRequests() {
		return this.provider.countRequestsMatching(getRequestedFor(urlPathMatching(".*/\\.well-known/.*")).build())
			.getCount();
	}

	private String serveOidc(String path, String authMethods) {
		String issuer = this.provider.baseUrl() + path;
		this.provider.stubFor(get(urlEqualTo(path + "/.well-known/openid-configuration"))
			.willReturn(okJson(oidcMetadata(issuer, authMethods))));
		return issuer;
	}

	/** RFC 8414 metadata only (no JWK set), at the address Spring tries last. */
	private String serveAuthorizationServerMetadata(String path, boolean endpoints) {
		String issuer = this.provider.baseUrl() + path;
		this.provider.stubFor(get(urlEqualTo("/.well-known/oauth-authorization-server" + path)).willReturn(okJson(
				"{\"issuer\":\"" + issuer + "\","
						+ (endpoints ? "\"token_endpoint\":\"" + issuer + "/token\",\"authorization_endpoint\":\""
								+ issuer + "/authorize\"," : "")
						+ "\"response_types_supported\":[\"code\"],"
						+ "\"token_endpoint_auth_methods_supported\":[\"client_secret_basic\"],"
						+ "\"authorization_response_iss_parameter_supported\":true,"
						+ "\"introspection_endpoint\":\"" + issuer + "/introspect\"}")));
		return issuer;
	}

	private static String oidcMetadata(String issuer, String authMethods) {
		return "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/authorize\","
				+ "\"token_endpoint\":\"" + issuer + "/token\",\"jwks_uri\":\"" + issuer + "/jwks\","
				+ "\"userinfo_endpoint\":\"" + issuer + "/userinfo\",\"end_session_endpoint\":\"" + issuer
				+ "/logout\",\"response_types_supported\":[\"code\"],\"subject_types_supported\":[\"public\"],"
				+ "\"id_token_signing_alg_values_supported\":[\"RS256\"],\"code_challenge_methods_supported\":[\"S256\"],"
				+ "\"claims_parameter_supported\":false,\"request_uri_parameter_supported\":true,"
				+ "\"mtls_endpoint_aliases\":{\"token_endpoint\":\"" + issuer + "/mtls/token\"},"
				+ "\"x_max_age\":3600,\"x_ratio\":0.5,\"authorization_response_iss_parameter_supported\":true"
				+ ((authMethods != null) ? ",\"token_endpoint_auth_methods_supported\":" + authMethods : "") + "}";
	}

	private static void provider(Map<String, String> properties, String id, String issuer) {
		if (issuer != null) {
			properties.put(PREFIX + "provider." + id + ".issuer-uri", issuer);
		}
	}

	private static void registration(Map<String, String> properties, String id, String provider, String clientId,
			String secret, String method, String scopes) {
		String prefix = PREFIX + "registration." + id + ".";
		properties.put(prefix + "provider", provider);
		properties.put(prefix + "client-id", clientId);
		if (secret != null) {
			properties.put(prefix + "client-secret", secret);
		}
		if (method != null) {
			properties.put(prefix + "client-authentication-method", method);
		}
		if (scopes != null) {
			properties.put(prefix + "scope", scopes);
		}
	}

	private static OAuth2ClientProperties bind(Map<String, String> properties) {
		OAuth2ClientProperties bound = new Binder(new MapConfigurationPropertySource(properties))
			.bind("spring.security.oauth2.client", OAuth2ClientProperties.class)
			.get();
		bound.validate();
		return bound;
	}

	/** Every value a registration holds, comparable (ClientRegistration has no equals). */
	private static Map<String, Map<String, Object>> describe(Map<String, ClientRegistration> registrations) {
		Map<String, Map<String, Object>> described = new TreeMap<>();
		registrations.forEach((id, registration) -> {
			ClientRegistration.ProviderDetails provider = registration.getProviderDetails();
			Map<String, Object> values = new TreeMap<>();
			values.put("registrationId", registration.getRegistrationId());
			values.put("clientId", registration.getClientId());
			values.put("clientSecret", registration.getClientSecret());
			values.put("clientAuthenticationMethod", registration.getClientAuthenticationMethod());
			values.put("authorizationGrantType", registration.getAuthorizationGrantType());
			values.put("redirectUri", registration.getRedirectUri());
			values.put("scopes", List.copyOf(registration.getScopes()));
			values.put("clientName", registration.getClientName());
			values.put("authorizationUri", String.valueOf(provider.getAuthorizationUri()));
			values.put("tokenUri", String.valueOf(provider.getTokenUri()));
			values.put("jwkSetUri", String.valueOf(provider.getJwkSetUri()));
			values.put("issuerUri", String.valueOf(provider.getIssuerUri()));
			values.put("userInfoUri", String.valueOf(provider.getUserInfoEndpoint().getUri()));
			values.put("userInfoAuthenticationMethod", provider.getUserInfoEndpoint().getAuthenticationMethod());
			values.put("userNameAttributeName",
					String.valueOf(provider.getUserInfoEndpoint().getUserNameAttributeName()));
			values.put("configurationMetadata", new TreeMap<>(provider.getConfigurationMetadata()));
			values.put("requireProofKey", registration.getClientSettings().isRequireProofKey());
			described.put(id, values);
		});
		return described;
	}

}
