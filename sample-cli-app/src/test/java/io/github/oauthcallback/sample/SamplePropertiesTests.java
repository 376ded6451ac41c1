package io.github.oauthcallback.sample;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class SamplePropertiesTests {

	@Test
	void demoProviderTakesAFreePortUnlessOneIsSet() {
		assertThat(demo(Map.of()).port()).isZero();
		assertThat(demo(Map.of("sample.demo.port", "9411")).port()).isEqualTo(9411);
	}

	/** Binds sample.demo the way DemoIdentityProviderLauncher does. */
	private static SampleProperties.Demo demo(Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("sample.demo",
				Bindable.of(SampleProperties.Demo.class));
	}

}
