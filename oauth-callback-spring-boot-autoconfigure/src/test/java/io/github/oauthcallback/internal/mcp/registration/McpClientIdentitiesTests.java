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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
