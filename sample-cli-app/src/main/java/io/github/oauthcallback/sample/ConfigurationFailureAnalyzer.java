package io.github.oauthcallback.sample;

import io.github.oauthcallback.OAuthCallbackException;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Reports an unusable login configuration at start-up in a few lines instead of a stack trace: the starter's own
 * checks ({@link OAuthCallbackException}) and Spring Boot's validation of
 * {@code spring.security.oauth2.client.*} (for example a missing client id when {@code GITHUB_CLIENT_ID} is not
 * set). Registered in {@code META-INF/spring.factories}.
 */
public class ConfigurationFailureAnalyzer implements FailureAnalyzer {

	private static final String ACTION = "Fix the property named above. The github and google profiles read the "
			+ "client id and secret from environment variables (GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET, "
			+ "GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET); run 'help' for the profiles.";

	@Override
	public FailureAnalysis analyze(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof OAuthCallbackException) {
				return new FailureAnalysis(cause.getMessage(), ACTION, failure);
			}
			if (cause instanceof BeanCreationException creation && creation.getBeanName() != null
					&& creation.getBeanName().endsWith(".OAuth2ClientProperties")
					&& creation.getMostSpecificCause() instanceof IllegalStateException invalid) {
				return new FailureAnalysis("Invalid spring.security.oauth2.client configuration: "
						+ invalid.getMessage(), ACTION, failure);
			}
		}
		return null;
	}

}
