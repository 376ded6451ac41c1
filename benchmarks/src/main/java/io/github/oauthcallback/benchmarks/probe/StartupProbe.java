package io.github.oauthcallback.benchmarks.probe;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.metrics.StartupStep;

/**
 * Runs an application's Spring Boot start-up with a {@link BufferingApplicationStartup} and writes every recorded
 * step to a file, one tab-separated line each: id, parent id, name, duration in nanoseconds, tags. The harness runs
 * it in a child JVM on the application's own class path (it is copied there as a single class), in place of the
 * application's {@code main}: {@code StartupProbe <output file> <application class> <arguments...>}.
 * <p>
 * Only for the start-up breakdown of P3 (which beans and phases take the time); never timed as a whole process.
 */
public final class StartupProbe {

	private StartupProbe() {
	}

	public static void main(String[] args) throws IOException, ClassNotFoundException {
		Instant main = Instant.now();
		Path output = Path.of(args[0]);
		Class<?> application = Class.forName(args[1]);
		String[] applicationArgs = Arrays.copyOfRange(args, 2, args.length);
		BufferingApplicationStartup startup = new BufferingApplicationStartup(100_000);
		SpringApplication spring = new SpringApplication(application);
		// As if the application's own main ran: Spring AOT looks its generated initializer up by this class.
		spring.setMainApplicationClass(application);
		spring.setApplicationStartup(startup);
		long start = System.nanoTime();
		ConfigurableApplicationContext context = spring.run(applicationArgs);
		long took = System.nanoTime() - start;
		Instant ran = Instant.now();
		int status = SpringApplication.exit(context);
		StartupTimeline timeline = startup.getBufferedTimeline();
		try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(output, StandardCharsets.UTF_8))) {
			out.println("run\t\t" + took);
			out.println("clock\t\t" + nanos(main) + "\t" + nanos(ran));
			for (StartupTimeline.TimelineEvent event : timeline.getEvents()) {
				StartupStep step = event.getStartupStep();
				StringBuilder tags = new StringBuilder();
				for (StartupStep.Tag tag : step.getTags()) {
					tags.append(tag.getKey()).append('=').append(tag.getValue()).append(';');
				}
				out.println(step.getId() + "\t" + ((step.getParentId() != null) ? step.getParentId() : "") + "\t"
						+ step.getName() + "\t" + event.getDuration().toNanos() + "\t"
						+ tags.toString().replace('\t', ' ').replace('\n', ' '));
			}
		}
		// The harness compares these wall-clock instants with its own: launch → main, and exit → process gone.
		Files.writeString(Path.of(args[0] + ".exit"), String.valueOf(nanos(Instant.now())));
		System.exit(status);
	}

	private static long nanos(Instant instant) {
		return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
	}

}
