package io.github.oauthcallback.support.mcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts and stops the peers' own application contexts: embedded Tomcat on 127.0.0.1 and a random port, no
 * configuration file of the test application, and none of the starter's auto-configurations (they would otherwise
 * act on the peer's context as on an application's, including the ones added after this class was written).
 */
final class PeerApplications {

	private static final String IMPORTS = "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports";

	private PeerApplications() {
	}

	/**
	 * @param configuration the peer's configuration class
	 * @param state an object registered as a singleton bean before the context refreshes (the peer's options and
	 * recordings)
	 * @param extraProperties more properties for the peer
	 * @param excludedPrefixes name prefixes of further auto-configurations to leave out
	 */
	static ConfigurableApplicationContext start(Class<?> configuration, Object state, Map<String, Object> extraProperties,
			String... excludedPrefixes) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.config.name", "mcp-test-peer-has-no-config-file");
		properties.put("server.address", "127.0.0.1");
		properties.put("server.port", "0");
		properties.put("spring.main.banner-mode", "off");
		Set<String> prefixes = new LinkedHashSet<>();
		prefixes.add("io.github.oauthcallback.");
		prefixes.addAll(java.util.List.of(excludedPrefixes));
		properties.put("spring.autoconfigure.exclude", String.join(",", autoConfigurations(prefixes)));
		properties.putAll(extraProperties);
		ApplicationContextInitializer<ConfigurableApplicationContext> register = (context) -> context.getBeanFactory()
			.registerSingleton(state.getClass().getSimpleName(), state);
		return new SpringApplicationBuilder(configuration).web(WebApplicationType.SERVLET)
			.properties(properties)
			.initializers(register)
			.run();
	}

	static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	/** Closes the context and destroys its Tomcat, whose non-daemon threads would otherwise outlive it. */
	static void stop(ConfigurableApplicationContext context) {
		WebServer server = ((WebServerApplicationContext) context).getWebServer();
		context.close();
		server.destroy();
	}

	private static Set<String> autoConfigurations(Set<String> prefixes) {
		Set<String> names = new LinkedHashSet<>();
		try {
			Enumeration<URL> files = PeerApplications.class.getClassLoader().getResources(IMPORTS);
			while (files.hasMoreElements()) {
				try (InputStream in = files.nextElement().openStream()) {
					for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
						String name = line.strip();
						if (!name.isEmpty() && !name.startsWith("#")
								&& prefixes.stream().anyMatch(name::startsWith)) {
							names.add(name);
						}
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return names;
	}

}
