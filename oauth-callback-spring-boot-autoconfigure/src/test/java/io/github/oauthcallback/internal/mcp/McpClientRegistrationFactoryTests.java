package io.github.oauthcallback.internal.mcp;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.oauthcallback.internal.device.DeviceEndpoints;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The device authorization endpoint an MCP server's registration carries, which decides whether its logins may take
 * the device grant ({@link DeviceEndpoints} reads it): only that of an authorization server that offers the grant,
 * so a client it was not offered to (a dynamic registration then does not ask for it) never tries it.
 */
class McpClientRegistrationFactoryTests {

	private static final String ISSUER = "https://as.example";

	private static final String DEVICE_ENDPOINT = ISSUER + "/device_authorization";

	private static final String DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code";

	@ParameterizedTest
	@CsvSource({ "true, true, true", "true, false, false", "false, true, false", "false, false, false" })
	void theDeviceEndpointIsKeptOnlyWhenTheServerOffersTheGrant(boolean endpoint, boolean listed, boolean kept) {
		List<String> grants = listed ? List.of("authorization_code", "refresh_token", DEVICE_CODE)
				: List.of("authorization_code", "refresh_token");
		Map<String, Object> document = endpoint
				? Map.of("issuer", ISSUER, "grant_types_supported", grants, DeviceEndpoints.METADATA_NAME, DEVICE_ENDPOINT)
				: Map.of("issuer", ISSUER, "grant_types_supported", grants);
		AuthorizationServerMetadata server = new AuthorizationServerMetadata(URI.create(ISSUER),
				URI.create(ISSUER + "/authorize"), URI.create(ISSUER + "/token"), null,
				endpoint ? URI.create(DEVICE_ENDPOINT) : null, null, null, List.of(), List.of("none"), grants, false,
				document);
		assertThat(server.offersDeviceGrant()).isEqualTo(kept);
		McpServerMetadata metadata = new McpServerMetadata(new ProtectedResourceMetadata(
				URI.create("https://mcp.example/mcp"), List.of(URI.create(ISSUER)), List.of()), server);
		ClientRegistration registration = new McpClientRegistrationFactory("cli").build("mcp-x", metadata,
				new McpClientCredentials("client-1", null, ClientAuthenticationMethod.NONE, URI.create(ISSUER)),
				Set.of());
		URI device = new DeviceEndpoints(Map.of()).of(registration);
		assertThat(device).isEqualTo(kept ? URI.create(DEVICE_ENDPOINT) : null);
		assertThat(registration.getProviderDetails().getConfigurationMetadata()).containsEntry("issuer", ISSUER)
			.containsEntry("grant_types_supported", grants);
	}

}
