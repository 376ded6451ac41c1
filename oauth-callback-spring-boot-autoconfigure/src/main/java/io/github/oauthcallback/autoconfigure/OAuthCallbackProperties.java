package io.github.oauthcallback.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.github.oauthcallback.loopback.CallbackPages;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the loopback login, under {@code oauth-callback}. Providers themselves are declared with Spring Boot's
 * {@code spring.security.oauth2.client.registration.*} and {@code provider.*} properties.
 *
 * @param account Account (principal name) that logins are stored under when a call names none. Defaults to the
 * operating-system user name.
 * @param timeout How long a login waits for the user to finish in the browser.
 * @param browser How the authorization URL is opened: 'auto' (BROWSER variable, then java.awt.Desktop, then the OS
 * opener), 'print' (only print it), or a command line that gets the URL as last argument. The URL is always printed.
 * @param listener The loopback listener that receives the redirect.
 * @param http HTTP client settings for calls to the provider's token endpoint.
 */
@ConfigurationProperties("oauth-callback")
public record OAuthCallbackProperties(String account, @DefaultValue("5m") Duration timeout,
		@DefaultValue("auto") String browser, @DefaultValue Listener listener, @DefaultValue Http http) {

	/**
	 * The loopback listener. A registration's own loopback redirect-uri (host, port, path) takes precedence.
	 *
	 * @param host Loopback host to bind and put in the redirect URI: 127.0.0.1, [::1], or localhost (binds 127.0.0.1
	 * and ::1 on the same port). Never a wildcard address.
	 * @param path Path of the callback; only this exact path can finish a login.
	 * @param ports Ordered candidate ports, for providers that only accept registered ports. Empty means an
	 * ephemeral port.
	 * @param pages Pages the listener answers with.
	 */
	public record Listener(@DefaultValue("127.0.0.1") String host, @DefaultValue("/callback") String path,
			List<Integer> ports, @DefaultValue Pages pages) {

	}

	/**
	 * Static pages shown in the browser. They never reflect request input.
	 *
	 * @param success Resource location of the page shown after a successful login.
	 * @param error Resource location of the page shown when the login failed.
	 * @param badRequest Resource location of the page shown for requests that are not the expected callback.
	 * @param successRedirectUri Absolute http(s) URL the browser is redirected to after a successful login, instead
	 * of the success page.
	 */
	public record Pages(@DefaultValue(CallbackPages.DEFAULT_SUCCESS) String success,
			@DefaultValue(CallbackPages.DEFAULT_ERROR) String error,
			@DefaultValue(CallbackPages.DEFAULT_BAD_REQUEST) String badRequest, String successRedirectUri) {

	}

	/**
	 * HTTP client settings for token endpoint calls.
	 *
	 * @param connectTimeout Connect timeout for token endpoint calls.
	 * @param readTimeout Read timeout for token endpoint calls.
	 */
	public record Http(@DefaultValue("10s") Duration connectTimeout, @DefaultValue("30s") Duration readTimeout) {

	}

}
