package io.github.oauthcallback.sample.demo;

import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;

import static org.springframework.security.config.Customizer.withDefaults;

/**
 * The demo identity provider's security: Spring Boot's two filter chains for Spring Authorization Server, plus the
 * device authorization grant (RFC 8628) with its verification page, for the public client
 * {@value DemoIdentityProvider#DEVICE_CLIENT_ID}. A public device client sends only its {@code client_id}, which
 * Spring Authorization Server's own public-client support (made for PKCE) does not accept, hence the converter and
 * provider here. Declaring the chains makes Spring Boot's back off.
 * <p>
 * Deliberately not a {@code @Configuration}: the sample's component scan must not pick it up; the provider's
 * application adds it as a source.
 */
class DemoDeviceGrant {

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	SecurityFilterChain demoAuthorizationServerChain(HttpSecurity http, RegisteredClientRepository clients)
			throws Exception {
		http.oauth2AuthorizationServer((server) -> {
			http.securityMatcher(server.getEndpointsMatcher());
			server.oidc(withDefaults());
			server.deviceAuthorizationEndpoint(withDefaults());
			server.deviceVerificationEndpoint(withDefaults());
			server.clientAuthentication((authentication) -> authentication
				.authenticationConverter(DemoDeviceGrant::publicDeviceClient)
				.authenticationProvider(new PublicDeviceClients(clients)));
		});
		http.authorizeHttpRequests((authorize) -> authorize.anyRequest().authenticated());
		http.oauth2ResourceServer((resourceServer) -> resourceServer.jwt(withDefaults()));
		MediaTypeRequestMatcher html = new MediaTypeRequestMatcher(MediaType.TEXT_HTML);
		html.setIgnoredMediaTypes(Set.of(MediaType.ALL));
		http.exceptionHandling((exceptions) -> exceptions
			.defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"), html));
		return http.build();
	}

	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE - 5)
	SecurityFilterChain demoDefaultChain(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((authorize) -> authorize.anyRequest().authenticated()).formLogin(withDefaults());
		return http.build();
	}

	/**
	 * A device authorization, device-code or refresh-token request that carries only a {@code client_id}: no secret
	 * in the body, no {@code Authorization} header.
	 */
	private static @Nullable Authentication publicDeviceClient(HttpServletRequest request) {
		if (!"POST".equals(request.getMethod()) || request.getHeader("Authorization") != null
				|| request.getParameter(OAuth2ParameterNames.CLIENT_SECRET) != null) {
			return null;
		}
		String grant = request.getParameter(OAuth2ParameterNames.GRANT_TYPE);
		boolean device = request.getRequestURI().endsWith("/oauth2/device_authorization")
				|| AuthorizationGrantType.DEVICE_CODE.getValue().equals(grant)
				|| AuthorizationGrantType.REFRESH_TOKEN.getValue().equals(grant);
		String[] ids = request.getParameterValues(OAuth2ParameterNames.CLIENT_ID);
		return (device && ids != null && ids.length == 1 && !ids[0].isBlank()) ? new PublicDeviceClient(ids[0])
				: null;
	}

	/** Authenticates a public device client: known, and registered with the method {@code none}. */
	private record PublicDeviceClients(RegisteredClientRepository clients) implements AuthenticationProvider {

		@Override
		public Authentication authenticate(Authentication authentication) {
			RegisteredClient client = this.clients.findByClientId(String.valueOf(authentication.getPrincipal()));
			if (client == null || !client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE)) {
				throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
			}
			return new PublicDeviceClient(client);
		}

		@Override
		public boolean supports(Class<?> authentication) {
			return PublicDeviceClient.class.isAssignableFrom(authentication);
		}

	}

	/** Its own type, so that Spring's PKCE public-client provider does not claim it. */
	private static final class PublicDeviceClient extends OAuth2ClientAuthenticationToken {

		private static final long serialVersionUID = 1L;

		PublicDeviceClient(String clientId) {
			super(clientId, ClientAuthenticationMethod.NONE, null, Map.of());
		}

		PublicDeviceClient(RegisteredClient client) {
			super(client, ClientAuthenticationMethod.NONE, null);
		}

	}

}
