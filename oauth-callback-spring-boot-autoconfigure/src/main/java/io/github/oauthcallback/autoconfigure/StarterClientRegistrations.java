package io.github.oauthcallback.autoconfigure;

import io.github.oauthcallback.internal.mcp.McpClientRegistrationRepository;
import io.github.oauthcallback.internal.mcp.McpRegistrations;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

/**
 * The registrations the starter's own beans (token store, logins, client manager, shell commands) look up: the
 * application's {@link ClientRegistrationRepository} with the MCP servers' registrations in front when MCP support is
 * on ({@link OAuthCallbackMcpRegistrationsAutoConfiguration}). The application's bean is left as it is, so that what
 * the application injects, and what Spring Security's web support lists ({@code oauth2Login}), stay its own.
 */
final class StarterClientRegistrations {

	private StarterClientRegistrations() {
	}

	/**
	 * @param application the application's repository (or the MCP servers' alone, when it has none)
	 * @param mcp the MCP servers' registrations, when MCP support is on
	 * @return the repository the starter's beans use
	 */
	static ClientRegistrationRepository of(ClientRegistrationRepository application,
			ObjectProvider<McpRegistrations> mcp) {
		McpRegistrations registrations = mcp.getIfUnique();
		if (registrations == null || application instanceof McpClientRegistrationRepository) {
			return application;
		}
		return new McpClientRegistrationRepository(registrations, application);
	}

}
