package io.github.oauthcallback.sample;

import java.util.ArrayList;
import java.util.Arrays;
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
		Integer answered = withoutCommand(args) ? null
				: SampleCommands.answerWithoutSpring(args, System.out, System.err);
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
	 * The profiles that run something else than the commands, so need no command word: 'batch' and 'service' (a
	 * {@link BatchJob}), 'shell' (Spring Shell reads the commands) and 'watch' ({@link WatchRunner}).
	 */
	static final List<String> PROFILES_WITHOUT_COMMAND = List.of("batch", "service", "shell", "watch");

	/**
	 * Whether the 'batch' profile is asked for (it needs no command word).
	 */
	static boolean batch(String[] args) {
		return activeProfiles(args).contains("batch");
	}

	/**
	 * Whether a profile of {@link #PROFILES_WITHOUT_COMMAND} is asked for, in {@code --spring.profiles.active} or the
	 * SPRING_PROFILES_ACTIVE environment variable.
	 */
	static boolean withoutCommand(String[] args) {
		return activeProfiles(args).stream().anyMatch(PROFILES_WITHOUT_COMMAND::contains);
	}

	private static List<String> activeProfiles(String[] args) {
		String fromEnvironment = System.getenv("SPRING_PROFILES_ACTIVE");
		List<String> active = (fromEnvironment != null) ? profiles(fromEnvironment) : List.of();
		for (String arg : args) {
			if (arg.startsWith("--spring.profiles.active=")) {
				active = profiles(arg.substring(arg.indexOf('=') + 1));
			}
		}
		return active;
	}

	private static List<String> profiles(String value) {
		return Arrays.stream(value.split(",")).map(String::trim).toList();
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
