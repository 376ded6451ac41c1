package io.github.oauthcallback.autoconfigure;

import io.github.oauthcallback.InvalidConfigurationException;
import io.github.oauthcallback.ProviderDiscoveryException;
import io.github.oauthcallback.UnsafeBrowserUriException;
import io.github.oauthcallback.internal.Causes;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Reports a login configuration that cannot work as a short "APPLICATION FAILED TO START" message instead of a stack
 * trace: this starter's start-up checks ({@link InvalidConfigurationException}) and Spring Boot's validation of
 * {@code spring.security.oauth2.client.*} (for example a registration without a client id), and a provider that
 * could not be discovered ({@link ProviderDiscoveryException}).
 */
class OAuthCallbackFailureAnalyzer implements FailureAnalyzer {

	private static final String ACTION = "Fix the property named above (docs/configuration.md lists them). Client "
			+ "ids and secrets usually come from environment variables: check that they are set.";

	private static final String DISCOVERY_ACTION = "Fix the issuer-uri or the network as the message says. Once a "
			+ "provider has been discovered its metadata is cached (oauth-callback.discovery.cache.*): starts within "
			+ "its time to live do not ask the provider, and later ones fall back on it while the provider cannot be "
			+ "reached. docs/troubleshooting.md has more.";

	@Override
	public FailureAnalysis analyze(Throwable failure) {
		Throwable cause = Causes.first(failure, OAuthCallbackFailureAnalyzer::explained);
		if (cause instanceof ProviderDiscoveryException) {
			return new FailureAnalysis(cause.getMessage(), DISCOVERY_ACTION, failure);
		}
		if (cause instanceof BeanCreationException creation) {
			return new FailureAnalysis("Invalid spring.security.oauth2.client configuration: "
					+ creation.getMostSpecificCause().getMessage(), ACTION, failure);
		}
		if (cause != null) {
			return new FailureAnalysis(cause.getMessage(), ACTION, failure);
		}
		return null;
	}

	/** An exception whose message says what is wrong: ours, or Spring Boot's binding of the OAuth client properties. */
	private static boolean explained(Throwable cause) {
		return cause instanceof InvalidConfigurationException || cause instanceof UnsafeBrowserUriException
				|| cause instanceof ProviderDiscoveryException
				|| (cause instanceof BeanCreationException creation && creation.getBeanName() != null
						&& creation.getBeanName().endsWith(".OAuth2ClientProperties")
						&& creation.getMostSpecificCause() instanceof IllegalStateException);
	}

}
