package io.github.oauthcallback.e2e;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.github.oauthcallback.authorize.CaptureOptions;
import io.github.oauthcallback.authorize.DeviceAuthorizer;
import io.github.oauthcallback.authorize.LoopbackAuthorizer;
import io.github.oauthcallback.authorize.LoopbackCodeCapture;
import io.github.oauthcallback.support.TestAuthorizationServer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The program of {@link CtrlCCancelsAWaitingLoginTests}, run in a JVM of its own: it starts a login and waits for the
 * user, who never comes; the test presses Ctrl-C (sends SIGINT). Arguments: what waits ({@code loopback}: a browser
 * login of the Spring application; {@code device}: a device login of the Spring application; {@code capture}: the
 * low-level capture without Spring) and the issuer of a running {@link TestAuthorizationServer}.
 */
public final class WaitingLoginApplication {

	/** Printed once the program waits, with the listener's port for the browser logins. */
	static final String WAITING = "TEST-WAITING";

	private WaitingLoginApplication() {
	}

	public static void main(String[] args) throws Exception {
		String what = args[0];
		String issuer = args[1];
		if ("capture".equals(what)) {
			// No Spring at all: the standalone capture, with the countdown style picked for this (piped) output.
			LoopbackCodeCapture.create().capture((redirect) -> {
				System.out.println(WAITING + " port=" + redirect.getPort());
				return URI.create(issuer + "/oauth2/authorize?response_type=code&client_id=public-cli&state=s-1"
						+ "&redirect_uri=" + URLEncoder.encode(redirect.toString(), StandardCharsets.UTF_8));
			}, CaptureOptions.defaults().withTimeout(Duration.ofMinutes(2)));
			return;
		}
		SpringApplication application = new SpringApplication(Config.class);
		application.setDefaultProperties(properties(issuer));
		try (ConfigurableApplicationContext context = application.run()) {
			if ("device".equals(what)) {
				System.out.println(WAITING);
				context.getBean(DeviceAuthorizer.class).authorize("device");
			}
			else {
				CompletableFuture<?> login = context.getBean(LoopbackAuthorizer.class).authorizeAsync("demo", null);
				System.out.println(WAITING);
				login.join();
			}
		}
	}

	private static Map<String, Object> properties(String issuer) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.main.web-application-type", "none");
		properties.put("spring.main.banner-mode", "off");
		properties.put("spring.security.oauth2.client.provider.test.issuer-uri", issuer);
		String demo = "spring.security.oauth2.client.registration.demo.";
		properties.put(demo + "client-id", "public-cli");
		properties.put(demo + "client-authentication-method", "none");
		properties.put(demo + "authorization-grant-type", "authorization_code");
		properties.put(demo + "redirect-uri", "http://127.0.0.1/callback");
		properties.put(demo + "scope", "read");
		properties.put(demo + "provider", "test");
		String device = "spring.security.oauth2.client.registration.device.";
		properties.put(device + "client-id", TestAuthorizationServer.DEVICE_CLIENT);
		properties.put(device + "client-authentication-method", "none");
		properties.put(device + "authorization-grant-type", "urn:ietf:params:oauth:grant-type:device_code");
		properties.put(device + "scope", "read");
		properties.put(device + "provider", "test");
		properties.put("oauth-callback.store.type", "memory");
		// Print the URL, open no browser; without a terminal nothing is read from standard input.
		properties.put("oauth-callback.login.mode", "paste");
		properties.put("oauth-callback.login.browser", "print");
		// The terminal countdown, forced: the test reads it from a pipe.
		properties.put("oauth-callback.login.progress", "terminal");
		// Ends on its own if nobody presses Ctrl-C.
		properties.put("oauth-callback.login.timeout", "2m");
		return properties;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Config {

	}

}
