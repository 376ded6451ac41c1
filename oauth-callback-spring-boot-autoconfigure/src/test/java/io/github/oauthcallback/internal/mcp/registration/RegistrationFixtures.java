package io.github.oauthcallback.internal.mcp.registration;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.github.oauthcallback.internal.loopback.ListenerSettings;
import io.github.oauthcallback.internal.mcp.AuthorizationServerMetadata;
import io.github.oauthcallback.internal.mcp.registration.McpClient.Source;
import io.github.oauthcallback.internal.tokenendpoint.TokenEndpointClients;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/** Authorization server metadata, registrations and clients for the registration tests. */
final class RegistrationFixtures {

	static final URI SERVER = URI.create("https://mcp.example.com/mcp");

	/** What a secret looks like in these tests: easy to find in files, rows, logs and messages. */
	static final String SECRET = "s3cr3t-Client-Secret-4711-xyzzy";

	private RegistrationFixtures() {
	}

	/**
	 * @param issuer the issuer
	 * @param registrationEndpoint the registration endpoint, or {@code null} for none
	 * @param methods {@code token_endpoint_auth_methods_supported}
	 * @param clientIdMetadataDocuments {@code client_id_metadata_document_supported}
	 */
	static AuthorizationServerMetadata metadata(String issuer, @Nullable String registrationEndpoint,
			List<String> methods, boolean clientIdMetadataDocuments) {
		return new AuthorizationServerMetadata(URI.create(issuer), URI.create(issuer + "/authorize"),
				URI.create(issuer + "/token"), (registrationEndpoint != null) ? URI.create(registrationEndpoint) : null,
				null, null, null, List.of("mcp:read"), methods, List.of("authorization_code", "refresh_token"),
				clientIdMetadataDocuments, Map.of("issuer", issuer));
	}

	/** Metadata of the WireMock server as authorization server, with its /register endpoint. */
	static AuthorizationServerMetadata metadata(WireMockServer server, List<String> methods) {
		return metadata(server.baseUrl(), server.baseUrl() + "/register", methods, false);
	}

	/**
	 * Answers every registration with a new client id (a random one, as a real server's; the answer is a template so
	 * that concurrent requests cannot get the same one) and a secret, after a delay, so that a second process starts
	 * registering while the first one waits for its answer.
	 */
	static void answerDistinctRegistrationsSlowly(WireMockServer server) {
		server.stubFor(WireMock.post(WireMock.urlEqualTo("/register"))
			.willReturn(WireMock.aResponse()
				.withStatus(201)
				.withFixedDelay(500)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"client_id\":\"dyn-{{randomValue length=16 type='ALPHANUMERIC'}}\",\"client_secret\":\""
						+ SECRET + "\"}")
				.withTransformers("response-template")));
	}

	static DynamicClientRegistration registration() {
		return registration(ListenerSettings.defaults());
	}

	static DynamicClientRegistration registration(ListenerSettings listener) {
		return new DynamicClientRegistration(
				() -> TokenEndpointClients.restClient(Duration.ofSeconds(5), Duration.ofSeconds(10)),
				LoopbackRedirectUris.of(listener), "my-cli");
	}

	static McpClient confidential(String issuer) {
		return new McpClient("client-" + issuer.hashCode(), SECRET, ClientAuthenticationMethod.CLIENT_SECRET_BASIC,
				URI.create(issuer), Source.DYNAMIC_REGISTRATION, Instant.parse("2030-01-01T00:00:00Z"));
	}

	static McpClient publicClient(String issuer) {
		return new McpClient("public-" + issuer.hashCode(), null, ClientAuthenticationMethod.NONE, URI.create(issuer),
				Source.DYNAMIC_REGISTRATION, null);
	}

}
