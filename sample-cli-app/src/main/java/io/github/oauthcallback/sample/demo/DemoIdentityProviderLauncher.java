package io.github.oauthcallback.sample.demo;

import java.io.PrintStream;
import java.util.Map;

import io.github.oauthcallback.sample.SampleProperties;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts the {@link DemoIdentityProvider} when the 'demo' profile is active, before the sample binds
 * {@code spring.security.oauth2.client.*}: once the environment is prepared (so profiles and
 * {@code sample.demo.*} are known), it starts the provider and adds {@code sample.demo.issuer-uri} with the
 * provider's port, which {@code application-demo.yml} uses as the provider's {@code issuer-uri}. The provider
 * is also registered as a bean, and it is stopped when the sample's context closes or fails to start.
 * <p>
 * Register it on the {@code SpringApplication} (see {@code SampleApplication.application()}); one instance serves
 * one run.
 */
public final class DemoIdentityProviderLauncher implements SmartApplicationListener {

	/** The profile that starts the provider. */
	public static final String PROFILE = "demo";

	/** Name of the property source holding the provider's issuer URI. */
	public static final String PROPERTY_SOURCE_NAME = "demoIdentityProvider";

	/** The property {@code application-demo.yml} reads the issuer URI from. */
	public static final String ISSUER_URI_PROPERTY = "sample.demo.issuer-uri";

	/** The property {@code application-service.yml} reads the secret of the provider's service client from. */
	public static final String SERVICE_CLIENT_SECRET_PROPERTY = "sample.demo.service-client-secret";

	/** Name of the bean holding the running provider. */
	public static final String BEAN_NAME = "demoIdentityProvider";

	private final PrintStream console;

	private DemoIdentityProvider provider;

	private ApplicationContext context;

	public DemoIdentityProviderLauncher() {
		this(System.err);
	}

	DemoIdentityProviderLauncher(PrintStream console) {
		this.console = console;
	}

	@Override
	public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
		return ApplicationEnvironmentPreparedEvent.class.isAssignableFrom(eventType)
				|| ApplicationPreparedEvent.class.isAssignableFrom(eventType)
				|| ContextClosedEvent.class.isAssignableFrom(eventType)
				|| ApplicationFailedEvent.class.isAssignableFrom(eventType);
	}

	/**
	 * After {@code EnvironmentPostProcessorApplicationListener}, which loads the configuration files and settles the
	 * profiles.
	 */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
			start(prepared.getEnvironment());
		}
		else if (event instanceof ApplicationPreparedEvent prepared && this.provider != null) {
			this.context = prepared.getApplicationContext();
			prepared.getApplicationContext().getBeanFactory().registerSingleton(BEAN_NAME, this.provider);
		}
		else if (event instanceof ContextClosedEvent closed && closed.getApplicationContext() == this.context) {
			stop();
		}
		else if (event instanceof ApplicationFailedEvent) {
			stop();
		}
	}

	private void start(ConfigurableEnvironment environment) {
		if (this.provider != null || !environment.matchesProfiles(PROFILE)) {
			return;
		}
		SampleProperties.Demo demo = Binder.get(environment)
			.bindOrCreate("sample.demo", Bindable.of(SampleProperties.Demo.class));
		this.provider = DemoIdentityProvider.start(demo.username(), demo.password(), demo.consent(), demo.port());
		environment.getPropertySources()
			.addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME,
					Map.of(ISSUER_URI_PROPERTY, this.provider.issuer().toString(), SERVICE_CLIENT_SECRET_PROPERTY,
							this.provider.serviceClientSecret())));
		this.console.println("Demo identity provider (profile 'demo') running at " + this.provider.issuer() + ".");
		this.console.println("  Sign in as user '" + this.provider.username() + "' with password '"
				+ this.provider.password() + "'" + (this.provider.passwordGenerated()
						? " (generated for this run; set sample.demo.password to choose one)." : "."));
		this.console.flush();
	}

	private void stop() {
		if (this.provider != null) {
			this.provider.close();
		}
	}

}
