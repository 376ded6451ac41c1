package io.github.oauthcallback.sample.demo;

import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.util.StringUtils;

/**
 * An embedded OpenID Connect provider for the 'demo' profile: Spring Authorization Server in its own servlet
 * application context on {@code 127.0.0.1} (port {@code sample.demo.port}; by default a free port), with one user and
 * two public clients. It keeps nothing between runs: tokens stored by an earlier run are refused, and the starter logs in
 * again.
 * <p>
 * The client {@value #CLIENT_ID} uses no client authentication, requires PKCE, may use the authorization_code and
 * refresh_token grants (Spring Authorization Server issues no refresh token to a public client), and is registered
 * with the redirect URI {@value #REDIRECT_URI}, which Spring Authorization Server accepts with any port (RFC 8252
 * section 7.3).
 * <p>
 * The client {@value #SERVICE_CLIENT_ID} is a confidential client of the client credentials grant (a service account,
 * for the 'service' profile), with a secret generated for each run, and the scope {@value #API_SCOPE} of the provider's
 * demo API, {@code GET /api/whoami} ({@link DemoApi}).
 * <p>
 * The client {@value #DEVICE_CLIENT_ID} is a public client of the device authorization grant (RFC 8628): the provider
 * offers its device authorization endpoint and its verification page ({@link DemoDeviceGrant}), where the user
 * signs in, enters the code and approves; it issues it a refresh token.
 */
public final class DemoIdentityProvider implements AutoCloseable {

	/** The public client registered at the provider. */
	public static final String CLIENT_ID = "demo-cli";

	/** The public client of the device authorization grant registered at the provider. */
	public static final String DEVICE_CLIENT_ID = "demo-device-cli";

	/** The confidential client of the client credentials grant (a service account), for the 'service' profile. */
	public static final String SERVICE_CLIENT_ID = "demo-service";

	/** The scope of the provider's demo API ({@code /api/whoami}), granted to every client. */
	public static final String API_SCOPE = "demo.api";

	/** The registered redirect URI; any port is accepted for it. */
	public static final String REDIRECT_URI = "http://127.0.0.1/callback";

	/** A name no configuration file has, so the provider reads none of the sample's files. */
	static final String CONFIG_NAME = "oauth-callback-sample-demo-idp";

	private final ConfigurableApplicationContext context;

	private final URI issuer;

	private final String username;

	private final String password;

	private final boolean passwordGenerated;

	private final String serviceClientSecret;

	private final AtomicBoolean closed = new AtomicBoolean();

	private DemoIdentityProvider(ConfigurableApplicationContext context, URI issuer, String username, String password,
			boolean passwordGenerated, String serviceClientSecret) {
		this.serviceClientSecret = serviceClientSecret;
		this.context = context;
		this.issuer = issuer;
		this.username = username;
		this.password = password;
		this.passwordGenerated = passwordGenerated;
	}

	/**
	 * Starts the provider. Takes a few seconds.
	 * @param username the demo user's name
	 * @param password the demo user's password, or {@code null} for a random one
	 * @param consent whether the user must approve the requested scopes
	 * @param port the port on 127.0.0.1, or 0 for a free one
	 * @return the running provider
	 */
	public static DemoIdentityProvider start(String username, String password, boolean consent, int port) {
		boolean generated = !StringUtils.hasText(password);
		String secret = generated ? randomPassword() : password;
		InMemoryUserDetailsManager users = new InMemoryUserDetailsManager(
				User.withUsername(username).password("{noop}" + secret).roles("USER").build());
		String client = "--spring.security.oauth2.authorizationserver.client." + CLIENT_ID + ".";
		String device = "--spring.security.oauth2.authorizationserver.client." + DEVICE_CLIENT_ID + ".";
		String service = "--spring.security.oauth2.authorizationserver.client." + SERVICE_CLIENT_ID + ".";
		String serviceSecret = randomPassword();
		List<String> args = new ArrayList<>(List.of(
				// Command-line arguments outrank system properties and environment variables (SERVER_PORT, ...)
				// meant for the sample itself.
				"--spring.config.name=" + CONFIG_NAME, "--spring.main.web-application-type=servlet",
				"--spring.main.banner-mode=off", "--spring.main.log-startup-info=false",
				"--server.address=127.0.0.1", "--server.port=" + port,
				client + "registration.client-id=" + CLIENT_ID,
				client + "registration.client-authentication-methods=none",
				client + "registration.authorization-grant-types=authorization_code,refresh_token",
				client + "registration.redirect-uris=" + REDIRECT_URI,
				client + "registration.scopes=openid,profile",
				client + "require-proof-key=true",
				client + "require-authorization-consent=" + consent,
				device + "registration.client-id=" + DEVICE_CLIENT_ID,
				device + "registration.client-authentication-methods=none",
				device + "registration.authorization-grant-types=urn:ietf:params:oauth:grant-type:device_code,"
						+ "refresh_token",
				// No openid: Spring Authorization Server refuses it for device logins.
				device + "registration.scopes=profile",
				// A service account: its own secret at the token endpoint, no user. Generated for each run and handed
				// to the sample as sample.demo.service-client-secret (never printed).
				service + "registration.client-id=" + SERVICE_CLIENT_ID,
				service + "registration.client-secret={noop}" + serviceSecret,
				service + "registration.client-authentication-methods=client_secret_basic",
				service + "registration.authorization-grant-types=client_credentials",
				service + "registration.scopes=" + API_SCOPE));
		ConfigurableApplicationContext context;
		try {
			context = new SpringApplicationBuilder(DemoIdentityProviderApplication.class, DemoDeviceGrant.class,
					DemoApi.class)
				.web(WebApplicationType.SERVLET)
				.initializers((applicationContext) -> applicationContext.getBeanFactory()
					.registerSingleton("demoUsers", users))
				.run(args.toArray(String[]::new));
		}
		catch (RuntimeException ex) {
			for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
				if (cause instanceof java.net.BindException || cause.getClass().getSimpleName().equals("PortInUseException")) {
					throw new IllegalStateException("The demo identity provider cannot listen on 127.0.0.1:" + port
							+ ": the port is in use. Stop what uses it, or run with --sample.demo.port=0 (a free port; "
							+ "logins stored by earlier runs then belong to another issuer and are not used).", ex);
				}
			}
			throw ex;
		}
		int bound = ((WebServerApplicationContext) context).getWebServer().getPort();
		return new DemoIdentityProvider(context, URI.create("http://127.0.0.1:" + bound), username, secret, generated,
				serviceSecret);
	}

	private static String randomPassword() {
		byte[] bytes = new byte[12];
		new SecureRandom().nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/**
	 * @return the issuer URI ({@code http://127.0.0.1:<port>}); OpenID discovery is served below it
	 */
	public URI issuer() {
		return this.issuer;
	}

	/**
	 * @return the demo user's name
	 */
	public String username() {
		return this.username;
	}

	/**
	 * @return the demo user's password
	 */
	public String password() {
		return this.password;
	}

	/**
	 * @return the secret of the confidential client {@value #SERVICE_CLIENT_ID}, generated for this run
	 */
	public String serviceClientSecret() {
		return this.serviceClientSecret;
	}

	/**
	 * @return whether the password was generated for this run
	 */
	public boolean passwordGenerated() {
		return this.passwordGenerated;
	}

	/**
	 * @return whether the provider is still running
	 */
	public boolean isRunning() {
		return !this.closed.get() && this.context.isActive();
	}

	/**
	 * Stops the provider: closes its application context, which stops and destroys its embedded Tomcat (no
	 * non-daemon thread stays behind). Safe to call more than once.
	 */
	@Override
	public void close() {
		if (this.closed.compareAndSet(false, true)) {
			this.context.close();
		}
	}

	@Override
	public String toString() {
		return "DemoIdentityProvider[issuer=" + this.issuer + ", username=" + this.username + "]";
	}

}
