package io.github.oauthcallback.sample.demo;

import io.github.oauthcallback.autoconfigure.OAuthCallbackLoginAutoConfiguration;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.servlet.OAuth2ClientWebSecurityAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * Source of the demo identity provider's own application context: Spring Boot's auto-configuration of Spring
 * Authorization Server (its endpoints, a form login, a generated signing key), without the client side of the sample.
 * The user and the registered client are supplied by {@link DemoIdentityProvider}; the client may revoke its tokens
 * ({@link DemoPublicClientRevocation}).
 * <p>
 * Deliberately not a {@code @Configuration}: the sample's component scan must not pick it up.
 */
@EnableAutoConfiguration(
		exclude = { OAuthCallbackLoginAutoConfiguration.class, OAuth2ClientAutoConfiguration.class,
				OAuth2ClientWebSecurityAutoConfiguration.class },
		excludeName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
				// The sample's 'shell' profile brings Spring Shell: not for the provider's web application.
				"org.springframework.shell.core.autoconfigure.SpringShellAutoConfiguration" })
@Import(DemoPublicClientRevocation.class)
class DemoIdentityProviderApplication {

}
