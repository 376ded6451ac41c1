package io.github.oauthcallback.autoconfigure;

import java.util.Map;

import io.github.oauthcallback.client.OAuthCallbackRestClients;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.StringUtils;
import org.springframework.web.client.RestClient;

/**
 * Registers a {@link RestClient} bean named {@code <name>RestClient} for each {@code oauth-callback.clients.<name>},
 * built from Boot's {@code RestClient.Builder} (when there is one) with the base URL and the registration's token.
 * A bean of that name defined by the application wins: the declared client is then skipped.
 */
class DeclaredRestClientsRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {

	private static final Log logger = LogFactory.getLog(DeclaredRestClientsRegistrar.class);

	@SuppressWarnings("NullAway.Init") // set by the container before registerBeanDefinitions
	private Environment environment;

	@SuppressWarnings("NullAway.Init") // set by the container before registerBeanDefinitions
	private BeanFactory beanFactory;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		Map<String, OAuthCallbackProperties.Client> clients = OAuthCallbackProperties.Client.checked(Binder
			.get(this.environment)
			.bind("oauth-callback.clients", Bindable.mapOf(String.class, OAuthCallbackProperties.Client.class))
			.orElse(null));
		clients.forEach((name, client) -> {
			String beanName = name + "RestClient";
			if (registry.isBeanNameInUse(beanName)) {
				if (logger.isDebugEnabled()) {
					logger.debug("Not registering oauth-callback.clients." + name + ": the application defines a bean "
							+ "named '" + beanName + "'");
				}
				return;
			}
			RootBeanDefinition definition = new RootBeanDefinition(RestClient.class, () -> create(client));
			registry.registerBeanDefinition(beanName, definition);
		});
	}

	private RestClient create(OAuthCallbackProperties.Client client) {
		RestClient.Builder builder = this.beanFactory.getBeanProvider(RestClient.Builder.class)
			.getIfAvailable(RestClient::builder);
		if (StringUtils.hasText(client.baseUrl())) {
			builder.baseUrl(client.baseUrl());
		}
		OAuthCallbackRestClients clients = this.beanFactory.getBean(OAuthCallbackRestClients.class);
		return builder.apply(StringUtils.hasText(client.account()) ? clients.client(client.registration(), client.account())
				: clients.client(client.registration())).build();
	}

}
