package io.github.oauthcallback.sample.demo;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

import static org.springframework.security.config.Customizer.withDefaults;

/**
 * A small API of the demo identity provider, for the samples that call an API with a token of any kind (a user's or
 * a service account's): {@code GET /api/whoami} answers, for a valid access token of this provider with the scope
 * {@value DemoIdentityProvider#API_SCOPE}, who the token was issued to: {@code {"sub": ..., "aud": ...,
 * "scope": ...}} (never the token). Without one it answers 401, with one lacking the scope 403.
 * <p>
 * Deliberately not a {@code @Configuration}: the sample's component scan must not pick it up; the provider's
 * application adds it as a source.
 */
class DemoApi {

	/** Between the authorization server's endpoints and the default chain with its login form. */
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE + 1)
	SecurityFilterChain demoApiChain(HttpSecurity http) throws Exception {
		http.securityMatcher("/api/**")
			.authorizeHttpRequests((authorize) -> authorize.anyRequest()
				.hasAuthority("SCOPE_" + DemoIdentityProvider.API_SCOPE))
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.oauth2ResourceServer((resourceServer) -> resourceServer.jwt(withDefaults()));
		return http.build();
	}

	@Bean
	RouterFunction<ServerResponse> demoApiRoutes() {
		return RouterFunctions.route().GET("/api/whoami", (request) -> {
			JwtAuthenticationToken token = (JwtAuthenticationToken) request.principal().orElseThrow();
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("sub", token.getToken().getSubject());
			body.put("aud", token.getToken().getAudience());
			body.put("scope", token.getToken().getClaimAsStringList("scope"));
			return ServerResponse.ok().body(body);
		}).build();
	}

}
