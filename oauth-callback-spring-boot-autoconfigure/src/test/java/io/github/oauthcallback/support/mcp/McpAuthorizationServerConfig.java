package io.github.oauthcallback.support.mcp;

import java.io.IOException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import jakarta.servlet.Filter;
import io.github.oauthcallback.support.TestAuthorizationServer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.endpoint.OAuth2DeviceAuthorizationResponse;
import org.springframework.security.oauth2.core.http.converter.OAuth2DeviceAuthorizationResponseHttpMessageConverter;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientRegistrationAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceAuthorizationRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientRegistrationAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2AccessTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.web.util.ContentCachingResponseWrapper;
import org.springframework.web.util.UriComponentsBuilder;

import static org.springframework.security.config.Customizer.withDefaults;

/**
 * {@link McpAuthorizationServer}'s application context: Spring Authorization Server with open client registration,
 * resource indicators in the access token audience, refresh tokens for public clients, and metadata that says so.
 * Declaring the security filter chains makes Spring Boot's own back off, so both are declared here.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class McpAuthorizationServerConfig {

	@Bean
	RegisteredClientRepository registeredClientRepository(McpAuthorizationServerState state) {
		ForgettingClientRepository clients = state.clients();
		java.time.Duration ttl = state.options().accessTokenTimeToLive();
		clients.preRegister(
				RegisteredClients.preRegistered(McpAuthorizationServer.PUBLIC_CLIENT, "", ttl,
						ClientAuthenticationMethod.NONE),
				RegisteredClients.preRegistered(McpAuthorizationServer.CONFIDENTIAL_CLIENT,
						"{noop}" + McpAuthorizationServer.CONFIDENTIAL_SECRET, ttl,
						ClientAuthenticationMethod.CLIENT_SECRET_BASIC, ClientAuthenticationMethod.CLIENT_SECRET_POST));
		return clients;
	}

	/**
	 * The user who signs in. Declared, because Spring Boot's in-memory user ({@code spring.security.user.*}) backs
	 * off when the context has a {@link JwtDecoder}, as an authorization server's does.
	 */
	@Bean
	UserDetailsService users() {
		return new InMemoryUserDetailsManager(User.withUsername(TestAuthorizationServer.USER)
			.password("{noop}" + TestAuthorizationServer.PASSWORD)
			.roles("USER")
			.build());
	}

	@Bean
	JWKSource<SecurityContext> jwkSource() throws NoSuchAlgorithmException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		KeyPair pair = generator.generateKeyPair();
		RSAKey key = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate())
			.keyID(UUID.randomUUID().toString())
			.build();
		return new ImmutableJWKSet<>(new JWKSet(key));
	}

	@Bean
	JwtDecoder jwtDecoder(JWKSource<SecurityContext> jwkSource) {
		return OAuth2AuthorizationServerConfiguration.jwtDecoder(jwkSource);
	}

	/** JWT access and ID tokens with the resource indicator audience; refresh tokens for public clients too. */
	@Bean
	OAuth2TokenGenerator<?> tokenGenerator(JWKSource<SecurityContext> jwkSource, McpAuthorizationServerState state) {
		JwtGenerator jwt = new JwtGenerator(new NimbusJwtEncoder(jwkSource));
		jwt.setJwtCustomizer(new ResourceIndicatorCustomizer());
		return new DelegatingOAuth2TokenGenerator(jwt, new OAuth2AccessTokenGenerator(),
				new RefreshTokensForAllClients(state.options().refreshTokensForPublicClients()));
	}

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	SecurityFilterChain authorizationServerSecurityFilterChain(HttpSecurity http, McpAuthorizationServerState state)
			throws Exception {
		RegisteredClients converter = new RegisteredClients(state.options());
		boolean deviceGrant = state.options().deviceGrant();
		http.oauth2AuthorizationServer((server) -> {
			http.securityMatcher(server.getEndpointsMatcher());
			server.oidc((oidc) -> oidc.providerConfigurationEndpoint((configuration) -> configuration
				.providerConfigurationCustomizer((metadata) -> metadata.claims((claims) -> advertise(claims, deviceGrant)))));
			server.authorizationServerMetadataEndpoint((metadata) -> metadata
				.authorizationServerMetadataCustomizer((builder) -> builder.claims((claims) -> advertise(claims, deviceGrant))));
			server.deviceAuthorizationEndpoint((endpoint) -> endpoint
				.deviceAuthorizationResponseHandler(McpAuthorizationServerConfig::respondWithInterval));
			server.deviceVerificationEndpoint(withDefaults());
			server.clientRegistrationEndpoint((registration) -> registration.openRegistrationAllowed(true)
				.authenticationProviders(configureRegistration(converter)));
			server.clientAuthentication((authentication) -> authentication
				.authenticationConverter(new PublicClients.Converter())
				.authenticationProvider(new PublicClients.Provider(state.clients())));
		});
		http.authorizeHttpRequests((authorize) -> authorize.requestMatchers(HttpMethod.POST, "/oauth2/register")
			.permitAll()
			.anyRequest()
			.authenticated());
		http.oauth2ResourceServer((resourceServer) -> resourceServer.jwt(withDefaults()));
		MediaTypeRequestMatcher html = new MediaTypeRequestMatcher(MediaType.TEXT_HTML);
		html.setIgnoredMediaTypes(Set.of(MediaType.ALL));
		http.exceptionHandling((exceptions) -> exceptions
			.defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"), html));
		return http.build();
	}

	/**
	 * Open registration that keeps a requested {@code scope} (Spring's default validator refuses one) and converts
	 * with {@link RegisteredClients}; the redirect URI and JWK set URI checks stay Spring's.
	 */
	private static Consumer<List<org.springframework.security.authentication.AuthenticationProvider>> configureRegistration(
			RegisteredClients converter) {
		return (providers) -> providers.forEach((provider) -> {
			if (provider instanceof OAuth2ClientRegistrationAuthenticationProvider registration) {
				registration.setRegisteredClientConverter(converter);
				registration.setAuthenticationValidator(
						OAuth2ClientRegistrationAuthenticationValidator.DEFAULT_REDIRECT_URI_VALIDATOR
							.andThen(OAuth2ClientRegistrationAuthenticationValidator.DEFAULT_JWK_SET_URI_VALIDATOR)
							.andThen(OAuth2ClientRegistrationAuthenticationValidator.SIMPLE_SCOPE_VALIDATOR));
			}
		});
	}

	/**
	 * Scopes, public clients and the RFC 7591 registration endpoint, in both metadata documents; without the device
	 * grant, neither its endpoint nor its grant type.
	 */
	private static void advertise(Map<String, Object> claims, boolean deviceGrant) {
		if (!deviceGrant) {
			claims.remove("device_authorization_endpoint");
			if (claims.get("grant_types_supported") instanceof List<?> grants) {
				claims.put("grant_types_supported", grants.stream()
					.map(String::valueOf)
					.filter((grant) -> !AuthorizationGrantType.DEVICE_CODE.getValue().equals(grant))
					.toList());
			}
		}
		claims.put("scopes_supported", McpAuthorizationServer.SCOPES);
		List<String> methods = new ArrayList<>();
		if (claims.get("token_endpoint_auth_methods_supported") instanceof List<?> supported) {
			supported.forEach((method) -> methods.add(String.valueOf(method)));
		}
		if (!methods.contains(ClientAuthenticationMethod.NONE.getValue())) {
			methods.add(ClientAuthenticationMethod.NONE.getValue());
		}
		claims.put("token_endpoint_auth_methods_supported", methods);
		claims.put("registration_endpoint", claims.get("issuer") + "/oauth2/register");
		claims.put("code_challenge_methods_supported", List.of("S256"));
	}

	/**
	 * The device authorization response with a one-second {@code interval}: Spring Authorization Server sends none,
	 * so a client would wait five seconds per poll.
	 */
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
			.interval(1)
			.build();
		new OAuth2DeviceAuthorizationResponseHttpMessageConverter().write(answer, null,
				new ServletServerHttpResponse(response));
	}

	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE - 5)
	SecurityFilterChain defaultSecurityFilterChain(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((authorize) -> authorize.anyRequest().authenticated()).formLogin(withDefaults());
		return http.build();
	}

	/**
	 * Records requests ahead of Spring Security's filters, which answer the endpoints without passing them on, and the
	 * secrets of the token and registration endpoints' answers.
	 */
	@Bean
	FilterRegistrationBean<Filter> mcpAuthorizationServerRecorder(McpAuthorizationServerState state) {
		Filter recorder = (request, response, chain) -> {
			HttpServletRequest http = (HttpServletRequest) request;
			state.record(http);
			if (!ServerSecrets.answersWithSecrets(http)) {
				chain.doFilter(request, response);
				return;
			}
			ContentCachingResponseWrapper answer = new ContentCachingResponseWrapper((HttpServletResponse) response);
			try {
				chain.doFilter(request, answer);
			}
			finally {
				state.secrets().answer(http, answer.getContentAsByteArray());
				answer.copyBodyToResponse();
			}
		};
		FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(recorder);
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

}
