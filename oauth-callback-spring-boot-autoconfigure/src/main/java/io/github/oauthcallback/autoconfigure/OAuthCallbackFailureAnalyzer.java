package io.github.oauthcallback.autoconfigure;

import java.util.Set;

import io.github.oauthcallback.InvalidRegistrationException;
import io.github.oauthcallback.ProviderDiscoveryException;
import io.github.oauthcallback.TokenStoreException;
import io.github.oauthcallback.internal.browser.UnsafeBrowserUriException;
import io.github.oauthcallback.internal.Causes;
import io.github.oauthcallback.internal.store.EncryptionKeyException;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;

/**
 * Reports a login configuration that cannot work as a short "APPLICATION FAILED TO START" message instead of a stack
 * trace: a registration the client manager cannot use ({@link InvalidConfigurationPropertyValueException} naming a
 * {@code spring.security.oauth2.client.*} property, which Spring Boot's own analyzer cannot report when the property
 * is missing), Spring Boot's validation of {@code spring.security.oauth2.client.*} (for example a registration
 * without a client id), and the domain's refusals at start-up, to which it adds the property to fix: a registration
 * that cannot log in from the command line, an unusable encryption key or token store, an unsafe authorization URI,
 * and a provider that could not be discovered. Other invalid {@code oauth-callback.*} values are left to Spring Boot's
 * analyzers, which also say where the value came from, except a missing one, which they cannot report.
 * <p>
 * It runs before Spring Boot's analyzers, whatever the order of the jars on the classpath: a refused key or client
 * secret is reported here with the value its check chose to show ({@code (hidden)}), never with the value Spring
 * Boot's analyzer of invalid values would look up in the environment.
 */
class OAuthCallbackFailureAnalyzer implements FailureAnalyzer, Ordered {

	private static final String ACTION = "Fix the property named above (docs/configuration.md lists them). Client "
			+ "ids and secrets usually come from environment variables: check that they are set.";

	private static final String DISCOVERY_ACTION = "Fix the issuer-uri or the network as the message says. Once a "
			+ "provider has been discovered its metadata is cached (oauth-callback.discovery.cache.*): starts within "
			+ "its time to live do not ask the provider, and later ones fall back on it while the provider cannot be "
			+ "reached. docs/troubleshooting.md has more.";

	private static final String STORE_ACTION = "The token store is set with oauth-callback.store.*: the token file "
			+ "with oauth-callback.store.file.path, the keys with oauth-callback.store.encryption.key (or key-file) and "
			+ "previous-keys, the one-time migration with oauth-callback.store.encryption.encrypt-plaintext, and the "
			+ "JDBC table with oauth-callback.store.jdbc.*. docs/troubleshooting.md has more.";

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.";

	/** The properties of this starter whose value is a secret. */
	private static final Set<String> SECRETS = Set.of("oauth-callback.store.encryption.key",
			"oauth-callback.store.encryption.previous-keys");

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		Throwable cause = Causes.first(failure, OAuthCallbackFailureAnalyzer::explained);
		if (cause == null) {
			return null;
		}
		if (cause instanceof ProviderDiscoveryException) {
			return new FailureAnalysis(cause.getMessage(), DISCOVERY_ACTION, failure);
		}
		if (cause instanceof BeanCreationException creation) {
			return new FailureAnalysis("Invalid spring.security.oauth2.client configuration: "
					+ creation.getMostSpecificCause().getMessage(), ACTION, failure);
		}
		return new FailureAnalysis(cause.getMessage(), action(cause), failure);
	}

	/** The property to fix, where the exception names it in the domain's terms only. */
	private static String action(Throwable cause) {
		if (cause instanceof InvalidRegistrationException registration) {
			return "Fix " + REGISTRATION + registration.getRegistrationId() + "." + registration.getAttribute()
					+ " as the message says (docs/providers.md has examples).";
		}
		if (cause instanceof EncryptionKeyException key && key.getSource() == EncryptionKeyException.KeySource.KEYCHAIN) {
			return "Make the OS keychain give the key as the message says, or keep the key elsewhere with "
					+ "oauth-callback.store.encryption.key-source=property and key or key-file (docs/storage.md, key "
					+ "in the OS keychain).";
		}
		if (cause instanceof EncryptionKeyException key) {
			return "Fix oauth-callback.store.encryption." + switch (key.getSource()) {
				case KEY -> "key";
				case KEY_FILE -> "key-file";
				case PREVIOUS_KEYS -> "previous-keys";
				case KEYCHAIN -> "key-source";
			} + " as the message says (docs/storage.md, encryption at rest).";
		}
		if (cause instanceof TokenStoreException) {
			return STORE_ACTION;
		}
		return ACTION;
	}

	/** An exception whose message says what is wrong: ours, or Spring Boot's binding of the OAuth client properties. */
	private static boolean explained(Throwable cause) {
		return (cause instanceof InvalidConfigurationPropertyValueException invalid && reportedHere(invalid))
				|| cause instanceof InvalidRegistrationException || cause instanceof EncryptionKeyException
				|| cause instanceof TokenStoreException || cause instanceof UnsafeBrowserUriException
				|| cause instanceof ProviderDiscoveryException
				|| (cause instanceof BeanCreationException creation && creation.getBeanName() != null
						&& creation.getBeanName().endsWith(".OAuth2ClientProperties")
						&& creation.getMostSpecificCause() instanceof IllegalStateException);
	}

	/**
	 * Spring Boot's analyzer of invalid values reports only a property it finds in the environment, and shows the
	 * value it finds there: a missing one (such as a declared client without its registration) and a secret are
	 * reported here.
	 */
	private static boolean reportedHere(InvalidConfigurationPropertyValueException invalid) {
		String property = invalid.getName();
		return property.startsWith("spring.security.oauth2.client.") || SECRETS.contains(property)
				|| (property.startsWith("oauth-callback.") && invalid.getValue() == null);
	}

}
