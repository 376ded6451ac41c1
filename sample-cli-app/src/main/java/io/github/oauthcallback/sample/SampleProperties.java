package io.github.oauthcallback.sample;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the sample CLI, under {@code sample}.
 *
 * @param defaultRegistration Registration used by 'login' and 'logout' when none is named. Unset means the only
 * declared registration.
 * @param demo The embedded identity provider of the 'demo' profile.
 */
@ConfigurationProperties("sample")
public record SampleProperties(String defaultRegistration, @DefaultValue Demo demo) {

	/**
	 * The embedded identity provider started by the 'demo' profile.
	 *
	 * @param username Name of the demo user.
	 * @param password Password of the demo user. Unset means a random one, printed at start-up.
	 * @param consent Whether the provider asks the user to approve the scopes.
	 * @param issuerUri Issuer URI of the running provider. Set by the sample at start-up (the port is random); not
	 * meant to be set by hand.
	 */
	public record Demo(@DefaultValue("demo") String username, String password, boolean consent, String issuerUri) {

	}

}
