package io.github.oauthcallback.autoconfigure;

import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.authorize.DeviceAuthorizer;
import io.github.oauthcallback.authorize.LoopbackAuthorizer;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.internal.mcp.McpRegistrations;
import io.github.oauthcallback.internal.shell.OAuthCallbackShellCommands;
import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.store.FileTokenStore;
import io.github.oauthcallback.store.TokenStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.shell.core.command.Command;

/**
 * Offers {@code login}, {@code logout} and {@code status} as Spring Shell commands when Spring Shell is on the
 * classpath ({@code oauth-callback.shell.enabled=false} turns them off; a bean of the same name replaces one).
 * {@code login} and {@code logout} go through the starter's client manager when there is one, so they take the
 * login's turn with refreshes.
 */
@AutoConfiguration(after = { OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class,
		OAuthCallbackClientManagerAutoConfiguration.class })
@ConditionalOnClass(Command.class)
@ConditionalOnBean({ LoopbackAuthorizer.class, OAuth2AuthorizedClientService.class })
@ConditionalOnProperty(name = "oauth-callback.shell.enabled", matchIfMissing = true)
public final class OAuthCallbackShellAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	OAuthCallbackShellCommands oauthCallbackShellCommands(LoopbackAuthorizer authorizer,
			ObjectProvider<DeviceAuthorizer> deviceAuthorizer, ClientRegistrationRepository registrations,
			OAuth2AuthorizedClientService authorizedClients,
			ObjectProvider<OAuthCallbackAuthorizedClientManager> manager, OAuthCallbackProperties properties,
			ObjectProvider<McpRegistrations> mcp, ObjectProvider<TokenCipher> cipher) {
		TokenStore store = TokenStore.of(authorizedClients);
		TokenCipher storeCipher = cipher.getIfUnique();
		// Only the starter's file and JDBC stores encrypt with it; memory and the application's own stores do not.
		// JdbcTokenStore is named, not loaded: Spring JDBC may be absent.
		boolean encrypts = store instanceof FileTokenStore
				|| "io.github.oauthcallback.store.JdbcTokenStore".equals(store.getClass().getName());
		String keyLocation = (encrypts && storeCipher != null) ? storeCipher.keyLocation() : null;
		return new OAuthCallbackShellCommands(authorizer, deviceAuthorizer.getIfUnique(),
				StarterClientRegistrations.of(registrations, mcp), store, manager.getIfUnique(),
				Accounts.defaultAccount(properties.login().account()), keyLocation);
	}

	@Bean
	@ConditionalOnMissingBean(name = "oauthCallbackLoginCommand")
	Command oauthCallbackLoginCommand(OAuthCallbackShellCommands commands) {
		return commands.login();
	}

	@Bean
	@ConditionalOnMissingBean(name = "oauthCallbackLogoutCommand")
	Command oauthCallbackLogoutCommand(OAuthCallbackShellCommands commands) {
		return commands.logout();
	}

	@Bean
	@ConditionalOnMissingBean(name = "oauthCallbackStatusCommand")
	Command oauthCallbackStatusCommand(OAuthCallbackShellCommands commands) {
		return commands.status();
	}

}
