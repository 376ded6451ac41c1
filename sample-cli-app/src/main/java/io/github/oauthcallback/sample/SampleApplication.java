package io.github.oauthcallback.sample;

import java.util.ArrayList;
import java.util.List;

import io.github.oauthcallback.sample.demo.DemoIdentityProviderLauncher;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A command-line program that logs in through the browser with the OAuth Callback starter. See {@link SampleCommands}
 * for the commands and the README for the profiles.
 */
@SpringBootApplication
@EnableConfigurationProperties(SampleProperties.class)
public class SampleApplication {

	public static void main(String[] args) {
		Integer answered = batch(args) ? null : SampleCommands.answerWithoutSpring(args, System.out, System.err);
		if (answered != null) {
			System.exit(answered);
		}
		int status;
		try {
			SpringApplication application = application();
			if (mcp(args)) {
				// The MCP command talks to the server it is given: not the demo provider (the default profile).
				application.setAdditionalProfiles(MCP_PROFILE);
			}
			ConfigurableApplicationContext context = application.run(args);
			// Runs the ExitCodeGenerator beans (the command's status) and closes the context, which also stops
			// the demo identity provider.
			status = SpringApplication.exit(context);
		}
		catch (SpringApplication.AbandonedRunException ex) {
			// Spring AOT processing (the fast-start build) ends the run this way: let it out.
			throw ex;
		}
		catch (RuntimeException ex) {
			// Spring Boot has already reported why the start-up failed.
			status = SampleCommands.FAILED;
		}
		// Ends the JVM even if some library left a non-daemon thread behind.
		System.exit(status);
	}

	/** The profile of the {@code mcp} command (application-mcp.yml), active instead of the default 'demo'. */
	static final String MCP_PROFILE = "mcp";

	/**
	 * Whether the command is {@code mcp}.
	 */
	static boolean mcp(String[] args) {
		for (String arg : args) {
			if (!arg.startsWith("--")) {
				return "mcp".equals(arg);
			}
		}
		return false;
	}

	/**
	 * Whether the 'batch' profile is asked for (it needs no command word).
	 */
	static boolean batch(String[] args) {
		String fromEnvironment = System.getenv("SPRING_PROFILES_ACTIVE");
		boolean batch = fromEnvironment != null && List.of(fromEnvironment.split(",")).contains("batch");
		for (String arg : args) {
			if (arg.startsWith("--spring.profiles.active=")) {
				batch = List.of(arg.substring(arg.indexOf('=') + 1).split(",")).contains("batch");
			}
		}
		return batch;
	}

	/**
	 * The application as {@link #main} runs it: this class plus any additional sources (tests add beans this way),
	 * with the listener that starts the demo identity provider in the 'demo' profile and the one that reads the login
	 * flags ({@code --paste}).
	 * @param additionalSources more configuration sources
	 * @return the application, not yet run
	 */
	public static SpringApplication application(Class<?>... additionalSources) {
		List<Class<?>> sources = new ArrayList<>();
		sources.add(SampleApplication.class);
		sources.addAll(List.of(additionalSources));
		SpringApplication application = new SpringApplication(sources.toArray(Class<?>[]::new));
		application.addListeners(new DemoIdentityProviderLauncher(), new LoginFlags());
		return application;
	}

}
