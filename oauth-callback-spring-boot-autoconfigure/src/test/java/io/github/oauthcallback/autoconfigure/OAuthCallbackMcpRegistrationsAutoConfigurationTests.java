package io.github.oauthcallback.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import io.github.oauthcallback.ReauthorizationRequiredException;
import io.github.oauthcallback.authorize.LoopbackAuthorizer;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.internal.Registrations;
import io.github.oauthcallback.internal.mcp.McpClientRegistrationRepository;
import io.github.oauthcallback.internal.mcp.McpRegistrations;
import io.github.oauthcallback.mcp.OAuthCallbackMcpTransports;
import io.github.oauthcallback.store.TokenStore;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.reactive.ReactiveOAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.servlet.OAuth2ClientWebSecurityAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link OAuthCallbackMcpRegistrationsAutoConfiguration}: the MCP servers' registrations and what they let come up
 * with MCP servers alone (the store's MCP-only condition), the application's repository bean staying its own while
 * the starter's store and manager also find the MCP servers', what backs off, the reactive repository in place of
 * Spring Boot's, pre-registered clients of MCP servers needing no provider, without the SDK or when turned off, and
 * servlet and reactive web applications getting no MCP-only registrations.
 */
class OAuthCallbackMcpRegistrationsAutoConfigurationTests {

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

	private static String[] demoRegistration() {
		return new String[] { DEMO + "client-id=cli", DEMO + "authorization-grant-type=authorization_code",
				DEMO + "client-authentication-method=none", DEMO + "redirect-uri=http://127.0.0.1/callback",
				DEMO + "provider=demo",
				"spring.security.oauth2.client.provider.demo.authorization-uri=https://idp.example/authorize",
				"spring.security.oauth2.client.provider.demo.token-uri=https://idp.example/token" };
	}

	@Test
	void withMcpServersAloneTheStoreTheLoginAndTheManagerComeUp() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(McpRegistrations.class)
				.hasSingleBean(TokenStore.class)
				.hasSingleBean(LoopbackAuthorizer.class)
				.hasSingleBean(OAuthCallbackAuthorizedClientManager.class);
			ClientRegistrationRepository repository = context.getBean(ClientRegistrationRepository.class);
			assertThat(repository).isInstanceOfSatisfying(McpClientRegistrationRepository.class,
					(mcp) -> assertThat(mcp.application()).isNull());
		});
	}

	@Test
	void theApplicationsRepositoryBeanStaysItsOwnAndOnlyTheStartersBeansSeeTheMcpServers() {
		runner().withPropertyValues(demoRegistration()).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(ClientRegistrationRepository.class);
			// An application injecting the concrete type gets it.
			InMemoryClientRegistrationRepository repository = context.getBean(InMemoryClientRegistrationRepository.class);
			assertThat(context.getBean(ClientRegistrationRepository.class)).isSameAs(repository);
			ClientRegistration server = mcpServerRegistration();
			context.getBean(McpRegistrations.class).put(serverEntry(server));
			assertThat(repository.findByRegistrationId(server.getRegistrationId()))
				.as("the application's repository (and what oauth2Login lists) holds no MCP server")
				.isNull();
			assertThat(Registrations.ids(repository)).containsExactly("demo");
			assertStartersBeansFindTheServer(context, server);
			// The application's registrations are still the manager's: known, only without a stored login here.
			assertThatExceptionOfType(ReauthorizationRequiredException.class)
				.isThrownBy(() -> context.getBean(OAuthCallbackAuthorizedClientManager.class)
					.authorize(OAuth2AuthorizeRequest.withClientRegistrationId("demo").principal("ada").build()));
		});
	}

	/**
	 * A login stored for the server: the store reads it back and the client manager returns it, which both need the
	 * server's registration (the manager refuses an unknown registration id).
	 */
	private static void assertStartersBeansFindTheServer(ApplicationContext context,
			ClientRegistration server) {
		Instant now = Instant.now();
		OAuth2AuthorizedClient login = new OAuth2AuthorizedClient(server, "ada", new OAuth2AccessToken(
				OAuth2AccessToken.TokenType.BEARER, "mcp-access", now, now.plusSeconds(3600), Set.of("mcp:basic")));
		context.getBean(OAuth2AuthorizedClientService.class)
			.saveAuthorizedClient(login, UsernamePasswordAuthenticationToken.authenticated("ada", null, List.of()));
		assertThat(context.getBean(TokenStore.class)
			.<OAuth2AuthorizedClient>loadAuthorizedClient(server.getRegistrationId(), "ada")).isNotNull();
		OAuth2AuthorizedClient authorized = context.getBean(OAuthCallbackAuthorizedClientManager.class)
			.authorize(OAuth2AuthorizeRequest.withClientRegistrationId(server.getRegistrationId())
				.principal("ada")
				.build());
		assertThat(authorized).isNotNull();
		assertThat(authorized.getAccessToken().getScopes()).containsExactly("mcp:basic");
	}

	private static McpRegistrations.Entry serverEntry(ClientRegistration registration) {
		URI server = URI.create("http://localhost:3000/mcp");
		return new McpRegistrations.Entry(server, registration, server, true, false);
	}

	private static ClientRegistration mcpServerRegistration() {
		return ClientRegistration.withRegistrationId("mcp-localhost-0123456789")
			.clientId("dynamic-client")
			.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("http://127.0.0.1/callback")
			.scope("mcp:basic")
			.authorizationUri("http://localhost:3001/authorize")
			.tokenUri("http://localhost:3001/token")
			.build();
	}

	@Test
	void aPreRegisteredClientOfAnMcpServerNeedsNoProviderAndIsNotMappedAsOne() {
		runner().withPropertyValues(mcpPreRegisteredClient()).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(OAuthCallbackAuthorizedClientManager.class);
			assertThat(context.getBean(ClientRegistrationRepository.class).findByRegistrationId("conformance"))
				.as("its provider is the MCP server's authorization server, found when the server is used")
				.isNull();
			// Reactor is on the classpath with the SDK: Spring Boot's reactive mapping would refuse it.
			assertThat(context.getBean(ReactiveClientRegistrationRepository.class))
				.isInstanceOfSatisfying(ApplicationReactiveClientRegistrations.class,
						(reactive) -> assertThat(reactive).isEmpty());
		});
	}

	private static String[] mcpPreRegisteredClient() {
		return new String[] { "spring.security.oauth2.client.registration.conformance.client-id=pre-registered",
				"spring.security.oauth2.client.registration.conformance.client-secret=s3cret",
				"spring.security.oauth2.client.registration.conformance.client-authentication-method="
						+ "client_secret_basic",
				"oauth-callback.mcp.servers.conformance.url=http://localhost:3000/mcp",
				"oauth-callback.mcp.servers.conformance.registration=conformance" };
	}

	@Test
	void theReactiveRepositoryInPlaceOfSpringBootsListsAndFindsTheApplicationsRegistrationsOnly() {
		runner().withPropertyValues(mcpPreRegisteredClient()).withPropertyValues(demoRegistration()).run((context) -> {
			assertThat(context).hasNotFailed();
			ReactiveClientRegistrationRepository reactive = context.getBean(ReactiveClientRegistrationRepository.class);
			// Iterable like Spring Boot's InMemoryReactiveClientRegistrationRepository.
			assertThat(reactive).isInstanceOfSatisfying(Iterable.class, (registrations) -> assertThat(registrations)
				.extracting((registration) -> ((ClientRegistration) registration).getRegistrationId())
				.containsExactly("demo"));
			assertThat(reactive.findByRegistrationId("demo").block()).isNotNull();
			assertThat(reactive.findByRegistrationId("conformance").block()).isNull();
			context.getBean(McpRegistrations.class).put(serverEntry(mcpServerRegistration()));
			assertThat(reactive.findByRegistrationId("mcp-localhost-0123456789").block()).isNull();
		});
	}

	@Test
	void withoutAPreRegisteredClientOfAnMcpServerSpringBootsReactiveRepositoryStays() {
		runner().withPropertyValues(demoRegistration())
			.run((context) -> assertThat(context).hasNotFailed()
				.getBean(ReactiveClientRegistrationRepository.class)
				.isInstanceOf(InMemoryReactiveClientRegistrationRepository.class));
		runner().run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(ReactiveClientRegistrationRepository.class));
	}

	@Test
	void withoutTheSdkNothingOfMcpAndNoStoreWithoutRegistrations() {
		runner().withClassLoader(new FilteredClassLoader(HttpClientStreamableHttpTransport.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(McpRegistrations.class)
				.doesNotHaveBean(TokenStore.class)
				.doesNotHaveBean(ClientRegistrationRepository.class)
				.doesNotHaveBean(OAuthCallbackAuthorizedClientManager.class));
	}

	@Test
	void turnedOffNothingOfMcpAndTheApplicationsRepositoryIsNotWrapped() {
		runner().withPropertyValues("oauth-callback.mcp.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(McpRegistrations.class)
				.doesNotHaveBean(TokenStore.class));
		runner().withPropertyValues("oauth-callback.mcp.enabled=false")
			.withPropertyValues(demoRegistration())
			.run((context) -> assertThat(context.getBean(ClientRegistrationRepository.class))
				.isInstanceOf(InMemoryClientRegistrationRepository.class));
	}

	@Test
	void theRegistrationsBackOffForOnesOfTheApplicationAndItsRepositoryStaysAsItIs() {
		McpRegistrations own = new McpRegistrations();
		ClientRegistrationRepository repository = (id) -> null;
		runner().withBean(McpRegistrations.class, () -> own)
			.withBean("myRepository", ClientRegistrationRepository.class, () -> repository)
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(McpRegistrations.class);
				assertThat(context.getBean(McpRegistrations.class)).isSameAs(own);
				assertThat(context.getBean(ClientRegistrationRepository.class)).isSameAs(repository);
				assertThat(context).doesNotHaveBean("oauthCallbackMcpClientRegistrationRepository");
				ClientRegistration server = mcpServerRegistration();
				own.put(serverEntry(server));
				assertStartersBeansFindTheServer(context, server);
			});
	}

	@Test
	void aServletWebApplicationWithTheSdkAndNoRegistrationsGetsNoStoreAndNoOAuth2LoginFromTheStarter() {
		webRunner().run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(ClientRegistrationRepository.class)
			.doesNotHaveBean(OAuth2AuthorizedClientService.class)
			.doesNotHaveBean(TokenStore.class)
			.doesNotHaveBean(LoopbackAuthorizer.class)
			.doesNotHaveBean(OAuthCallbackMcpTransports.class)
			.doesNotHaveBean(OAuth2AuthorizedClientRepository.class)
			.doesNotHaveBean("oauth2SecurityFilterChain"));
	}

	@Test
	void aServletWebApplicationWithRegistrationsAndTheSdkKeepsItsRepositoryAndGetsMcpTransports() {
		webRunner().withPropertyValues(demoRegistration()).run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(TokenStore.class)
				.hasSingleBean(OAuthCallbackMcpTransports.class)
				.hasBean("oauth2SecurityFilterChain");
			InMemoryClientRegistrationRepository repository = context.getBean(InMemoryClientRegistrationRepository.class);
			ClientRegistration server = mcpServerRegistration();
			context.getBean(McpRegistrations.class).put(serverEntry(server));
			assertThat(Registrations.ids(repository)).as("what oauth2Login lists").containsExactly("demo");
			assertStartersBeansFindTheServer(context, server);
		});
	}

	@Test
	void aReactiveWebApplicationWithTheSdkAndNoRegistrationsGetsNothingFromTheStarter() {
		new ReactiveWebApplicationContextRunner().withConfiguration(AutoConfigurations.of(
				OAuthCallbackDiscoveryAutoConfiguration.class, OAuthCallbackMcpRegistrationsAutoConfiguration.class,
				OAuth2ClientAutoConfiguration.class, OAuthCallbackStoreAutoConfiguration.class,
				OAuthCallbackLoginAutoConfiguration.class, OAuthCallbackClientManagerAutoConfiguration.class,
				OAuthCallbackMcpAutoConfiguration.class, ReactiveOAuth2ClientAutoConfiguration.class))
			.withPropertyValues("oauth-callback.store.file.path=" + this.dir.resolve("tokens.json"))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(ClientRegistrationRepository.class)
				.doesNotHaveBean(ReactiveClientRegistrationRepository.class)
				.doesNotHaveBean(OAuth2AuthorizedClientService.class)
				.doesNotHaveBean(TokenStore.class)
				.doesNotHaveBean(OAuthCallbackMcpTransports.class));
	}

	private WebApplicationContextRunner webRunner() {
		return new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuthCallbackDiscoveryAutoConfiguration.class,
					OAuthCallbackMcpRegistrationsAutoConfiguration.class, OAuth2ClientAutoConfiguration.class,
					OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class,
					OAuthCallbackClientManagerAutoConfiguration.class, OAuthCallbackMcpAutoConfiguration.class,
					ReactiveOAuth2ClientAutoConfiguration.class, SecurityAutoConfiguration.class,
					ServletWebSecurityAutoConfiguration.class, OAuth2ClientWebSecurityAutoConfiguration.class))
			.withPropertyValues("oauth-callback.store.file.path=" + this.dir.resolve("tokens.json"));
	}

}
