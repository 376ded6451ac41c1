package io.github.oauthcallback.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientProperties;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives each {@code spring.security.oauth2.client.registration.<id>} the two settings a command-line login always
 * needs, when the user left them out: {@code authorization-grant-type: authorization_code} and a {@code redirect-uri}
 * that means "the loopback listener's settings" ({@code {baseUrl}/{action}/oauth2/code/{registrationId}}, the value
 * Spring Security itself uses for GitHub and Google). Anything the user sets wins: these defaults are the last
 * property source.
 */
final class RegistrationDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** Name of the property source holding the defaults. */
	public static final String PROPERTY_SOURCE_NAME = "oauthCallbackRegistrationDefaults";

	static final String LISTENER_REDIRECT_URI = "{baseUrl}/{action}/oauth2/code/{registrationId}";

	private static final String PREFIX = "spring.security.oauth2.client.registration";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Map<String, OAuth2ClientProperties.Registration> registrations = Binder.get(environment)
			.bind(PREFIX, Bindable.mapOf(String.class, OAuth2ClientProperties.Registration.class))
			.orElse(Map.of());
		Map<String, Object> defaults = new LinkedHashMap<>();
		registrations.forEach((id, registration) -> {
			if (registration.getAuthorizationGrantType() == null) {
				defaults.put(PREFIX + "." + id + ".authorization-grant-type", "authorization_code");
			}
			if (registration.getRedirectUri() == null) {
				defaults.put(PREFIX + "." + id + ".redirect-uri", LISTENER_REDIRECT_URI);
			}
		});
		if (!defaults.isEmpty()) {
			environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, defaults));
		}
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
