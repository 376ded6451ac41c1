package io.github.oauthcallback.autoconfigure;

import io.github.oauthcallback.internal.authorize.CachingIdTokenDecoderFactory;
import io.github.oauthcallback.internal.authorize.DefaultLoopbackAuthorizer;
import io.github.oauthcallback.internal.authorize.DefaultLoopbackCodeCapture;
import io.github.oauthcallback.internal.progress.ProgressStyle;
import io.github.oauthcallback.authorize.LoopbackCodeCapture;
import java.time.Clock;
import io.github.oauthcallback.internal.authorize.DeviceLoginStarter;
import io.github.oauthcallback.internal.authorize.LoginWays;
import io.github.oauthcallback.authorize.DeviceAuthorizer;
import io.github.oauthcallback.authorize.LoopbackAuthorizer;
import io.github.oauthcallback.internal.device.DefaultDeviceAuthorizer;
import io.github.oauthcallback.internal.device.DeviceAuthorizerLoginStarter;
import io.github.oauthcallback.internal.device.DeviceEndpoints;
import io.github.oauthcallback.internal.tokenendpoint.ResourceIndicators;
import io.github.oauthcallback.internal.tokenendpoint.TokenResponseClients;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.internal.browser.SystemBrowserLauncher;
import io.github.oauthcallback.internal.environment.LoginMode;
import io.github.oauthcallback.internal.loopback.CallbackPages;
import io.github.oauthcallback.internal.loopback.ListenerSettings;
import io.github.oauthcallback.internal.mcp.McpRegistrations;
import io.github.oauthcallback.internal.observation.Observations;
import io.github.oauthcallback.internal.store.ObservedTokenStore;
import io.github.oauthcallback.store.TokenStore;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.client.observation.ClientRequestObservationConvention;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;

/**
 * Auto-configuration of the interactive logins: a {@link LoopbackAuthorizer} (listener, browser, code exchange,
 * ID-token validation), a {@link DeviceAuthorizer} (RFC 8628) and a {@link LoopbackCodeCapture} (the listener alone,
 * for an authorization URL another OAuth library builds) for the registrations Boot builds from
 * {@code spring.security.oauth2.client.*}, and the parts they use, each replaceable by a bean of the same type. The
 * authorizer prints the authorization URL to {@code System.err} before any {@link BrowserLauncher} is called, chooses
 * how the login runs from {@code oauth-callback.login.mode} and reads a pasted address from standard input only when
 * it is a terminal. A {@link DeviceLoginStarter} (by default one on the {@link DeviceAuthorizer}) runs the logins
 * that the mode sends to the device authorization grant. It needs a {@link ClientRegistrationRepository} and an
 * {@link OAuth2AuthorizedClientService}, so it runs after the auto-configurations that may define them.
 */
@AutoConfiguration(after = { OAuthCallbackDiscoveryAutoConfiguration.class, OAuthCallbackStoreAutoConfiguration.class,
		OAuth2ClientAutoConfiguration.class })
@ConditionalOnClass({ ClientRegistrationRepository.class, JwtDecoderFactory.class })
@EnableConfigurationProperties(OAuthCallbackProperties.class)
public final class OAuthCallbackLoginAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	BrowserLauncher oauthCallbackBrowserLauncher(OAuthCallbackProperties properties) {
		return new SystemBrowserLauncher(properties.login().browser());
	}

	@Bean
	@ConditionalOnMissingBean
	OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> oauthCallbackAuthorizationCodeTokenResponseClient(
			OAuthCallbackProperties properties, ObjectProvider<ClientHttpRequestFactoryBuilder<?>> factories,
			ObjectProvider<HttpClientSettings> settings,
			ObjectProvider<ClientRequestObservationConvention> conventions, ObjectProvider<ResourceIndicators> resources,
			ObjectProvider<ObservationRegistry> observations) {
		return TokenEndpointRestClients
			.tokenResponseClients(properties, observations, conventions, factories, settings,
					TokenEndpointRestClients.resourceIndicators(properties, resources))
			.observedBy(Observations.registry(observations.getIfAvailable()))
			.authorizationCode();
	}

	@Bean
	@ConditionalOnMissingBean
	JwtDecoderFactory<ClientRegistration> oauthCallbackIdTokenDecoderFactory() {
		return new CachingIdTokenDecoderFactory();
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean({ ClientRegistrationRepository.class, OAuth2AuthorizedClientService.class })
	LoopbackAuthorizer loopbackAuthorizer(ClientRegistrationRepository registrations,
			OAuth2AuthorizedClientService authorizedClients,
			OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> tokenResponseClient,
			JwtDecoderFactory<ClientRegistration> idTokenDecoderFactory, BrowserLauncher browser,
			OAuthCallbackProperties properties, ResourceLoader resourceLoader,
			ObjectProvider<DeviceLoginStarter> deviceLogins, ObjectProvider<ResourceIndicators> resources,
			ObjectProvider<McpRegistrations> mcp, ObjectProvider<ObservationRegistry> observations) {
		ObservationRegistry registry = Observations.registry(observations.getIfAvailable());
		ListenerSettings settings = listenerSettings(properties, resourceLoader);
		DefaultLoopbackAuthorizer authorizer = new DefaultLoopbackAuthorizer(
				StarterClientRegistrations.of(registrations, mcp),
				ObservedTokenStore.of(TokenStore.of(authorizedClients), registry), tokenResponseClient,
				idTokenDecoderFactory, browser, System.err, settings, properties.login().account(),
				properties.login().timeout());
		authorizer.setAuthorizationParameters(properties.login().authorizationParameters());
		authorizer.setResourceIndicators(TokenEndpointRestClients.resourceIndicators(properties, resources));
		authorizer.setLoginWays(LoginWays.system(LoginMode.parse(properties.login().mode()), browser,
				deviceLogins.getIfUnique()));
		authorizer.setProgress(ProgressStyle.parse(properties.login().progress()), Clock.systemUTC());
		authorizer.setObservationRegistry(registry);
		return authorizer;
	}

	/**
	 * The low-level capture of an authorization response for a URL another OAuth library builds: the listener of
	 * {@code oauth-callback.listener.*}, the way, browser, timeout and countdown of {@code oauth-callback.login.*}.
	 * It needs no registration.
	 */
	@Bean
	@ConditionalOnMissingBean
	LoopbackCodeCapture loopbackCodeCapture(BrowserLauncher browser, OAuthCallbackProperties properties,
			ResourceLoader resourceLoader) {
		return new DefaultLoopbackCodeCapture(browser, System.err, listenerSettings(properties, resourceLoader),
				properties.login().timeout(), LoginWays.system(LoginMode.parse(properties.login().mode()), browser,
						null),
				ProgressStyle.parse(properties.login().progress()), Clock.systemUTC());
	}

	private static ListenerSettings listenerSettings(OAuthCallbackProperties properties,
			ResourceLoader resourceLoader) {
		OAuthCallbackProperties.Listener listener = properties.listener();
		OAuthCallbackProperties.Pages pages = listener.pages();
		return new ListenerSettings(listener.host(), listener.path(), listener.ports(),
				CallbackPages.load(resourceLoader, pages.success(), pages.error(), pages.badRequest(),
						pages.successRedirectUri()));
	}

	/**
	 * The device login (RFC 8628), for registrations with the device authorization grant and for forced device
	 * logins. It prints the verification URI and user code to {@code System.err}, as the loopback login prints its
	 * URL; its HTTP clients are created on its first request.
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean({ ClientRegistrationRepository.class, OAuth2AuthorizedClientService.class })
	DeviceAuthorizer deviceAuthorizer(ClientRegistrationRepository registrations,
			OAuth2AuthorizedClientService authorizedClients, BrowserLauncher browser, OAuthCallbackProperties properties,
			ObjectProvider<ClientHttpRequestFactoryBuilder<?>> factories, ObjectProvider<HttpClientSettings> settings,
			ObjectProvider<ClientRequestObservationConvention> conventions, ObjectProvider<ResourceIndicators> resources,
			ObjectProvider<McpRegistrations> mcp,
			ObjectProvider<ObservationRegistry> observations) {
		ObservationRegistry registry = Observations.registry(observations.getIfAvailable());
		TokenResponseClients clients = TokenEndpointRestClients
			.tokenResponseClients(properties, observations, conventions, factories, settings,
					TokenEndpointRestClients.resourceIndicators(properties, resources))
			.observedBy(registry);
		DefaultDeviceAuthorizer authorizer = new DefaultDeviceAuthorizer(
				StarterClientRegistrations.of(registrations, mcp),
				ObservedTokenStore.of(TokenStore.of(authorizedClients), registry), clients.deviceAuthorization(),
				clients.deviceCode(), browser, System.err, new DeviceEndpoints(properties.deviceAuthorizationUris()),
				properties.login().account(), properties.login().timeout());
		authorizer.setObservationRegistry(registry);
		authorizer.setProgress(ProgressStyle.parse(properties.login().progress()), Clock.systemUTC());
		return authorizer;
	}

	/**
	 * The device-grant hook of the loopback login: {@code oauth-callback.login.mode=device}, and {@code auto} where no
	 * browser can be used here, run the login with the {@link DeviceAuthorizer} when the registration's provider has a
	 * device authorization endpoint.
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(DeviceAuthorizer.class)
	DeviceLoginStarter oauthCallbackDeviceLoginStarter(DeviceAuthorizer deviceAuthorizer) {
		return new DeviceAuthorizerLoginStarter(deviceAuthorizer);
	}

}
