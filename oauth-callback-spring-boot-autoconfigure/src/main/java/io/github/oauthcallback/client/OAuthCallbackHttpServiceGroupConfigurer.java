package io.github.oauthcallback.client;

import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.client.ClientRegistrationIdProcessor;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;

/**
 * Gives HTTP Service interfaces annotated with Spring Security's {@code @ClientRegistrationId} the starter's bearer
 * token handling: the token of the annotated registration (for the account set with
 * {@code RequestAttributePrincipalResolver.principal(...)}, else the default account), logging in or refreshing when
 * needed, and on a 401 one refresh-and-retry, as {@link OAuthCallbackRestClients} does (the retry needs the starter's
 * {@link OAuthCallbackAuthorizedClientManager}; with another {@link OAuth2AuthorizedClientManager} the 401 is returned
 * as it is). Spring Security's own {@code OAuth2RestClientHttpServiceGroupConfigurer} never retries after a 401.
 * Requests of methods without the annotation are sent unchanged.
 */
public final class OAuthCallbackHttpServiceGroupConfigurer implements RestClientHttpServiceGroupConfigurer {

	private final BearerTokenInterceptor interceptor;

	/**
	 * @param manager the client manager (the starter's, for the retry after a 401)
	 * @param defaultAccount the account used when a request names none
	 */
	public OAuthCallbackHttpServiceGroupConfigurer(OAuth2AuthorizedClientManager manager, String defaultAccount) {
		this.interceptor = BearerTokenInterceptor.fromRequestAttributes(manager, defaultAccount);
	}

	@Override
	public void configureGroups(Groups<RestClient.Builder> groups) {
		groups.forEachClient((group, builder) -> builder.requestInterceptor(this.interceptor));
		groups.forEachProxyFactory(
				(group, factory) -> factory.httpRequestValuesProcessor(ClientRegistrationIdProcessor.DEFAULT_INSTANCE));
	}

}
