package io.github.oauthcallback.support;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2DeviceAuthorizationResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.http.converter.OAuth2DeviceAuthorizationResponseHttpMessageConverter;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceAuthorizationRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.web.util.UriComponentsBuilder;

import static org.springframework.security.config.Customizer.withDefaults;

/**
 * Turns on the device authorization grant (RFC 8628) in {@link TestAuthorizationServer}: its device authorization and
 * verification endpoints, public device clients (a device client with client authentication {@code none} sends only
 * its {@code client_id}, which Spring Authorization Server's own public-client support, made for PKCE, does not
 * accept), and a one-second {@code interval} in the device authorization response (the server sends none, so a
 * client would wait 5 s per poll). Declaring the security filter chains makes Spring Boot's own back off, so both are
 * declared here as Boot declares them, plus the device endpoints.
 */
@Configuration(proxyBeanMethods = false)
class DeviceGrantServerConfig {

	/** The interval the device authorization response announces, in seconds. */
	static final long INTERVAL = 1;

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	SecurityFilterChain authorizationServerSecurityFilterChain(HttpSecurity http, RegisteredClientRepository clients)
			throws Exception {
		http.oauth2AuthorizationServer((server) -> {
			http.securityMatcher(server.getEndpointsMatcher());
			server.oidc(withDefaults());
			server.deviceAuthorizationEndpoint((endpoint) -> endpoint
				.deviceAuthorizationResponseHandler(DeviceGrantServerConfig::respondWithInterval));
			server.deviceVerificationEndpoint(withDefaults());
			server.clientAuthentication((authentication) -> authentication
				.authenticationConverter(new PublicDeviceClientConverter())
				.authenticationProvider(new PublicDeviceClientProvider(clients)));
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
	SecurityFilterChain defaultSecurityFilterChain(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((authorize) -> authorize.anyRequest().authenticated()).formLogin(withDefaults());
		return http.build();
	}

	private static void respondWithInterval(HttpServletRequest request, HttpServletResponse response,
			Authentication authentication) throws IOException {
		OAuth2DeviceAuthorizationRequestAuthenticationToken token = (OAuth2DeviceAuthorizationRequestAuthenticationToken) authentication;
		String verificationUri = UriComponentsBuilder.fromUriString(request.getRequestURL().toString())
			.replacePath("/oauth2/device_verification")
			.replaceQuery(null)
			.toUriString();
		OAuth2DeviceAuthorizationResponse answer = OAuth2DeviceAuthorizationResponse
			.with(token.getDeviceCode(), token.getUserCode())
			.verificationUri(verificationUri)
			.verificationUriComplete(verificationUri + "?user_code=" + token.getUserCode().getTokenValue())
			.interval(INTERVAL)
			.build();
		new OAuth2DeviceAuthorizationResponseHttpMessageConverter().write(answer, null,
				new ServletServerHttpResponse(response));
	}

	/**
	 * A public client's request that only carries its {@code client_id}: a device authorization request, a
	 * device-code or refresh-token request, or a revocation, without a secret in the body or header.
	 */
	static final class PublicDeviceClientConverter implements AuthenticationConverter {

		@Override
		public Authentication convert(HttpServletRequest request) {
			if (!"POST".equals(request.getMethod()) || request.getHeader("Authorization") != null
					|| request.getParameter(OAuth2ParameterNames.CLIENT_SECRET) != null) {
				return null;
			}
			String path = request.getRequestURI();
			String grant = request.getParameter(OAuth2ParameterNames.GRANT_TYPE);
			boolean handled = path.endsWith("/oauth2/device_authorization") || path.endsWith("/oauth2/revoke")
					|| (path.endsWith("/oauth2/token")
							&& (AuthorizationGrantType.DEVICE_CODE.getValue().equals(grant)
									|| AuthorizationGrantType.REFRESH_TOKEN.getValue().equals(grant)));
			String[] ids = request.getParameterValues(OAuth2ParameterNames.CLIENT_ID);
			if (!handled || ids == null || ids.length != 1 || ids[0].isBlank()) {
				return null;
			}
			return new PublicDeviceClient(ids[0]);
		}

	}

	/** Authenticates a {@link PublicDeviceClient} registered with the method {@code none}. */
	static final class PublicDeviceClientProvider implements AuthenticationProvider {

		private final RegisteredClientRepository clients;

		PublicDeviceClientProvider(RegisteredClientRepository clients) {
			this.clients = clients;
		}

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

	/** A type of its own, so that Spring's PKCE public-client provider does not claim it. */
	static final class PublicDeviceClient extends OAuth2ClientAuthenticationToken {

		private static final long serialVersionUID = 1L;

		PublicDeviceClient(String clientId) {
			super(clientId, ClientAuthenticationMethod.NONE, null, Map.of());
		}

		PublicDeviceClient(RegisteredClient client) {
			super(client, ClientAuthenticationMethod.NONE, null);
		}

	}

}
