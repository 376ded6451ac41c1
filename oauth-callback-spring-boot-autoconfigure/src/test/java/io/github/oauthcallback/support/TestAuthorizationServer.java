package io.github.oauthcallback.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.web.OAuth2ClientAuthenticationFilter;

/**
 * A real Spring Authorization Server on 127.0.0.1 and a random port, in its own application context, as the
 * identity provider of end-to-end tests, with the device authorization grant turned on ({@link DeviceGrantServerConfig}).
 * It records the secrets sent to its token endpoint so tests can prove they never reach a log.
 */
public final class TestAuthorizationServer implements AutoCloseable {

	public static final String USER = "ada";

	public static final String PASSWORD = "wonderland-Pa55";

	public static final String CONFIDENTIAL_SECRET = "conf-Secret-9931";

	public static final String REFRESHING_SECRET = "refr-Secret-5521";

	public static final String SERVICE_SECRET = "serv-Secret-4417";

	/** A public client of the device authorization grant. */
	public static final String DEVICE_CLIENT = "device-cli";

	/** A confidential client of the device authorization grant, with {@link #DEVICE_SECRET}. */
	public static final String DEVICE_CONFIDENTIAL_CLIENT = "device-conf-cli";

	public static final String DEVICE_SECRET = "devc-Secret-7730";

	private static final List<String> tokenRequestSecrets = new CopyOnWriteArrayList<>();

	private static final AtomicInteger discoveryRequests = new AtomicInteger();

	private final ConfigurableApplicationContext context;

	private final String issuer;

	private TestAuthorizationServer(ConfigurableApplicationContext context) {
		this.context = context;
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		this.issuer = "http://127.0.0.1:" + port;
	}

	public static TestAuthorizationServer start() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.config.name", "test-authorization-server-has-no-config-file");
		properties.put("server.address", "127.0.0.1");
		properties.put("server.port", "0");
		properties.put("spring.main.banner-mode", "off");
		properties.put("spring.autoconfigure.exclude",
				"io.github.oauthcallback.autoconfigure.OAuthCallbackLoginAutoConfiguration");
		properties.put("spring.security.user.name", USER);
		properties.put("spring.security.user.password", PASSWORD);
		client(properties, "public", "public-cli", null, "none", false);
		client(properties, "confidential", "confidential-cli", "{noop}" + CONFIDENTIAL_SECRET,
				"client_secret_basic,client_secret_post", false);
		client(properties, "consenting", "consenting-cli", null, "none", true);
		client(properties, "refreshing", "refreshing-cli", "{noop}" + REFRESHING_SECRET, "client_secret_basic", false);
		properties.put("spring.security.oauth2.authorizationserver.client.refreshing.token.access-token-time-to-live",
				"2s");
		properties.put("spring.security.oauth2.authorizationserver.client.refreshing.token.reuse-refresh-tokens",
				"false");
		client(properties, "service", "service-cli", "{noop}" + SERVICE_SECRET, "client_secret_post", false);
		String service = "spring.security.oauth2.authorizationserver.client.service.";
		properties.put(service + "registration.authorization-grant-types", "client_credentials");
		deviceClient(properties, "device", DEVICE_CLIENT, null, "none");
		deviceClient(properties, "device-confidential", DEVICE_CONFIDENTIAL_CLIENT, "{noop}" + DEVICE_SECRET,
				"client_secret_basic,client_secret_post");
		ConfigurableApplicationContext context = new SpringApplicationBuilder(Config.class)
			.web(WebApplicationType.SERVLET)
			.properties(properties)
			.run();
		return new TestAuthorizationServer(context);
	}

	private static void client(Map<String, Object> properties, String name, String clientId, String secret,
			String methods, boolean consent) {
		String prefix = "spring.security.oauth2.authorizationserver.client." + name + ".";
		properties.put(prefix + "registration.client-id", clientId);
		if (secret != null) {
			properties.put(prefix + "registration.client-secret", secret);
		}
		properties.put(prefix + "registration.client-authentication-methods", methods);
		properties.put(prefix + "registration.authorization-grant-types", "authorization_code,refresh_token");
		properties.put(prefix + "registration.redirect-uris", "http://127.0.0.1/callback");
		properties.put(prefix + "registration.scopes", "openid,profile,read");
		properties.put(prefix + "require-proof-key", "true");
		properties.put(prefix + "require-authorization-consent", String.valueOf(consent));
	}

	/** Device-grant clients (DeviceGrantServerConfig): no redirect URI, no openid scope (the device grant has none). */
	private static void deviceClient(Map<String, Object> properties, String name, String clientId, String secret,
			String methods) {
		client(properties, name, clientId, secret, methods, false);
		String prefix = "spring.security.oauth2.authorizationserver.client." + name + ".";
		properties.put(prefix + "registration.authorization-grant-types",
				"urn:ietf:params:oauth:grant-type:device_code,refresh_token");
		properties.put(prefix + "registration.scopes", "profile,read");
		properties.remove(prefix + "registration.redirect-uris");
		properties.put(prefix + "require-proof-key", "false");
	}

	public String issuer() {
		return this.issuer;
	}

	/**
	 * @return the codes, code verifiers, refresh tokens and client secrets (in the form body) the token endpoint
	 * received so far
	 */
	public static List<String> tokenRequestSecrets() {
		return List.copyOf(tokenRequestSecrets);
	}

	/**
	 * @return how many requests for discovery metadata ({@code /.well-known/...}) the server answered so far
	 */
	public static int discoveryRequests() {
		return discoveryRequests.get();
	}

	/**
	 * Asks the server's introspection endpoint (RFC 7662) whether a token is active.
	 */
	public boolean isActive(String token) throws IOException, InterruptedException {
		String credentials = Base64.getEncoder()
			.encodeToString(("confidential-cli:" + CONFIDENTIAL_SECRET).getBytes(StandardCharsets.UTF_8));
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.issuer + "/oauth2/introspect"))
			.header("Authorization", "Basic " + credentials)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("token=" + token))
			.build();
		HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IllegalStateException("introspection answered " + response.statusCode());
		}
		return response.body().replace(" ", "").contains("\"active\":true");
	}

	@Override
	public void close() {
		WebServer server = ((WebServerApplicationContext) this.context).getWebServer();
		this.context.close();
		server.destroy();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ PublicClientRevocation.class, DeviceGrantServerConfig.class })
	static class Config {

		/**
		 * Registered ahead of Spring Security's filters, which answer the token and discovery endpoints without
		 * passing the request on (an {@code @Order} on a plain Filter bean method is not applied to its
		 * registration).
		 */
		@Bean
		FilterRegistrationBean<Filter> requestRecorder() {
			Filter recorder = (request, response, chain) -> {
				HttpServletRequest http = (HttpServletRequest) request;
				if (http.getRequestURI().contains("/.well-known/")) {
					discoveryRequests.incrementAndGet();
				}
				if (http.getRequestURI().equals("/oauth2/token")) {
					for (String name : List.of("code", "code_verifier", "client_secret", "refresh_token", "device_code")) {
						String value = http.getParameter(name);
						if (value != null) {
							tokenRequestSecrets.add(value);
						}
					}
				}
				chain.doFilter(request, response);
			};
			FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(recorder);
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
			return registration;
		}

	}


	/**
	 * @return the {@code token_type_hint} of every revocation request the server received so far, in order
	 */
	public static List<String> revocationHints() {
		return List.copyOf(PublicClientRevocation.hints);
	}

	/**
	 * Lets a public client ({@code client_id} in the body, no secret) revoke its tokens at {@code /oauth2/revoke},
	 * which Spring Authorization Server refuses out of the box (its public-client authentication only matches PKCE
	 * token requests), and records the {@code token_type_hint} of every revocation request. A converter turns such a
	 * request into an unauthenticated client token of its own type (so Spring's PKCE-demanding provider does not claim
	 * it), a provider authenticates it when the client is registered with method {@code none}, as the Spring
	 * Authorization Server sample does for public device clients. They run in a wrapper around Spring's
	 * {@link OAuth2ClientAuthenticationFilter}, installed by a bean post-processor when Spring Security initializes
	 * that filter, so Boot's own filter chains (and any converter configured on them) stay as they are.
	 */
	@Configuration(proxyBeanMethods = false)
	static class PublicClientRevocation {

		static final List<String> hints = new CopyOnWriteArrayList<>();

		@Bean
		static BeanPostProcessor publicClientRevocationFilter(ObjectProvider<RegisteredClientRepository> clients) {
			return new BeanPostProcessor() {
				@Override
				public Object postProcessAfterInitialization(Object bean, String name) {
					return (bean instanceof OAuth2ClientAuthenticationFilter filter) ? new WrappingFilter(filter,
							new Provider(clients)) : bean;
				}
			};
		}

		/** The converter: a revocation request of a client that sends only its id. */
		static @Nullable Authentication convert(HttpServletRequest request) {
			if (!"POST".equals(request.getMethod()) || !request.getRequestURI().equals("/oauth2/revoke")
					|| request.getHeader("Authorization") != null || request.getParameter("client_secret") != null
					|| request.getParameter("client_assertion") != null) {
				return null;
			}
			String[] ids = request.getParameterValues("client_id");
			return (ids == null || ids.length != 1 || ids[0].isBlank()) ? null : new PublicClientToken(ids[0]);
		}

		/** A public client's revocation request: unauthenticated as converted, authenticated by {@link Provider}. */
		static final class PublicClientToken extends OAuth2ClientAuthenticationToken {

			private static final long serialVersionUID = 1L;

			PublicClientToken(String clientId) {
				super(clientId, ClientAuthenticationMethod.NONE, null, null);
			}

			PublicClientToken(RegisteredClient client) {
				super(client, ClientAuthenticationMethod.NONE, null);
			}

		}

		/** Authenticates a {@link PublicClientToken} of a client registered with method {@code none}. */
		record Provider(ObjectProvider<RegisteredClientRepository> clients) implements AuthenticationProvider {

			@Override
			public @Nullable Authentication authenticate(Authentication authentication) {
				String clientId = (String) authentication.getPrincipal();
				RegisteredClient client = this.clients.getObject().findByClientId(clientId);
				if (client == null || !client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE)) {
					throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
				}
				return new PublicClientToken(client);
			}

			@Override
			public boolean supports(Class<?> authentication) {
				return PublicClientToken.class.isAssignableFrom(authentication);
			}

		}

		/** Runs the converter and provider ahead of Spring's client authentication, which handles everything else. */
		record WrappingFilter(Filter delegate, Provider provider) implements Filter {

			@Override
			public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
					throws IOException, ServletException {
				HttpServletRequest http = (HttpServletRequest) request;
				if ("POST".equals(http.getMethod()) && http.getRequestURI().equals("/oauth2/revoke")) {
					hints.add(String.valueOf(http.getParameter("token_type_hint")));
				}
				Authentication attempt = convert(http);
				if (attempt == null) {
					this.delegate.doFilter(request, response, chain);
					return;
				}
				try {
					SecurityContext context = SecurityContextHolder.createEmptyContext();
					context.setAuthentication(this.provider.authenticate(attempt));
					SecurityContextHolder.setContext(context);
				}
				catch (OAuth2AuthenticationException ex) {
					HttpServletResponse answer = (HttpServletResponse) response;
					answer.setStatus(401);
					answer.setContentType("application/json");
					answer.getWriter().write("{\"error\":\"invalid_client\"}");
					return;
				}
				chain.doFilter(request, response);
			}

		}

	}

}
