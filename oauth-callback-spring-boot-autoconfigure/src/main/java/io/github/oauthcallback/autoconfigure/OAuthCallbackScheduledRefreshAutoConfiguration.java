package io.github.oauthcallback.autoconfigure;

import java.time.Clock;
import java.util.Map;
import java.util.stream.Collectors;

import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.internal.refresh.ScheduledTokenRefresher;
import io.github.oauthcallback.store.TokenStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;

/**
 * Scheduled refresh of the stored logins ({@code oauth-callback.refresh.scheduled.enabled=true}). It refreshes
 * through the starter's client manager and lists the logins of the starter's store: with an
 * {@link OAuth2AuthorizedClientManager} or an {@link OAuth2AuthorizedClientService} of the application's own instead,
 * start-up fails with a message saying what to change, rather than the refresh silently not running.
 */
@AutoConfiguration(after = OAuthCallbackClientManagerAutoConfiguration.class)
@ConditionalOnProperty(name = OAuthCallbackScheduledRefreshAutoConfiguration.ENABLED, havingValue = "true")
@ConditionalOnBean(OAuth2AuthorizedClientManager.class)
@EnableConfigurationProperties(OAuthCallbackProperties.class)
public final class OAuthCallbackScheduledRefreshAutoConfiguration {

	static final String ENABLED = "oauth-callback.refresh.scheduled.enabled";

	@Bean
	@ConditionalOnMissingBean
	ScheduledTokenRefresher oauthCallbackScheduledTokenRefresher(Map<String, OAuth2AuthorizedClientManager> managers,
			ObjectProvider<OAuth2AuthorizedClientService> authorizedClients, ObjectProvider<TaskScheduler> schedulers,
			OAuthCallbackProperties properties) {
		OAuthCallbackAuthorizedClientManager manager = startersManager(managers);
		// The starter's manager exists only where there is an OAuth2AuthorizedClientService.
		OAuth2AuthorizedClientService service = authorizedClients.getObject();
		if (!(service instanceof TokenStore store)) {
			throw new InvalidConfigurationPropertyValueException(ENABLED, "true", "Scheduled refresh needs a store "
					+ "that can list its logins, and the application's own OAuth2AuthorizedClientService ("
					+ service.getClass().getName() + ") cannot: use one of the starter's stores "
					+ "(oauth-callback.store.type) or turn scheduled refresh off.");
		}
		OAuthCallbackProperties.Scheduled scheduled = properties.refresh().scheduled();
		// Without exactly one application scheduler, the refresher runs a daemon scheduler of its own.
		return new ScheduledTokenRefresher(store, manager, schedulers.getIfUnique(), scheduled.interval(),
				scheduled.window(), scheduled.concurrency(), Clock.systemUTC());
	}

	/**
	 * @throws InvalidConfigurationPropertyValueException unless the only manager is the starter's: the refresher
	 * needs its refresh without a browser, which {@link OAuth2AuthorizedClientManager} does not offer
	 */
	private static OAuthCallbackAuthorizedClientManager startersManager(
			Map<String, OAuth2AuthorizedClientManager> managers) {
		if (managers.size() == 1
				&& managers.values().iterator().next() instanceof OAuthCallbackAuthorizedClientManager manager) {
			return manager;
		}
		String beans = managers.entrySet()
			.stream()
			.map((bean) -> "'" + bean.getKey() + "' (" + bean.getValue().getClass().getName() + ")")
			.collect(Collectors.joining(", "));
		throw new InvalidConfigurationPropertyValueException(ENABLED, "true", "Scheduled refresh needs the starter's "
				+ "client manager, OAuthCallbackAuthorizedClientManager, but the application defines its own "
				+ "OAuth2AuthorizedClientManager bean: " + beans + ". Remove that bean so that the starter defines "
				+ "its manager, or set " + ENABLED + "=false and refresh the tokens through your own manager.");
	}

}
