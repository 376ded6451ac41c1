package io.github.oauthcallback.internal.mcp.registration;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.github.oauthcallback.McpAuthorizationException;
import io.github.oauthcallback.internal.loopback.CallbackPages;
import io.github.oauthcallback.internal.loopback.ListenerSettings;
import io.github.oauthcallback.internal.mcp.AuthorizationServerMetadata;
import io.github.oauthcallback.internal.mcp.registration.McpClient.Source;
import io.github.oauthcallback.support.CapturedLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
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
 * RFC 7591 dynamic client registration against WireMock as the registration endpoint: what is sent, field by field,
 * which token endpoint authentication method is asked for, what is read from the answer, and the answers that are
 * refusals or not answers at all.
 */
class DynamicClientRegistrationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private WireMockServer authorizationServer;

	@BeforeEach
	void start() {
		this.authorizationServer = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		this.authorizationServer.start();
	}

	@AfterEach
	void stop() {
		this.authorizationServer.stop();
	}

	@Test
	void registersANativeClientWithTheLoopbackRedirectTheListenerSends() {
		answer(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody(
				"{\"client_id\":\"dyn-1\",\"client_name\":\"my-cli\",\"redirect_uris\":[\"http://127.0.0.1/callback\"],"
						+ "\"token_endpoint_auth_method\":\"none\",\"client_id_issued_at\":1700000000}"));
		McpClient client = registration().register(SERVER, metadata(this.authorizationServer, List.of("none")), null,
				List.of("mcp:read", "mcp:write"));
		assertThat(client.clientId()).isEqualTo("dyn-1");
		assertThat(client.clientSecret()).isNull();
		assertThat(client.method()).isEqualTo(ClientAuthenticationMethod.NONE);
		assertThat(client.issuer().toString()).isEqualTo(this.authorizationServer.baseUrl());
		assertThat(client.source()).isEqualTo(Source.DYNAMIC_REGISTRATION);
		assertThat(client.clientSecretExpiresAt()).isNull();
		this.authorizationServer.verify(1, postRequestedFor(urlEqualTo("/register"))
			.withHeader("Content-Type", equalTo("application/json"))
			.withHeader("Accept", equalTo("application/json")));
		JsonNode body = sentBody();
		assertThat(fieldNames(body)).containsExactlyInAnyOrder("client_name", "redirect_uris", "grant_types",
				"response_types", "token_endpoint_auth_method", "application_type", "scope");
		assertThat(body.get("client_name").asString()).isEqualTo("my-cli");
		assertThat(strings(body.get("redirect_uris"))).containsExactly("http://127.0.0.1/callback");
		assertThat(strings(body.get("grant_types"))).containsExactly("authorization_code", "refresh_token");
		assertThat(strings(body.get("response_types"))).containsExactly("code");
		assertThat(body.get("token_endpoint_auth_method").asString()).isEqualTo("none");
		assertThat(body.get("application_type").asString()).isEqualTo("native");
		assertThat(body.get("scope").asString()).isEqualTo("mcp:read mcp:write");
	}

	/**
	 * The device grant is asked for when the server offers it (endpoint and grant type), so that a login without a
	 * usable browser may take it; never for a server that does not list it.
	 */
	@ParameterizedTest
	@CsvSource({ "true, true, true", "true, false, false", "false, true, false" })
	void theDeviceGrantIsAskedForWhenTheServerOffersIt(boolean endpoint, boolean listed, boolean asked) {
		answerPublicClient();
		AuthorizationServerMetadata plain = metadata(this.authorizationServer, List.of("none"));
		AuthorizationServerMetadata server = new AuthorizationServerMetadata(plain.issuer(),
				plain.authorizationEndpoint(), plain.tokenEndpoint(), plain.registrationEndpoint(),
				endpoint ? URI.create(this.authorizationServer.baseUrl() + "/device_authorization") : null, null, null,
				plain.scopesSupported(), plain.tokenEndpointAuthMethodsSupported(),
				listed ? List.of("authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code")
						: List.of("authorization_code", "refresh_token"),
				false, plain.metadata());
		registration().register(SERVER, server, null, List.of());
		assertThat(strings(sentBody().get("grant_types"))).containsExactlyElementsOf(asked
				? List.of("authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code")
				: List.of("authorization_code", "refresh_token"));
	}

	@Test
	void withoutScopesNoScopeIsSent() {
		answerPublicClient();
		registration().register(SERVER, metadata(this.authorizationServer, List.of("none")), null, List.of());
		assertThat(fieldNames(sentBody())).doesNotContain("scope");
	}

	@Test
	void configuredListenerHostPathAndPortsAreWhatIsRegistered() {
		answerPublicClient();
		ListenerSettings listener = new ListenerSettings("[::1]", "/cb", List.of(8765, 8766), CallbackPages.defaults());
		DynamicClientRegistration registration = registration(listener);
		assertThat(registration.redirectUris()).hasSize(3);
		registration.register(SERVER, metadata(this.authorizationServer, List.of()), null, List.of());
		assertThat(strings(sentBody().get("redirect_uris"))).containsExactly("http://[::1]/cb",
				"http://[::1]:8765/cb", "http://[::1]:8766/cb");
	}

	@ParameterizedTest(name = "supported {0}, configured {1} -> {2}")
	@CsvSource(delimiter = ';', value = { "'';'';none", "none client_secret_basic;'';none",
			"client_secret_basic client_secret_post;'';client_secret_basic", "client_secret_post;'';client_secret_post",
			"private_key_jwt client_secret_post;'';client_secret_post", "NONE;'';none",
			"none;client_secret_post;client_secret_post" })
	void asksForNoneUnlessConfiguredOrTheServerDoesNotListIt(String supported, String configured, String asked) {
		answer(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody(
				"{\"client_id\":\"dyn-2\",\"client_secret\":\"" + SECRET + "\",\"token_endpoint_auth_method\":\"" + asked
						+ "\"}"));
		List<String> methods = supported.isBlank() ? List.of() : List.of(supported.split(" "));
		ClientAuthenticationMethod method = configured.isBlank() ? null : new ClientAuthenticationMethod(configured);
		McpClient client = registration().register(SERVER, metadata(this.authorizationServer, methods), method,
				List.of());
		assertThat(sentBody().get("token_endpoint_auth_method").asString()).isEqualTo(asked);
		assertThat(client.method().getValue()).isEqualTo(asked);
		assertThat(client.clientSecret()).isEqualTo("none".equals(asked) ? null : SECRET);
	}

	@Test
	void aServerThatListsOnlyMethodsThisProgramCannotUseIsNotAsked() {
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> registration().register(SERVER,
					metadata(this.authorizationServer, List.of("private_key_jwt", "tls_client_auth")), null, List.of()))
			.withMessageContaining("private_key_jwt")
			.withMessageContaining("Register a client in advance at " + this.authorizationServer.baseUrl())
			.satisfies((ex) -> assertThat(ex.getServer()).isEqualTo(SERVER));
		this.authorizationServer.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void theAnswersMethodSecretAndExpiryAreWhatIsUsed() {
		answer(aResponse().withStatus(201).withHeader("Content-Type", "application/json; charset=utf-8").withBody(
				"{\"client_id\":\"dyn-3\",\"client_secret\":\"" + SECRET + "\",\"client_secret_expires_at\":1900000000,"
						+ "\"token_endpoint_auth_method\":\"client_secret_post\",\"registration_access_token\":\"rat-"
						+ SECRET + "\",\"registration_client_uri\":\"" + this.authorizationServer.baseUrl()
						+ "/register/dyn-3\"}"));
		McpClient client = registration().register(SERVER, metadata(this.authorizationServer, List.of("none")), null,
				List.of());
		assertThat(sentBody().get("token_endpoint_auth_method").asString()).isEqualTo("none");
		assertThat(client.method()).isEqualTo(ClientAuthenticationMethod.CLIENT_SECRET_POST);
		assertThat(client.clientSecret()).isEqualTo(SECRET);
		assertThat(client.clientSecretExpiresAt()).isEqualTo(Instant.ofEpochSecond(1900000000));
		assertThat(client.toString()).doesNotContain(SECRET).contains("[hidden]");
	}

	@Test
	void withoutAMethodInTheAnswerTheOneAskedForIsUsedAndAnUnusedSecretIsNotKept() {
		// What the MCP conformance suite's authorization server answers by default.
		answer(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody(
				"{\"client_id\":\"test-client-id\",\"client_secret\":\"test-client-secret\",\"client_name\":\"my-cli\","
						+ "\"redirect_uris\":[\"http://127.0.0.1/callback\"],\"client_secret_expires_at\":0}"));
		McpClient client = registration().register(SERVER, metadata(this.authorizationServer, List.of("none")), null,
				List.of());
		assertThat(client.method()).isEqualTo(ClientAuthenticationMethod.NONE);
		assertThat(client.clientSecret()).isNull();
		assertThat(client.clientSecretExpiresAt()).isNull();
	}

	@Test
	void aConfidentialClientWithoutSecretIsRefused() {
		answer(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
			.withBody("{\"client_id\":\"dyn-4\",\"token_endpoint_auth_method\":\"client_secret_basic\"}"));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> registration().register(SERVER, metadata(this.authorizationServer, List.of()), null,
					List.of()))
			.withMessageContaining("client_secret_basic but sent no client_secret");
	}

	@Test
	void aMethodThisProgramCannotUseInTheAnswerIsRefused() {
		answer(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody(
				"{\"client_id\":\"dyn-5\",\"token_endpoint_auth_method\":\"private_key_jwt\"}"));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> registration().register(SERVER, metadata(this.authorizationServer, List.of()), null,
					List.of()))
			.withMessageContaining("'private_key_jwt', which this program cannot use");
	}

	@Test
	void invalidRedirectUriSaysTheLoopbackRedirectIsRefusedAndWhatToDo() {
		answer(aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody(
				"{\"error\":\"invalid_redirect_uri\",\"error_description\":\"loopback redirects are not allowed\"}"));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> registration().register(SERVER, metadata(this.authorizationServer, List.of()), null,
					List.of()))
			.withMessageContaining("status 400, invalid_redirect_uri: loopback redirects are not allowed")
			.withMessageContaining("[http://127.0.0.1/callback]")
			.withMessageContaining("Register a client in advance with a loopback redirect URI")
			.withMessageContaining("Client ID Metadata Document");
	}

	@Test
	void invalidClientMetadataSaysTheMetadataIsRefusedAndWhatToDo() {
		answer(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_client_metadata\",\"error_description\":\"public clients not allowed\"}"));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> registration().register(SERVER, metadata(this.authorizationServer, List.of()), null,
					List.of()))
			.withMessageContaining("invalid_client_metadata: public clients not allowed")
			.withMessageContaining("does not accept this program's client metadata")
			.withMessageContaining("Register a client in advance");
	}

	@Test
	void aRegistrationEndpointThatWantsAnInitialAccessTokenSaysSo() {
		answer(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Bearer")
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_token\"}"));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> registration().register(SERVER, metadata(this.authorizationServer, List.of()), null,
					List.of()))
			.withMessageContaining("requires an initial access token")
			.withMessageContaining("401, invalid_token")
			.withMessageContaining("Register a client in advance");
	}

	@Test
	void anAnswerThatIsNotJsonIsReportedWithoutItsBody() {
		answer(aResponse().withStatus(200).withHeader("Content-Type", "text/html")
			.withBody("<html>Welcome " + SECRET + "</html>"));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> registration().register(SERVER, metadata(this.authorizationServer, List.of()), null,
					List.of()))
			.withMessageContaining("not with a JSON client information response (content type text/html)")
			.withMessageNotContaining(SECRET);
	}

	@Test
	void anErrorPageThatIsNotJsonSaysTheStatus() {
		answer(aResponse().withStatus(503).withHeader("Content-Type", "text/plain").withBody("down for maintenance"));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> registration().register(SERVER, metadata(this.authorizationServer, List.of()), null,
					List.of()))
			.withMessageContaining("status 503)")
			.withMessageContaining("Try again later")
			.withMessageNotContaining("maintenance");
	}

	@Test
	void aJsonAnswerWithoutClientIdIsRefused() {
		answer(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
			.withBody("{\"client_name\":\"my-cli\"}"));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> registration().register(SERVER, metadata(this.authorizationServer, List.of()), null,
					List.of()))
			.withMessageContaining("without a client_id");
	}

	@Test
	void anUnreachableEndpointSaysSo() {
		String base = this.authorizationServer.baseUrl();
		this.authorizationServer.stop();
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> registration().register(SERVER,
					metadata(base, base + "/register", List.of(), false), null, List.of()))
			.withMessageContaining("could not be reached")
			.withMessageContaining(base + "/register");
	}

	@Test
	void noSecretInLogsEvenAtTraceNorInToString() {
		answer(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody(
				"{\"client_id\":\"dyn-6\",\"client_secret\":\"" + SECRET + "\",\"registration_access_token\":\"rat-"
						+ SECRET + "\",\"token_endpoint_auth_method\":\"client_secret_basic\"}"));
		McpClient client;
		Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		Level level = root.getLevel();
		root.setLevel(Level.TRACE);
		try (CapturedLogs logs = new CapturedLogs()) {
			client = registration().register(SERVER, metadata(this.authorizationServer, List.of()), null, List.of());
			assertThat(logs.text()).contains("Registered a client for the MCP server " + SERVER)
				.doesNotContain(SECRET);
		}
		finally {
			root.setLevel(level);
		}
		assertThat(client.clientSecret()).isEqualTo(SECRET);
		assertThat(client.toString()).doesNotContain(SECRET);
	}

	@ParameterizedTest(name = "client_secret_expires_at {0}")
	@CsvSource(delimiter = ';', value = { "9e18", "1e30", "99999999999999999999", "-5", "'\"soon\"'",
			"9223372036854775807", "253402300800" })
	void anAbsurdSecretExpiryIsTakenAsNeverExpiringWithAWarning(String expires) {
		answer(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
			.withBody("{\"client_id\":\"dyn-e\",\"client_secret\":\"" + SECRET + "\","
					+ "\"token_endpoint_auth_method\":\"client_secret_basic\",\"client_secret_expires_at\":" + expires
					+ "}"));
		try (CapturedLogs logs = new CapturedLogs()) {
			McpClient client = registration().register(SERVER,
					metadata(this.authorizationServer, List.of("client_secret_basic")), null, List.of());
			assertThat(client.clientSecretExpiresAt()).isNull();
			assertThat(client.clientSecret()).isEqualTo(SECRET);
			assertThat(logs.text()).contains("client_secret_expires_at that is not a time in seconds")
				.doesNotContain(SECRET);
		}
	}

	@Test
	void theLatestPlausibleSecretExpiryIsKept() {
		answer(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
			.withBody("{\"client_id\":\"dyn-e\",\"client_secret\":\"" + SECRET + "\","
					+ "\"token_endpoint_auth_method\":\"client_secret_basic\",\"client_secret_expires_at\":253402300799}"));
		McpClient client = registration().register(SERVER,
				metadata(this.authorizationServer, List.of("client_secret_basic")), null, List.of());
		assertThat(client.clientSecretExpiresAt()).isEqualTo(Instant.parse("9999-12-31T23:59:59Z"));
	}

	@Test
	void aContentTypeThatIsNotAMediaTypeIsNotJson() {
		answer(aResponse().withStatus(201).withHeader("Content-Type", "foo")
			.withBody("{\"client_id\":\"dyn-1\",\"token_endpoint_auth_method\":\"none\"}"));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> registration().register(SERVER, metadata(this.authorizationServer, List.of("none")), null,
					List.of()))
			.withMessageContaining("not with a JSON client information response (content type foo)")
			.withMessageContaining("Check that the registration_endpoint in its metadata is right");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = ';', value = { "client_id;{\"client_id\":4711}",
			"client_id;{\"client_id\":{\"value\":\"x\"}}",
			"client_secret;{\"client_id\":\"dyn-1\",\"client_secret\":42,\"token_endpoint_auth_method\":\"client_secret_basic\"}",
			"token_endpoint_auth_method;{\"client_id\":\"dyn-1\",\"token_endpoint_auth_method\":[\"none\"]}" })
	void fieldsOfTheWrongJsonTypeAreAClearError(String field, String body) {
		answer(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody(body));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> registration().register(SERVER, metadata(this.authorizationServer, List.of("none")), null,
					List.of()))
			.withMessageContaining("with a " + field + " that is not a JSON string")
			.withMessageContaining("register a client in advance");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = ';', value = { "carriage return and line feed;dyn\\r\\nINFO forged line",
			"escape;dyn\\u001b[31mred", "bidi override;dyn\\u202eevil", "line separator;dyn\\u2028x" })
	void aClientIdWithControlCharactersIsRefused(String what, String clientId) {
		answer(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
			.withBody("{\"client_id\":\"" + clientId + "\",\"token_endpoint_auth_method\":\"none\"}"));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> registration().register(SERVER, metadata(this.authorizationServer, List.of("none")), null,
					List.of()))
			.withMessageContaining("with a client_id that holds control or invisible formatting characters")
			.withMessageNotContaining("forged")
			.withMessageNotContaining("evil");
	}

	@Test
	void overLongClientIdsAndSecretsAreRefused() {
		String longId = "i".repeat(DynamicClientRegistration.MAX_CLIENT_ID + 1);
		answer(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
			.withBody("{\"client_id\":\"" + longId + "\",\"token_endpoint_auth_method\":\"none\"}"));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> registration().register(SERVER, metadata(this.authorizationServer, List.of("none")), null,
					List.of()))
			.withMessageContaining("with a client_id that is 1001 characters long (at most 1000 are kept)")
			.withMessageNotContaining(longId);
		String longSecret = SECRET + "x".repeat(DynamicClientRegistration.MAX_CLIENT_SECRET);
		answer(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
			.withBody("{\"client_id\":\"dyn-1\",\"client_secret\":\"" + longSecret
					+ "\",\"token_endpoint_auth_method\":\"client_secret_basic\"}"));
		assertThatExceptionOfType(McpAuthorizationException.class)
			.isThrownBy(() -> registration().register(SERVER,
					metadata(this.authorizationServer, List.of("client_secret_basic")), null, List.of()))
			.withMessageContaining("with a client_secret that is")
			.withMessageNotContaining(SECRET);
		String longestId = "i".repeat(DynamicClientRegistration.MAX_CLIENT_ID);
		answer(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
			.withBody("{\"client_id\":\"" + longestId + "\",\"token_endpoint_auth_method\":\"none\"}"));
		assertThat(registration().register(SERVER, metadata(this.authorizationServer, List.of("none")), null, List.of())
			.clientId()).isEqualTo(longestId);
	}

	/**
	 * RFC 8414 reads an omitted token_endpoint_auth_methods_supported as client_secret_basic; this program asks for
	 * none all the same (a native public client) and uses what the server registered.
	 */
	@Test
	void withoutTheServersListNoneIsAskedForAndTheAnswersMethodIsUsed() {
		answer(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
			.withBody("{\"client_id\":\"dyn-b\",\"client_secret\":\"" + SECRET
					+ "\",\"token_endpoint_auth_method\":\"client_secret_basic\"}"));
		McpClient client = registration().register(SERVER, metadata(this.authorizationServer, List.of()), null,
				List.of());
		assertThat(sentBody().get("token_endpoint_auth_method").asString()).isEqualTo("none");
		assertThat(client.method()).isEqualTo(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
		assertThat(client.clientSecret()).isEqualTo(SECRET);
	}

	private void answer(ResponseDefinitionBuilder response) {
		this.authorizationServer.stubFor(post(urlEqualTo("/register")).willReturn(response));
	}

	private void answerPublicClient() {
		answer(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
			.withBody("{\"client_id\":\"dyn-p\",\"token_endpoint_auth_method\":\"none\"}"));
	}

	private JsonNode sentBody() {
		List<com.github.tomakehurst.wiremock.verification.LoggedRequest> requests = this.authorizationServer
			.findAll(postRequestedFor(urlEqualTo("/register")));
		assertThat(requests).hasSize(1);
		return json.readTree(requests.get(0).getBodyAsString());
	}

	private static Set<String> fieldNames(JsonNode node) {
		return Set.copyOf(node.propertyNames());
	}

	private static List<String> strings(JsonNode array) {
		assertThat(array.isArray()).isTrue();
		List<String> values = new ArrayList<>();
		array.forEach((value) -> values.add(value.asString()));
		return values;
	}

}
