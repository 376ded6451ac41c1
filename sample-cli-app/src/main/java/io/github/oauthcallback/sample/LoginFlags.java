package io.github.oauthcallback.sample;

import java.util.Arrays;
import java.util.Map;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.MapPropertySource;

/**
 * The login flags of the sample's command line: {@code --paste} is {@code oauth-callback.login.mode=paste} (print the
 * URL and accept the address the browser ended on, pasted in the terminal). Read once, when the environment is
 * prepared, since the starter reads the mode at start-up; it takes precedence over the same property given otherwise.
 */
final class LoginFlags implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

	/** Forces paste mode. */
	static final String PASTE = "--paste";

	static final String PROPERTY_SOURCE_NAME = "sampleLoginFlags";

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		if (Arrays.asList(event.getArgs()).contains(PASTE)) {
			event.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of("oauth-callback.login.mode", "paste")));
		}
	}

}
