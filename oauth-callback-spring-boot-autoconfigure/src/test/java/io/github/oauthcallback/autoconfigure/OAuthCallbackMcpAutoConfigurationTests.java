package io.github.oauthcallback.autoconfigure;

import java.nio.file.Path;

import io.github.oauthcallback.internal.mcp.McpAuthorizations;
import io.github.oauthcallback.internal.mcp.McpRegistrations;
import io.github.oauthcallback.internal.mcp.discovery.McpMetadataDiscovery;
import io.github.oauthcallback.internal.mcp.registration.FileRegisteredClients;
import io.github.oauthcallback.internal.mcp.registration.InMemoryRegisteredClients;
import io.github.oauthcallback.internal.mcp.registration.JdbcRegisteredClients;
import io.github.oauthcallback.internal.mcp.registration.McpClientIdentities;
import io.github.oauthcallback.internal.mcp.registration.RegisteredClients;
import io.github.oauthcallback.mcp.OAuthCallbackMcpTransports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.reactive.ReactiveOAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.registration.ClientRegistration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link OAuthCallbackMcpAutoConfiguration}: the transports and their parts (discovery, the store of registered
 * clients, identities, authorizations), which back off, where dynamic registrations are kept, the resource of an MCP
 * server's registration, and the checks of {@code oauth-callback.mcp.*}. The tests of the MCP servers' registrations
 * are in {@link OAuthCallbackMcpRegistrationsAutoConfigurationTests}.
 */
class OAuthCallbackMcpAutoConfigurationTests {

	private static final String DEMO = "spring.security.oauth2.client.registration.demo.";

	@TempDir
	Path dir;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuthCallbackDiscoveryAutoConfiguration.class,
					OAuthCallbackMcpRegistrationsAutoConfiguration.class, OAuth2ClientAutoConfiguration.class,
					OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class,
					OAuthCallbackClientManagerAutoConfiguration.class, OAuthCallbackMcpAutoConfiguration.class,
					ReactiveOAuth2ClientAutoConfiguration.class))
			.withPropertyValues("oauth-callback.store.file.path=" + this.dir.resolve("tokens.json"));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"oauth-callback.mcp.max-authorization-attempts|0|It must be between 1 and 10",
			"oauth-callback.mcp.max-authorization-attempts|11|It must be between 1 and 10",
			"oauth-callback.mcp.client-id-metadata-document|http://app.example/client.json|It must be an https URL with a path",
			"oauth-callback.mcp.client-id-metadata-document|https://app.example|It must be an https URL with a path",
			"oauth-callback.mcp.servers.x.url|http://mcp.example/mcp|requires https for every server but one on this machine",
			"oauth-callback.mcp.servers.x.url|/mcp|is not an absolute http(s) URL with a host",
			"oauth-callback.mcp.servers.x.token-endpoint-auth-method|private_key_jwt|It must be one of none, client_secret_basic, client_secret_post",
			"oauth-callback.mcp.servers.x.issuer|http://as.example|It must be the authorization server's issuer" })
	void invalidValuesFailNamingThePropertyAndWhatIsValid(String name, String value, String valid) {
		runner().withPropertyValues(name + "=" + value, "oauth-callback.mcp.servers.x.url=https://mcp.example/mcp")
			.withPropertyValues(name + "=" + value)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo(name);
					assertThat(ex.getReason()).contains(valid);
				}));
	}

	@Test
	void theTransportsAndTheirPartsComeUpAndEachBacksOffForOneOfTheApplication() {
		runner().run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(OAuthCallbackMcpTransports.class)
			.hasSingleBean(McpAuthorizations.class)
			.hasSingleBean(McpMetadataDiscovery.class)
			.hasSingleBean(McpClientIdentities.class)
			.getBean(RegisteredClients.class)
			.isInstanceOf(FileRegisteredClients.class));
		OAuthCallbackMcpTransports own = new OAuthCallbackMcpTransports(null);
		InMemoryRegisteredClients registered = new InMemoryRegisteredClients();
		runner().withBean(OAuthCallbackMcpTransports.class, () -> own)
			.withBean(RegisteredClients.class, () -> registered)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(OAuthCallbackMcpTransports.class)).isSameAs(own);
				assertThat(context.getBean(RegisteredClients.class)).isSameAs(registered);
			});
	}

	@Test
	void dynamicRegistrationsAreKeptWhereTheTokensAre() {
		runner().withPropertyValues("oauth-callback.store.type=memory")
			.run((context) -> assertThat(context.getBean(RegisteredClients.class))
				.isInstanceOf(InMemoryRegisteredClients.class));
		runner().withPropertyValues("oauth-callback.store.type=jdbc", "spring.datasource.url=jdbc:h2:mem:mcp-clients",
				"spring.datasource.username=sa")
			.withConfiguration(AutoConfigurations.of(
					org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration.class))
			.run((context) -> assertThat(context.getBean(RegisteredClients.class))
				.isInstanceOf(JdbcRegisteredClients.class));
	}

	@Test
	void withoutTheClientManagerThereAreNoTransports() {
		runner().withBean(org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager.class,
				() -> (request) -> null)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(OAuthCallbackMcpTransports.class));
	}

	@Test
	void twoEntriesForOneServerOrOneRegistrationAreRefusedNamingBoth() {
		runner().withPropertyValues("oauth-callback.mcp.servers.a.url=https://mcp.example.com/mcp",
				"oauth-callback.mcp.servers.b.url=https://MCP.example.com:443/mcp/")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo("oauth-callback.mcp.servers.b.url");
					assertThat(ex.getReason()).contains("oauth-callback.mcp.servers.a");
				}));
		runner().withPropertyValues(DEMO + "client-id=cli", "oauth-callback.mcp.servers.a.url=https://one.example/mcp",
				"oauth-callback.mcp.servers.a.registration=demo",
				"oauth-callback.mcp.servers.b.url=https://two.example/mcp",
				"oauth-callback.mcp.servers.b.registration=demo")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo("oauth-callback.mcp.servers.b.registration");
					assertThat(ex.getReason()).contains("oauth-callback.mcp.servers.a").contains("'demo'");
				}));
	}

	@Test
	void aConfiguredResourceForAServersPreRegisteredClientIsRefused() {
		runner().withPropertyValues(DEMO + "client-id=cli", "oauth-callback.mcp.servers.a.url=https://one.example/mcp",
				"oauth-callback.mcp.servers.a.registration=demo",
				"oauth-callback.registrations.demo.resource=https://api.example/")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo("oauth-callback.registrations.demo.resource");
					assertThat(ex.getReason()).contains("oauth-callback.mcp.servers.a");
				}));
	}

	@Test
	void aServerUrlWithAPasswordIsRefusedWithoutShowingIt() {
		runner().withPropertyValues("oauth-callback.mcp.servers.x.url=http://ada:pw-Secret-9@mcp.example/mcp")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo("oauth-callback.mcp.servers.x.url");
					assertThat(ex.getReason()).contains("user-info");
					assertThat(String.valueOf(ex.getValue()) + ex.getMessage()).doesNotContain("pw-Secret-9");
				}));
	}

	@Test
	void anMcpServersDiscoveredResourceWinsOverAConfiguredOne() {
		McpRegistrations registrations = new McpRegistrations();
		ClientRegistration registration = ClientRegistration.withRegistrationId("mcp-one")
			.clientId("cli")
			.authorizationGrantType(org.springframework.security.oauth2.core.AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("http://127.0.0.1/callback")
			.authorizationUri("https://as.example/authorize")
			.tokenUri("https://as.example/token")
			.build();
		registrations.put(new McpRegistrations.Entry(java.net.URI.create("https://one.example/mcp"), registration,
				java.net.URI.create("https://one.example/mcp"), true, false));
		// a registration the application declares under the id an MCP server's registration takes
		String declared = "spring.security.oauth2.client.registration.mcp-one.";
		runner().withPropertyValues(declared + "client-id=cli", declared + "authorization-grant-type=authorization_code",
				declared + "client-authentication-method=none", declared + "redirect-uri=http://127.0.0.1/callback",
				declared + "provider=demo",
				"spring.security.oauth2.client.provider.demo.authorization-uri=https://idp.example/authorize",
				"spring.security.oauth2.client.provider.demo.token-uri=https://idp.example/token",
				"oauth-callback.registrations.mcp-one.resource=https://elsewhere.example/")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				OAuthCallbackProperties properties = context.getBean(OAuthCallbackProperties.class);
				org.springframework.beans.factory.support.StaticListableBeanFactory beans = new org.springframework.beans.factory.support.StaticListableBeanFactory(
						java.util.Map.of("mcp", registrations));
				assertThat(TokenEndpointRestClients
					.resourceIndicators(properties,
							beans.getBeanProvider(io.github.oauthcallback.internal.tokenendpoint.ResourceIndicators.class))
					.resource(registration)).isEqualTo(java.net.URI.create("https://one.example/mcp"));
			});
	}

	@Test
	void aServerWithoutUrlOrWithAnUndeclaredRegistrationIsRefused() {
		runner().withPropertyValues("oauth-callback.mcp.servers.x.registration=nope")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("oauth-callback.mcp.servers.x.url")));
		runner().withPropertyValues("oauth-callback.mcp.servers.x.url=https://mcp.example.com/mcp",
				"oauth-callback.mcp.servers.x.registration=nope")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo("oauth-callback.mcp.servers.x.registration");
					assertThat(ex.getReason()).contains("No registration 'nope' is declared");
				}));
	}

}
