package io.github.oauthcallback.support.mcp;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;

/**
 * {@link TestMcpServer}'s application context: the MCP server on the SDK's servlet transport, its metadata servlet,
 * the resource server's filter chain with the challenges of {@link BearerChallenges}, and a request counter.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class McpServerConfig {

	@Bean
	HttpServletStreamableServerTransportProvider mcpTransport() {
		return HttpServletStreamableServerTransportProvider.builder().mcpEndpoint(TestMcpServer.PATH).build();
	}

	@Bean(destroyMethod = "close")
	McpSyncServer mcpServer(HttpServletStreamableServerTransportProvider transport) {
		return McpServer.sync(transport)
			.serverInfo("oauth-callback-test-mcp-server", "1.0.0")
			.capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
			.toolCall(tool(TestMcpServer.ECHO_TOOL, "Echoes the message"),
					(exchange, request) -> text(String.valueOf(request.arguments().get("message"))))
			.toolCall(tool(TestMcpServer.ADMIN_ECHO_TOOL, "Echoes the message, for administrators"),
					(exchange, request) -> text("admin: " + request.arguments().get("message")))
			.build();
	}

	private static McpSchema.Tool tool(String name, String description) {
		Map<String, Object> schema = Map.of("type", "object", "properties",
				Map.of("message", Map.of("type", "string")), "required", List.of("message"));
		return McpSchema.Tool.builder(name, schema).description(description).build();
	}

	private static McpSchema.CallToolResult text(String text) {
		return McpSchema.CallToolResult.builder().addTextContent(text).isError(false).build();
	}

	@Bean
	ServletRegistrationBean<HttpServletStreamableServerTransportProvider> mcpServlet(
			HttpServletStreamableServerTransportProvider transport) {
		ServletRegistrationBean<HttpServletStreamableServerTransportProvider> registration = new ServletRegistrationBean<>(
				transport, TestMcpServer.PATH);
		registration.setAsyncSupported(true);
		return registration;
	}

	@Bean
	ServletRegistrationBean<ProtectedResourceMetadataServlet> metadataServlet(McpServerState state) {
		return new ServletRegistrationBean<>(new ProtectedResourceMetadataServlet(state),
				ProtectedResourceMetadataServlet.paths().toArray(String[]::new));
	}

	/** Counts every request and its answer, ahead of Spring Security's filters. */
	@Bean
	FilterRegistrationBean<Filter> mcpRequestCounter(McpServerState state) {
		Filter counter = (request, response, chain) -> {
			HttpServletRequest http = (HttpServletRequest) request;
			String authorization = http.getHeader("Authorization");
			try {
				chain.doFilter(request, response);
			}
			finally {
				state.record(http.getRequestURI(),
						authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7),
						((HttpServletResponse) response).getStatus());
			}
		};
		FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(counter);
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	@Bean
	BearerChallenges bearerChallenges(McpServerState state) {
		return new BearerChallenges(state);
	}

	/**
	 * JWTs of the issuer, from its JWK set: signature, issuer, expiry (no clock skew, so tests can let tokens
	 * expire) and audience (must contain the server's resource URI).
	 */
	@Bean
	JwtDecoder mcpJwtDecoder(McpServerState state) {
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(state.issuer() + "/oauth2/jwks").build();
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(Duration.ZERO),
				new JwtIssuerValidator(state.issuer().toString()), (Jwt jwt) -> audience(jwt, state)));
		return decoder;
	}

	private static OAuth2TokenValidatorResult audience(Jwt jwt, McpServerState state) {
		Collection<String> audience = jwt.getAudience();
		String resource = state.resource().toString();
		if (audience != null && audience.contains(resource)) {
			return OAuth2TokenValidatorResult.success();
		}
		return OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token",
				"The token's audience does not contain this MCP server (" + resource + ")", null));
	}

	@Bean
	SecurityFilterChain mcpSecurityFilterChain(HttpSecurity http, JwtDecoder decoder, BearerChallenges challenges) {
		// The metadata servlet answers /.well-known/ on its own: the resource server configurer adds Spring's
		// OAuth2ProtectedResourceMetadataFilter, which serves metadata at every path under the well-known prefix
		// (the resource taken from the path), so tests could not have metadata at one URL and a 404 at the other.
		http.securityMatcher((request) -> !request.getRequestURI().startsWith("/.well-known/"))
			.csrf((csrf) -> csrf.disable())
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache((cache) -> cache.disable())
			.authorizeHttpRequests((authorize) -> authorize
				.requestMatchers("/error")
				.permitAll()
				.anyRequest()
				.hasAuthority("SCOPE_" + TestMcpServer.TOOLS_SCOPE))
			.oauth2ResourceServer((resourceServer) -> resourceServer.jwt((jwt) -> jwt.decoder(decoder))
				.authenticationEntryPoint((request, response, failure) -> challenges.unauthorized(response, failure))
				.accessDeniedHandler((request, response, denied) -> challenges.forbidden(response, denied)))
			.exceptionHandling((exceptions) -> exceptions
				.authenticationEntryPoint((request, response, failure) -> challenges.unauthorized(response, failure))
				.accessDeniedHandler((request, response, denied) -> challenges.forbidden(response, denied)))
			.addFilterAfter(new ToolScopeFilter(challenges), AuthorizationFilter.class);
		return http.build();
	}

}
