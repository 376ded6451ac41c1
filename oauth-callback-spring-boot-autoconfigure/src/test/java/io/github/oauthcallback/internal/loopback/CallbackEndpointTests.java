package io.github.oauthcallback.internal.loopback;

import java.util.Arrays;
import java.util.List;

import io.github.oauthcallback.InvalidRegistrationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CallbackEndpointTests {

	private final ListenerSettings defaults = ListenerSettings.defaults();

	@Test
	void noRedirectUriUsesTheListenerSettings() {
		assertThat(CallbackEndpoint.resolve(null, "demo", this.defaults))
			.isEqualTo(new CallbackEndpoint("127.0.0.1", List.of(0), "/callback"));
	}

	@Test
	void bootTemplateUsesTheListenerSettingsAndCandidatePorts() {
		ListenerSettings settings = new ListenerSettings("localhost", "/cb", List.of(8400, 8401),
				CallbackPages.defaults());
		assertThat(CallbackEndpoint.resolve("{baseUrl}/{action}/oauth2/code/{registrationId}", "github", settings))
			.isEqualTo(new CallbackEndpoint("localhost", List.of(8400, 8401), "/cb"));
	}

	@Test
	void literalLoopbackUriIsHonoured() {
		assertThat(CallbackEndpoint.resolve("http://127.0.0.1:8765/oauth/done", "x", this.defaults))
			.isEqualTo(new CallbackEndpoint("127.0.0.1", List.of(8765), "/oauth/done"));
		assertThat(CallbackEndpoint.resolve("http://[::1]/callback", "x", this.defaults))
			.isEqualTo(new CallbackEndpoint("[::1]", List.of(0), "/callback"));
		assertThat(CallbackEndpoint.resolve("http://LOCALHOST:9000", "x", this.defaults))
			.isEqualTo(new CallbackEndpoint("localhost", List.of(9000), "/"));
	}

	@Test
	void portPlaceholderOrNoPortMeansEphemeralOrTheCandidatePorts() {
		assertThat(CallbackEndpoint.resolve("http://127.0.0.1:{port}/code/{registrationId}", "gh", this.defaults))
			.isEqualTo(new CallbackEndpoint("127.0.0.1", List.of(0), "/code/gh"));
		ListenerSettings candidates = new ListenerSettings("127.0.0.1", "/callback", List.of(7000, 7001),
				CallbackPages.defaults());
		assertThat(CallbackEndpoint.resolve("http://127.0.0.1/callback", "gh", candidates).ports())
			.containsExactly(7000, 7001);
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://127.0.0.1/callback", "http://example.com/callback", "http://0.0.0.0/callback",
			"http://192.168.1.2/callback", "com.example.app:/callback", "http://[::]/callback", "not a uri" })
	void nonLoopbackRedirectUriIsRejectedNamingTheProperty(String uri) {
		assertThatExceptionOfType(InvalidRegistrationException.class)
			.isThrownBy(() -> CallbackEndpoint.resolve(uri, "corp", this.defaults))
			.withMessageContaining("spring.security.oauth2.client.registration.corp.redirect-uri")
			.withMessageContaining("http://127.0.0.1/callback")
			.satisfies((ex) -> assertThat(ex.getRegistrationId() + "." + ex.getAttribute())
				.isEqualTo("corp.redirect-uri"));
	}

	@Test
	void listenerSettingsRejectNonLoopbackHostsAndBadValues() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new ListenerSettings("0.0.0.0", "/callback", List.of(), CallbackPages.defaults()))
			.withMessageContaining("The listener host must be a loopback host");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new ListenerSettings("127.0.0.1", "callback", List.of(), CallbackPages.defaults()))
			.withMessageContaining("The listener path must start with '/'");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new ListenerSettings("127.0.0.1", "/callback", List.of(70000), CallbackPages.defaults()))
			.withMessageContaining("The listener ports must hold ports between 1 and 65535");
		assertThat(new ListenerSettings("::1", "/c", null, CallbackPages.defaults()).host()).isEqualTo("[::1]");
	}

	@Test
	void endpointAlwaysHasALoopbackHostACandidatePortAndAnAbsolutePath() {
		assertThatIllegalArgumentException().isThrownBy(() -> new CallbackEndpoint("127.0.0.1", List.of(), "/callback"))
			.withMessageContaining("at least one candidate port");
		assertThatIllegalArgumentException().isThrownBy(() -> new CallbackEndpoint("127.0.0.1", null, "/callback"))
			.withMessageContaining("at least one candidate port");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new CallbackEndpoint("127.0.0.1", Arrays.asList(8400, null), "/callback"))
			.withMessageContaining("between 0 and 65535");
		assertThatIllegalArgumentException().isThrownBy(() -> new CallbackEndpoint("127.0.0.1", List.of(-1), "/callback"))
			.withMessageContaining("between 0 and 65535");
		assertThatIllegalArgumentException().isThrownBy(() -> new CallbackEndpoint("0.0.0.0", List.of(0), "/callback"))
			.withMessageContaining("host must be one of");
		assertThatIllegalArgumentException().isThrownBy(() -> new CallbackEndpoint("127.0.0.1", List.of(0), "callback"))
			.withMessageContaining("path must start with '/'");
		assertThat(new CallbackEndpoint("[::1]", List.of(0, 8400), "/").ports()).containsExactly(0, 8400);
	}

}
