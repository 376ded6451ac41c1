package io.github.oauthcallback.autoconfigure;

import java.util.Map;

import io.github.oauthcallback.client.OAuthCallbackRestClients;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.AutowireCapableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.StringUtils;
import org.springframework.web.client.RestClient;

/**
 * Registers a {@link RestClient} bean named {@code <name>RestClient} for each {@code oauth-callback.clients.<name>},
 * built from Boot's {@code RestClient.Builder} (when there is one) with the base URL and the registration's token.
 * A client with a base URL sends the token only to that URL's origin (scheme, host, port): a request to an absolute or
 * protocol-relative URI of another origin fails with an {@code OAuthCallbackException} and is not sent (see
 * {@link OAuthCallbackRestClients#client(String, String, String)}).
 * A bean of that name defined by the application wins: the declared client is then skipped.
 * <p>
 * Each bean definition names a static factory method ({@link #restClient}) and the client's name as its first
 * argument, the other arguments being autowired: Spring AOT generates plain code for such a definition (it cannot for
 * an instance supplier), so the beans exist in an AOT-processed application too. Which clients exist is then fixed
 * when the application is built, as every bean definition is; their settings (registration, base URL, account) are
 * read from {@link OAuthCallbackProperties} when each bean is created.
 */
class DeclaredRestClientsRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware {

	private static final Log logger = LogFactory.getLog(DeclaredRestClientsRegistrar.class);

	@SuppressWarnings("NullAway.Init") // set by the container before registerBeanDefinitions
	private Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		Map<String, OAuthCallbackProperties.Client> clients = OAuthCallbackProperties.Client.checked(Binder
			.get(this.environment)
			.bind("oauth-callback.clients", Bindable.mapOf(String.class, OAuthCallbackProperties.Client.class))
			.orElse(null));
		clients.keySet().stream().sorted().forEach((name) -> {
			String beanName = name + "RestClient";
			if (registry.isBeanNameInUse(beanName)) {
				if (logger.isDebugEnabled()) {
					logger.debug("Not registering oauth-callback.clients." + name + ": the application defines a bean "
							+ "named '" + beanName + "'");
				}
				return;
			}
			registry.registerBeanDefinition(beanName, definition(name));
		});
	}

	/**
	 * @param name the client's name, the key under {@code oauth-callback.clients}
	 * @return the bean definition of the declared client: {@link #restClient} with the name as first argument
	 */
	static RootBeanDefinition definition(String name) {
		RootBeanDefinition definition = new RootBeanDefinition(DeclaredRestClientsRegistrar.class);
		definition.setFactoryMethodName("restClient");
		definition.setAutowireMode(AutowireCapableBeanFactory.AUTOWIRE_CONSTRUCTOR);
		definition.getConstructorArgumentValues().addIndexedArgumentValue(0, name);
		definition.setTargetType(RestClient.class);
		return definition;
	}

	/**
	 * The factory method of a declared client's bean.
	 * @param name the client's name
	 * @param properties the starter's properties, holding the client's settings
	 * @param builders Boot's {@code RestClient.Builder} (a new one for each client), if there is one
	 * @param clients what adds the registration's token to a builder
	 * @return the client
	 * @throws InvalidConfigurationPropertyValueException if the client is no longer configured (an AOT-processed
	 * application started without the clients it was built with)
	 */
	static RestClient restClient(String name, OAuthCallbackProperties properties,
			ObjectProvider<RestClient.Builder> builders, OAuthCallbackRestClients clients) {
		OAuthCallbackProperties.Client client = properties.clients().get(name);
		if (client == null) {
			throw new InvalidConfigurationPropertyValueException("oauth-callback.clients." + name + ".registration",
					null, "The application was built ahead of time (Spring AOT) with the declared client '" + name
							+ "', whose bean '" + name + "RestClient' it defines, but it is not configured now: "
							+ "configure it again, or build the application again without it.");
		}
		RestClient.Builder builder = builders.getIfAvailable(RestClient::builder);
		String baseUrl = client.baseUrl();
		if (StringUtils.hasText(baseUrl)) {
			return builder.apply(clients.client(client.registration(), account(client, clients), baseUrl)).build();
		}
		return builder.apply(clients.client(client.registration(), account(client, clients))).build();
	}

	private static String account(OAuthCallbackProperties.Client client, OAuthCallbackRestClients clients) {
		String account = client.account();
		return StringUtils.hasText(account) ? account : clients.defaultAccount();
	}

}
