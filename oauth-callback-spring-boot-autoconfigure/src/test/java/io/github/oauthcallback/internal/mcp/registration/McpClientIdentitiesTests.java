package io.github.oauthcallback.internal.mcp.registration;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.github.oauthcallback.McpAuthorizationException;
import io.github.oauthcallback.internal.mcp.AuthorizationServerMetadata;
import io.github.oauthcallback.internal.mcp.registration.McpClient.Source;
import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.support.CapturedLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.github.oauthcallback.internal.mcp.registration.RegistrationFixtures.SECRET;
import static io.github.oauthcallback.internal.mcp.registration.RegistrationFixtures.SERVER;
import static io.github.oauthcallback.internal.mcp.registration.RegistrationFixtures.metadata;
import static io.github.oauthcallback.internal.mcp.registration.RegistrationFixtures.registration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The order in which a client identity is chosen, with WireMock as the registration endpoint (which counts the
 * registrations made) and the file storage, as a later run would find it.
 */
class McpClientIdentitiesTests {

	private static final URI DOCUMENT = URI.create("https://cli.example.com/oauth/client-metadata.json");

	private static final String ID = "mcp-server-1";

	@TempDir
	private Path directory;

	private WireMockServer authorizationServer;

	private RegisteredClients stored;

	@BeforeEach
	void start() {
		this.authorizationServer = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		this.authorizationServer.start();
		this.stored = new FileRegisteredClients(this.directory.resolve("tokens.json"), TokenCipher.none(),
				Duration.ofSeconds(10));
	}

	@AfterEach
	void stop() {
		this.authorizationServer.stop();
	}

	@Test
	void aPreRegisteredClientWinsOverEverythingAndCostsNoRequest() {
		answerRegistrations();
		PreRegisteredClient pre = new PreRegisteredClient("pre-registered-client", SECRET, null, List.of("mcp"));
		McpClient client = identities().identify(SERVER, ID, withEverything(List.of("client_secret_basic")),
				new ClientIdentityOptions(pre, DOCUMENT, null), List.of());
		assertThat(client.clientId()).isEqualTo("pre-registered-client");
		assertThat(client.clientSecret()).isEqualTo(SECRET);
		assertThat(client.method()).isEqualTo(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
		assertThat(client.source()).isEqualTo(Source.PRE_REGISTERED);
		assertThat(client.issuer().toString()).isEqualTo(this.authorizationServer.baseUrl());
		this.authorizationServer.verify(0, anyRequestedFor(anyUrl()));
		assertThat(this.stored.find(ID)).isEmpty();
	}

	@Test
	void aPreRegisteredClientsMethodIsChosenFromItsSecretAndTheServer() {
		McpClientIdentities identities = identities();
		assertThat(identities.identify(SERVER, ID, withEverything(List.of("client_secret_post")),
				new ClientIdentityOptions(new PreRegisteredClient("c", SECRET, null, List.of()), null, null), List.of())
			.method()).isEqualTo(ClientAuthenticationMethod.CLIENT_SECRET_POST);
		assertThat(identities.identify(SERVER, ID, withEverything(List.of()),
				new ClientIdentityOptions(new PreRegisteredClient("c", SECRET, null, List.of()), null, null), List.of())
			.method()).isEqualTo(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
		assertThat(identities.identify(SERVER, ID, withEverything(List.of("client_secret_basic")),
				new ClientIdentityOptions(new PreRegisteredClient("c", null, null, List.of()), null, null), List.of())
			.method()).isEqualTo(ClientAuthenticationMethod.NONE);
		assertThat(identities.identify(SERVER, ID, withEverything(List.of()),
				new ClientIdentityOptions(new PreRegisteredClient("c", SECRET,
						ClientAuthenticationMethod.CLIENT_SECRET_POST, List.of()), null, null), List.of())
			.method()).isEqualTo(ClientAuthenticationMethod.CLIENT_SECRET_POST);
	}

	@Test
	void aClientIdMetadataDocumentIsUsedWhenTheServerAdvertisesIt() {
		answerRegistrations();
		McpClient client = identities().identify(SERVER, ID, withEverything(List.of("none")),
				new ClientIdentityOptions(null, DOCUMENT, null), List.of());
		assertThat(client.clientId()).isEqualTo(DOCUMENT.toString());
		assertThat(client.clientSecret()).isNull();
		assertThat(client.method()).isEqualTo(ClientAuthenticationMethod.NONE);
		assertThat(client.source()).isEqualTo(Source.CLIENT_ID_METADATA_DOCUMENT);
		this.authorizationServer.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void aClientIdMetadataDocumentIsNotUsedWhenTheServerDoesNotAdvertiseIt() {
		answerRegistrations();
		McpClient client = identities().identify(SERVER, ID, metadata(this.authorizationServer, List.of("none")),
				new ClientIdentityOptions(null, DOCUMENT, null), List.of());
		assertThat(client.source()).isEqualTo(Source.DYNAMIC_REGISTRATION);
		assertThat(client.clientId()).isEqualTo("dyn-1");
		this.authorizationServer.verify(1, postRequestedFor(urlEqualTo("/register")));
	}

	@Test
	void aClientIdMetadataDocumentIsNotUsedWhenNoneIsConfigured() {
		answerRegistrations();
		McpClient client = identities().identify(SERVER, ID, withEverything(List.of("none")),
				ClientIdentityOptions.none(), List.of());
		assertThat(client.source()).isEqualTo(Source.DYNAMIC_REGISTRATION);
	}

	@Test
	void aStoredRegistrationIsUsedByALaterRunWithoutAnyRequest() {
		answerRegistrations();
		AuthorizationServerMetadata metadata = metadata(this.authorizationServer, List.of("client_secret_basic"));
		McpClient first = identities().identify(SERVER, ID, metadata, ClientIdentityOptions.none(), List.of("mcp"));
		this.authorizationServer.verify(1, postRequestedFor(urlEqualTo("/register")));
		this.authorizationServer.resetRequests();
		RegisteredClients nextRun = new FileRegisteredClients(this.directory.resolve("tokens.json"),
				TokenCipher.none(), Duration.ofSeconds(10));
		McpClient again = new McpClientIdentities(nextRun, registration()).identify(SERVER, ID, metadata,
				ClientIdentityOptions.none(), List.of("mcp"));
		assertThat(again).isEqualTo(first);
		assertThat(again.clientSecret()).isEqualTo(SECRET);
		this.authorizationServer.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void aRegistrationOfAnotherIssuerIsReplaced() {
		answerRegistrations();
		this.stored.save(ID, RegistrationFixtures.confidential("https://old-issuer.example.com"));
		McpClient client = identities().identify(SERVER, ID, metadata(this.authorizationServer, List.of("none")),
				ClientIdentityOptions.none(), List.of());
		assertThat(client.clientId()).isEqualTo("dyn-1");
		assertThat(client.issuer().toString()).isEqualTo(this.authorizationServer.baseUrl());
		assertThat(this.stored.find(ID)).contains(client);
		this.authorizationServer.verify(1, postRequestedFor(urlEqualTo("/register")));
	}

	@Test
	void forgetMakesTheNextLoginRegisterAgain() {
		answerRegistrations();
		McpClientIdentities identities = identities();
		AuthorizationServerMetadata metadata = metadata(this.authorizationServer, List.of("none"));
		identities.identify(SERVER, ID, metadata, ClientIdentityOptions.none(), List.of());
		identities.identify(SERVER, ID, metadata, ClientIdentityOptions.none(), List.of());
		this.authorizationServer.verify(1, postRequestedFor(urlEqualTo("/register")));
		identities.forget(ID);
		assertThat(this.stored.find(ID)).isEmpty();
		McpClient again = identities.identify(SERVER, ID, metadata, ClientIdentityOptions.none(), List.of());
		assertThat(again.clientId()).isEqualTo("dyn-2");
		assertThat(this.stored.find(ID)).contains(again);
		this.authorizationServer.verify(2, postRequestedFor(urlEqualTo("/register")));
	}

	@Test
	void forgettingARefusedClientLeavesAClientRegisteredMeanwhile() {
		answerRegistrations();
		McpClientIdentities identities = identities();
		AuthorizationServerMetadata metadata = metadata(this.authorizationServer, List.of("none"));
		McpClient first = identities.identify(SERVER, ID, metadata, ClientIdentityOptions.none(), List.of());
		assertThat(identities.forget(ID, first.clientId())).isTrue();
		McpClient meanwhile = identities.identify(SERVER, ID, metadata, ClientIdentityOptions.none(), List.of());
		assertThat(meanwhile.clientId()).isNotEqualTo(first.clientId());

		// a late refusal of the first client does not remove the one registered since
		assertThat(identities.forget(ID, first.clientId())).isFalse();
		assertThat(this.stored.find(ID)).contains(meanwhile);
	}

	@Test
	void aStoredRegistrationWhoseSecretExpiredIsReplaced() {
		answerRegistrations();
		McpClient expiring = new McpClient("old", SECRET, ClientAuthenticationMethod.CLIENT_SECRET_BASIC,
				URI.create(this.authorizationServer.baseUrl()), Source.DYNAMIC_REGISTRATION,
				Instant.parse("2026-01-01T00:00:00Z"));
		this.stored.save(ID, expiring);
		AuthorizationServerMetadata metadata = metadata(this.authorizationServer, List.of("client_secret_basic"));
		Clock before = Clock.fixed(Instant.parse("2025-12-31T23:59:59Z"), ZoneOffset.UTC);
		assertThat(new McpClientIdentities(this.stored, registration(), before).identify(SERVER, ID, metadata,
				ClientIdentityOptions.none(), List.of())).isEqualTo(expiring);
		this.authorizationServer.verify(0, anyRequestedFor(anyUrl()));
		Clock after = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
		assertThat(new McpClientIdentities(this.stored, registration(), after).identify(SERVER, ID, metadata,
				ClientIdentityOptions.none(), List.of()).clientId()).isEqualTo("dyn-1");
	}

	@Test
	void concurrentFirstRequestsRegisterOnce() throws Exception {
		this.authorizationServer.stubFor(post(urlEqualTo("/register")).willReturn(aResponse().withStatus(201)
			.withFixedDelay(300)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"client_id\":\"dyn-once\",\"token_endpoint_auth_method\":\"none\"}")));
		McpClientIdentities identities = identities();
		AuthorizationServerMetadata metadata = metadata(this.authorizationServer, List.of("none"));
		int threads = 4;
		CyclicBarrier start = new CyclicBarrier(threads);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<McpClient>> results = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				results.add(pool.submit(() -> {
					start.await();
					return identities.identify(SERVER, ID, metadata, ClientIdentityOptions.none(), List.of());
				}));
			}
			for (Future<McpClient> result : results) {
				assertThat(result.get().clientId()).isEqualTo("dyn-once");
			}
		}
		finally {
			pool.shutdownNow();
		}
		this.authorizationServer.verify(1, postRequestedFor(urlEqualTo("/register")));
	}

	@Test
	void withoutAnyWayTheErrorNamesTheWaysTheUserCanProvideAnIdentity() {
		AuthorizationServerMetadata noRegistration = metadata("https://as.example.com", null, List.of("none"), false);
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> identities().identify(SERVER, ID, noRegistration, ClientIdentityOptions.none(), List.of()))
			.satisfies((ex) -> assertThat(ex.getServer()).isEqualTo(SERVER))
			.withMessageContaining("No client identity for the MCP server " + SERVER)
			.withMessageContaining("offers no dynamic client registration")
			.withMessageContaining("it does not support Client ID Metadata Documents")
			.withMessageContaining("(1) a client registered in advance at https://as.example.com")
			.withMessageContaining("(2) the https URL of a Client ID Metadata Document")
			.withMessageContaining("(3) an authorization server that allows dynamic client registration");
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> identities().identify(SERVER, ID, noRegistration,
					new ClientIdentityOptions(null, DOCUMENT, null), List.of()))
			.withMessageContaining("so the one configured (" + DOCUMENT + ") cannot be used");
		AuthorizationServerMetadata documentsOnly = metadata("https://as.example.com", null, List.of("none"), true);
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> identities().identify(SERVER, ID, documentsOnly, ClientIdentityOptions.none(), List.of()))
			.withMessageContaining("it supports Client ID Metadata Documents, but none is configured");
	}

	@Test
	void optionsThatCannotWorkAreRefusedWithWhatIsValid() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new ClientIdentityOptions(null, URI.create("http://cli.example.com/metadata.json"), null))
			.withMessageContaining("it must be an https URL");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new ClientIdentityOptions(null, URI.create("https://cli.example.com/"), null))
			.withMessageContaining("it must have a path");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new ClientIdentityOptions(null, URI.create("https://cli.example.com/m.json#x"), null))
			.withMessageContaining("fragment");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new ClientIdentityOptions(null, null, ClientAuthenticationMethod.PRIVATE_KEY_JWT))
			.withMessageContaining("Use none, client_secret_basic or client_secret_post");
		assertThat(new PreRegisteredClient("c", SECRET, null, List.of()).toString()).doesNotContain(SECRET);
	}

	@Test
	void aPreRegisteredClientTiedToAnIssuerIsUsedOnlyWithThatIssuer() {
		answerRegistrations();
		URI own = URI.create(this.authorizationServer.baseUrl());
		PreRegisteredClient pinned = new PreRegisteredClient("pre-registered-client", SECRET, null, List.of(), own);
		McpClient client = identities().identify(SERVER, ID, withEverything(List.of("client_secret_basic")),
				new ClientIdentityOptions(pinned, null, null), List.of());
		assertThat(client.clientSecret()).isEqualTo(SECRET);
		AuthorizationServerMetadata attacker = metadata("https://attacker.example.net",
				"https://attacker.example.net/register", List.of("client_secret_basic"), false);
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> identities().identify(SERVER, ID, attacker, new ClientIdentityOptions(pinned, null, null),
					List.of()))
			.satisfies((ex) -> assertThat(ex.getServer()).isEqualTo(SERVER))
			.withMessageContaining("names the authorization server https://attacker.example.net")
			.withMessageContaining("registered at " + own)
			.withMessageContaining("register a client there and configure it with that issuer")
			.withMessageNotContaining(SECRET);
		this.authorizationServer.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void aPreRegisteredSecretWithoutIssuerIsWarnedAboutOnceWithoutValues() {
		PreRegisteredClient unpinned = new PreRegisteredClient("pre-registered-client", SECRET, null, List.of());
		McpClientIdentities identities = identities();
		try (CapturedLogs logs = new CapturedLogs()) {
			for (int i = 0; i < 3; i++) {
				identities.identify(SERVER, ID, withEverything(List.of("client_secret_basic")),
						new ClientIdentityOptions(unpinned, null, null), List.of());
			}
			String text = logs.text();
			assertThat(text).contains("the secret will be sent to whichever authorization server the MCP server names")
				.contains("Configure the issuer")
				.doesNotContain(SECRET)
				.doesNotContain("pre-registered-client");
			assertThat(text.split("the secret will be sent", -1)).hasSize(2);
		}
		try (CapturedLogs logs = new CapturedLogs()) {
			identities().identify(SERVER, ID, withEverything(List.of()),
					new ClientIdentityOptions(new PreRegisteredClient("public", null, null, List.of()), null, null),
					List.of());
			assertThat(logs.text()).doesNotContain("the secret will be sent");
		}
	}

	@Test
	void aPreRegisteredClientThatNeedsASecretAndHasNoneIsRefused() {
		for (ClientAuthenticationMethod method : List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC,
				ClientAuthenticationMethod.CLIENT_SECRET_POST)) {
			assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> new PreRegisteredClient("c", null, method, List.of()))
				.withMessageContaining("authenticates with " + method.getValue() + " but has no client secret")
				.withMessageContaining("Configure the secret");
			assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> new PreRegisteredClient("c", "", method, List.of(), null));
		}
		assertThat(new PreRegisteredClient("c", null, ClientAuthenticationMethod.NONE, List.of()).clientSecret())
			.isNull();
	}

	/** Two processes (two instances over one file) registering at once: one registration, one client for both. */
	@Test
	void twoProcessesRegisteringAtOnceOverOneFileKeepOneRegistrationAndUseIt() throws Exception {
		RegistrationFixtures.answerDistinctRegistrationsSlowly(this.authorizationServer);
		Path tokens = this.directory.resolve("shared").resolve("tokens.json");
		RegisteredClients first = new FileRegisteredClients(tokens, TokenCipher.none(), Duration.ofSeconds(30));
		RegisteredClients second = new FileRegisteredClients(tokens, TokenCipher.none(), Duration.ofSeconds(30));
		List<McpClient> clients = registerAtOnce(first, second);
		assertThat(clients.get(0)).isEqualTo(clients.get(1));
		assertThat(first.find(ID)).contains(clients.get(0));
		this.authorizationServer.verify(1, postRequestedFor(urlEqualTo("/register")));
	}

	/** Registers through two {@link McpClientIdentities}, one per storage, started together. */
	List<McpClient> registerAtOnce(RegisteredClients first, RegisteredClients second) throws Exception {
		AuthorizationServerMetadata metadata = metadata(this.authorizationServer, List.of("client_secret_basic"));
		CyclicBarrier start = new CyclicBarrier(2);
		ExecutorService pool = Executors.newFixedThreadPool(2);
		try {
			List<Future<McpClient>> results = new ArrayList<>();
			for (RegisteredClients storage : List.of(first, second)) {
				McpClientIdentities identities = new McpClientIdentities(storage, registration());
				results.add(pool.submit(() -> {
					start.await();
					return identities.identify(SERVER, ID, metadata, ClientIdentityOptions.none(), List.of());
				}));
			}
			List<McpClient> clients = new ArrayList<>();
			for (Future<McpClient> result : results) {
				clients.add(result.get());
			}
			return clients;
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void aClientIdMetadataDocumentUrlWithUserInformationIsRefusedWithoutRepeatingIt() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> ClientIdentityOptions
				.clientIdMetadataDocument(URI.create("https://user:hunter2-pw@cli.example.com/m.json")))
			.withMessageContaining("it must not hold user information")
			.withMessageContaining("'https://cli.example.com/m.json'")
			.withMessageNotContaining("hunter2")
			.withMessageNotContaining("user:");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> ClientIdentityOptions
				.clientIdMetadataDocument(URI.create("https://user:hunter2-pw@my_host.example.com/m.json")))
			.withMessageContaining("it must not hold user information")
			.withMessageNotContaining("hunter2");
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://cli.example.com/a/../m.json", "https://cli.example.com/a/./m.json",
			"https://cli.example.com/a/..", "https://cli.example.com/a/%2e%2e/m.json",
			"https://cli.example.com/a/%2E./m.json", "https://cli.example.com/a/%2e/m.json" })
	void aClientIdMetadataDocumentUrlWithDotSegmentsIsRefused(String url) {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> ClientIdentityOptions.clientIdMetadataDocument(URI.create(url)))
			.withMessageContaining("its path must not hold . or .. segments");
	}

	@Test
	void aClientIdMetadataDocumentUrlsHostMustBeAnAsciiHostName() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> ClientIdentityOptions.clientIdMetadataDocument(URI.create("https:///m.json")))
			.withMessageContaining("it has no host");
		for (String url : List.of("https://m\u00fcnchen.example/m.json", "https://my_host.example.com/m.json")) {
			assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> ClientIdentityOptions.clientIdMetadataDocument(URI.create(url)))
				.withMessageContaining("its host is not a valid host name")
				.withMessageContaining("punycode form, xn--");
		}
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> ClientIdentityOptions.clientIdMetadataDocument(URI.create("https://cli.example.com:99999/m.json")))
			.withMessageContaining("its port must be between 1 and 65535");
		URI punycode = URI.create("https://xn--mnchen-3ya.example:8443/cli/m.json");
		assertThat(ClientIdentityOptions.clientIdMetadataDocument(punycode)).isEqualTo(punycode);
	}

	private McpClientIdentities identities() {
		return new McpClientIdentities(this.stored, registration());
	}

	/** Registration endpoint and Client ID Metadata Documents. */
	private AuthorizationServerMetadata withEverything(List<String> methods) {
		return metadata(this.authorizationServer.baseUrl(), this.authorizationServer.baseUrl() + "/register", methods,
				true);
	}

	/** Each registration gets a new client id: dyn-1, dyn-2, ... */
	private void answerRegistrations() {
		for (int i = 1; i <= 3; i++) {
			this.authorizationServer.stubFor(post(urlEqualTo("/register")).inScenario("registrations")
				.whenScenarioStateIs((i == 1) ? Scenario.STARTED : "r" + i)
				.willSetStateTo("r" + (i + 1))
				.willReturn(aResponse().withStatus(201)
					.withHeader("Content-Type", "application/json")
					.withBody("{\"client_id\":\"dyn-" + i + "\",\"client_secret\":\"" + SECRET + "\"}")));
		}
	}

}
