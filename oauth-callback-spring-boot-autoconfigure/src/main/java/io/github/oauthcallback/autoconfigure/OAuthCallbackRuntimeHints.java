package io.github.oauthcallback.autoconfigure;

import io.github.oauthcallback.internal.discovery.DiscoveredProvider;
import io.github.oauthcallback.internal.mcp.discovery.CachedMcpServerMetadata;
import io.github.oauthcallback.internal.store.SealedLogin;
import io.github.oauthcallback.internal.store.TokenFileDocument;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientProperties;

/**
 * What a native image (GraalVM) of an application with the starter needs to keep, beyond what Spring AOT finds in the
 * bean definitions. Registered in {@code META-INF/spring/aot.factories}, so it applies whichever auto-configurations
 * match: the starter's classes can also be used without them.
 * <ul>
 * <li>Resources: the loopback listener's default pages ({@code io/github/oauthcallback/loopback/*.html}) and the SQL
 * scripts of the JDBC store and of the table of registered MCP clients ({@code io/github/oauthcallback/store/*.sql}).
 * Pages an application configures itself ({@code oauth-callback.listener.pages.*}) are its own to declare.</li>
 * <li>Reflection for Jackson: the records of the token file and of the sealed login document, of the provider
 * discovery cache and of the MCP metadata cache ({@link BindingReflectionHintsRegistrar}, which follows their
 * components). The registered MCP clients' records are covered by a registrar in their own package.</li>
 * <li>Binding: {@link OAuthCallbackProperties} (also derived by Spring Boot from the bean definitions; kept here for
 * the properties the starter binds itself) and Spring Boot's {@link OAuth2ClientProperties.Registration}, which
 * {@link RegistrationDefaultsEnvironmentPostProcessor} binds before any bean exists.</li>
 * </ul>
 * The starter uses no Java serialization and no dynamic proxies of its own.
 */
class OAuthCallbackRuntimeHints implements RuntimeHintsRegistrar {

	/** The folder of the loopback listener's default pages. */
	static final String PAGES = "io/github/oauthcallback/loopback/*.html";

	/** The folder of the SQL scripts. */
	static final String SQL_SCRIPTS = "io/github/oauthcallback/store/*.sql";

	/** The types Jackson reads and writes, apart from the registered MCP clients'. */
	static final Class<?>[] JSON_DOCUMENTS = { TokenFileDocument.class, SealedLogin.class, DiscoveredProvider.class,
			CachedMcpServerMetadata.class };

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources().registerPattern(PAGES).registerPattern(SQL_SCRIPTS);
		new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(), JSON_DOCUMENTS);
		BindableRuntimeHintsRegistrar.forTypes(OAuthCallbackProperties.class).registerHints(hints, classLoader);
		BindableRuntimeHintsRegistrar.forTypes(OAuth2ClientProperties.Registration.class).registerHints(hints, classLoader);
	}

}
