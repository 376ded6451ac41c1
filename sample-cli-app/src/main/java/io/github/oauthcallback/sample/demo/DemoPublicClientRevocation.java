package io.github.oauthcallback.sample.demo;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.web.OAuth2ClientAuthenticationFilter;

/**
 * Lets the demo's public client revoke its tokens (RFC 7009), as the sample's {@code logout} asks it to. Spring
 * Authorization Server authenticates a public client only on a PKCE token request, so out of the box it answers a
 * revocation request that carries nothing but {@code client_id} with 401. Here a revocation request from a client
 * registered with method {@code none}, without any credentials, counts as that client's; every other request goes to
 * Spring's client authentication unchanged. Installed around Spring's filter when Spring Security creates it, so
 * Boot's own filter chains stay as they are.
 * <p>
 * Imported by {@link DemoIdentityProviderApplication}; deliberately not a {@code @Configuration}, so the sample's
 * component scan leaves it out.
 */
final class DemoPublicClientRevocation {

	@Bean
	static BeanPostProcessor demoPublicClientRevocation(ObjectProvider<RegisteredClientRepository> clients) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (!(bean instanceof OAuth2ClientAuthenticationFilter spring)) {
					return bean;
				}
				return (Filter) (request, response, chain) -> {
					RegisteredClient client = revokingPublicClient((HttpServletRequest) request, clients.getObject());
					if (client == null) {
						spring.doFilter(request, response, chain);
						return;
					}
					SecurityContext context = SecurityContextHolder.createEmptyContext();
					context.setAuthentication(
							new OAuth2ClientAuthenticationToken(client, ClientAuthenticationMethod.NONE, null));
					SecurityContextHolder.setContext(context);
					chain.doFilter(request, response);
				};
			}

		};
	}

	/** The public client a revocation request without credentials comes from, or {@code null} for any other. */
	private static @Nullable RegisteredClient revokingPublicClient(HttpServletRequest request,
			RegisteredClientRepository clients) {
		if (!"POST".equals(request.getMethod()) || !request.getRequestURI().endsWith("/oauth2/revoke")
				|| request.getHeader("Authorization") != null || request.getParameter("client_secret") != null
				|| request.getParameter("client_assertion") != null) {
			return null;
		}
		String clientId = request.getParameter("client_id");
		RegisteredClient client = (clientId != null) ? clients.findByClientId(clientId) : null;
		return (client != null && client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE))
				? client : null;
	}

}
