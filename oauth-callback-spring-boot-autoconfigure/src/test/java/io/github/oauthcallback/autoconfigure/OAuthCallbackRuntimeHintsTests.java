package io.github.oauthcallback.autoconfigure;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.github.oauthcallback.internal.discovery.DiscoveredProvider;
import io.github.oauthcallback.internal.loopback.CallbackPages;
import io.github.oauthcallback.internal.mcp.AuthorizationServerMetadata;
import io.github.oauthcallback.internal.mcp.ProtectedResourceMetadata;
import io.github.oauthcallback.internal.mcp.discovery.CachedMcpServerMetadata;
import io.github.oauthcallback.internal.store.SealedLogin;
import io.github.oauthcallback.internal.store.TokenFileDocument;
import io.github.oauthcallback.support.AotHintChecks;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.AotServices;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientProperties;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link OAuthCallbackRuntimeHints}, found as Spring AOT finds it ({@code META-INF/spring/aot.factories}): every
 * page and SQL script the starter ships is a resource of the native image, the records Jackson reads and writes (and
 * the records they hold) can be constructed and read reflectively, and the properties bound outside the bean
 * definitions can be bound. The resources are listed from the class path, not from the registrar, so one added
 * without a hint fails here.
 */
class OAuthCallbackRuntimeHintsTests {

	private final RuntimeHints hints = startersHints();

	@Test
	void registeredInAotFactories() {
		assertThat(AotServices.factories(getClass().getClassLoader()).load(RuntimeHintsRegistrar.class))
			.anyMatch(OAuthCallbackRuntimeHints.class::isInstance);
	}

	@Test
	void everyPageAndScriptTheStarterShipsIsAResource() throws IOException {
		List<String> shipped = new ArrayList<>();
		shipped.addAll(resources("io/github/oauthcallback/loopback/*"));
		shipped.addAll(resources("io/github/oauthcallback/store/*"));
		assertThat(shipped).contains("io/github/oauthcallback/loopback/success.html",
				"io/github/oauthcallback/store/schema-postgresql.sql",
				"io/github/oauthcallback/store/mcp-client-schema-mariadb.sql");
		assertThat(shipped).allSatisfy((resource) -> assertThat(RuntimeHintsPredicates.resource().forResource(resource))
			.as(resource)
			.accepts(this.hints));
	}

	@Test
	void theDefaultPagesAreResources() {
		for (String page : List.of(CallbackPages.DEFAULT_SUCCESS, CallbackPages.DEFAULT_ERROR,
				CallbackPages.DEFAULT_BAD_REQUEST)) {
			assertThat(RuntimeHintsPredicates.resource().forResource(page.substring("classpath:".length())))
				.as(page)
				.accepts(this.hints);
		}
	}

	@Test
	void jsonRecordsCanBeConstructedAndRead() {
		// The documents the starter reads and writes with Jackson (TokenFile, LoginProtection, DiscoveryCache for
		// providers and MCP servers), and the records inside them (entries, tokens, metadata).
		Set<Class<?>> records = AotHintChecks.records(TokenFileDocument.class, SealedLogin.class,
				DiscoveredProvider.class, CachedMcpServerMetadata.class);
		assertThat(records).contains(TokenFileDocument.Entry.class, TokenFileDocument.AccessToken.class,
				TokenFileDocument.RefreshToken.class, AuthorizationServerMetadata.class, ProtectedResourceMetadata.class);
		records.forEach((type) -> AotHintChecks.assertJacksonCanUse(this.hints, type));
	}

	@Test
	void propertiesBoundOutsideTheBeanDefinitionsCanBeBound() throws NoSuchMethodException {
		// Bound through their canonical constructors.
		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(AotHintChecks.canonicalConstructor(OAuthCallbackProperties.class))).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(AotHintChecks.canonicalConstructor(OAuthCallbackProperties.Client.class))).accepts(this.hints);
		// RegistrationDefaultsEnvironmentPostProcessor binds these before any bean exists.
		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(OAuth2ClientProperties.Registration.class.getDeclaredConstructor()))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(OAuth2ClientProperties.Registration.class.getMethod("setRedirectUri", String.class)))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(OAuth2ClientProperties.Registration.class.getMethod("getAuthorizationGrantType")))
			.accepts(this.hints);
	}

	/**
	 * @return the hints of the starter's registrars only (not Spring's), as Spring AOT loads them
	 */
	static RuntimeHints startersHints() {
		RuntimeHints hints = new RuntimeHints();
		ClassLoader classLoader = OAuthCallbackRuntimeHintsTests.class.getClassLoader();
		AotServices.factories(classLoader)
			.load(RuntimeHintsRegistrar.class)
			.stream()
			.filter((registrar) -> registrar.getClass().getName().startsWith("io.github.oauthcallback."))
			.forEach((registrar) -> registrar.registerHints(hints, classLoader));
		return hints;
	}

	private static List<String> resources(String pattern) throws IOException {
		List<String> names = new ArrayList<>();
		String folder = pattern.substring(0, pattern.lastIndexOf('/') + 1);
		for (Resource resource : new PathMatchingResourcePatternResolver().getResources("classpath*:" + pattern)) {
			String file = resource.getFilename();
			if (file != null && resource.isReadable() && !file.endsWith(".class")) {
				names.add(folder + file);
			}
		}
		return names;
	}

}
