package io.github.oauthcallback.autoconfigure;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;

import io.github.oauthcallback.internal.discovery.CachingClientRegistrationMapper;
import io.github.oauthcallback.internal.discovery.DiscoveryCache;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.oauth2.client.autoconfigure.ConditionalOnOAuth2ClientRegistrationProperties;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientProperties;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientPropertiesMapper;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;

/**
 * Registers the {@link ClientRegistrationRepository} in place of Spring Boot's, so that a provider given by
 * {@code issuer-uri} is discovered once and then read from a cache file ({@code oauth-callback.discovery.cache.*}):
 * a start with a stored login then makes no network call. Registrations are otherwise mapped exactly as Spring Boot
 * maps them. With {@code oauth-callback.discovery.cache.enabled=false} they are all mapped by Spring Boot's own
 * mapper (read at run time, so that it also holds in a Spring AOT build); a repository bean of the application's own
 * replaces this one.
 */
@AutoConfiguration(before = OAuth2ClientAutoConfiguration.class)
@ConditionalOnClass(ClientRegistrationRepository.class)
@ConditionalOnOAuth2ClientRegistrationProperties
@Conditional(OAuthCallbackDiscoveryAutoConfiguration.NotReactiveWebApplication.class)
@EnableConfigurationProperties({ OAuth2ClientProperties.class, OAuthCallbackProperties.class })
public final class OAuthCallbackDiscoveryAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(ClientRegistrationRepository.class)
	InMemoryClientRegistrationRepository clientRegistrationRepository(OAuth2ClientProperties clientProperties,
			OAuthCallbackProperties properties, Environment environment) {
		OAuthCallbackProperties.Discovery.Cache cache = properties.discovery().cache();
		if (!cache.enabled()) {
			return new InMemoryClientRegistrationRepository(
					new ArrayList<>(new OAuth2ClientPropertiesMapper(clientProperties).asClientRegistrations().values()));
		}
		Path directory = cache.directory();
		if (directory == null) {
			directory = OAuthCallbackStoreAutoConfiguration.tokenFile(properties, environment)
				.toAbsolutePath()
				.resolveSibling("discovery");
		}
		CachingClientRegistrationMapper mapper = new CachingClientRegistrationMapper(clientProperties,
				new DiscoveryCache(directory), cache.timeToLive(), Clock.systemUTC(), properties.discovery().timeout());
		return new InMemoryClientRegistrationRepository(new ArrayList<>(mapper.asClientRegistrations().values()));
	}

	/** As Spring Boot's own client registrations: not in a reactive web application. */
	static final class NotReactiveWebApplication extends NoneNestedConditions {

		NotReactiveWebApplication() {
			super(ConfigurationPhase.PARSE_CONFIGURATION);
		}

		@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
		static final class Reactive {

		}

	}

}
