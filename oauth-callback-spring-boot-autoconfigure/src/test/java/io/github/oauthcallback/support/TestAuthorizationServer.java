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
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;

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
	@Import(DeviceGrantServerConfig.class)
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

}
