package io.github.oauthcallback.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.github.oauthcallback.sample.demo.DemoIdentityProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 'service' profile: the batch job with a service account (client credentials) of the demo provider: no user,
 * no browser, interactive logins off.
 */
@ExtendWith(OutputCaptureExtension.class)
class ServiceProfileTests {

	@Test
	void theJobCallsTheApiWithAClientCredentialsToken(CapturedOutput output) throws Exception {
		ConfigurableApplicationContext context = SampleApplication.application()
			.run("--spring.profiles.active=demo,service", "--sample.batch.runs=2",
					"--oauth-callback.login.interactive=never");
		DemoIdentityProvider provider = context.getBean(DemoIdentityProvider.class);
		assertThat(context.getBeansOfType(SampleCommands.class)).isEmpty();
		URI api = URI.create(provider.issuer() + "/api/whoami");
		// The API wants a token: what the job printed is not answered to anyone.
		assertThat(HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(api).build(), HttpResponse.BodyHandlers.discarding())
			.statusCode()).isEqualTo(401);
		String secret = provider.serviceClientSecret();
		assertThat(SpringApplication.exit(context)).isZero();
		assertThat(output.getOut()).contains("Run 1: {\"sub\":\"demo-service\",\"aud\":[\"demo-service\"],"
				+ "\"scope\":[\"demo.api\"]}", "Run 2: {\"sub\":\"demo-service\"");
		assertThat(output.toString()).doesNotContain(secret).doesNotContainPattern("eyJ[\\w-]{20,}");
	}

	/**
	 * Every logger at TRACE, the demo provider's (in this JVM) included: neither the client secret (nor its Basic
	 * header) nor an access token shows in the output.
	 */
	@Test
	void noSecretOrTokenInTheOutputWithEveryLoggerAtTrace(CapturedOutput output) throws Exception {
		ConfigurableApplicationContext context = SampleApplication.application()
			.run("--spring.profiles.active=demo,service", "--sample.batch.runs=1",
					"--oauth-callback.login.interactive=never", "--logging.level.root=TRACE");
		String secret = context.getBean(DemoIdentityProvider.class).serviceClientSecret();
		assertThat(SpringApplication.exit(context)).isZero();
		String basic = java.util.Base64.getEncoder()
			.encodeToString(("demo-service:" + secret).getBytes(java.nio.charset.StandardCharsets.UTF_8));
		assertThat(output.getOut()).contains("Run 1: {\"sub\":\"demo-service\"");
		assertThat(output.toString()).as("logged at TRACE").contains(" TRACE ")
			.doesNotContain(secret)
			.doesNotContain(basic)
			.doesNotContainPattern("eyJ[\\w-]{20,}");
	}

}
