package io.github.oauthcallback.benchmarks.p3;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.github.oauthcallback.benchmarks.p3.WholeProcess.App;
import io.github.oauthcallback.benchmarks.probe.StartupProbe;

/**
 * Where P3's start-up time goes, with and without the starter: single runs of each application under
 * {@link StartupProbe} (Spring's {@code BufferingApplicationStartup}: phases and bean instantiations), one
 * {@code status} with everything created at start-up and, when the sample has Spring AOT code, one {@code call} as the
 * fast start runs it (Spring AOT, lazy initialization); and the classes each application loaded, by library, from the
 * untimed {@code status} run of the {@code jdk25-extracted} variant ({@code -Xlog:class+load}). Single runs: read them
 * as pointers to where time goes, not as measurements.
 */
final class StartupBreakdown {

	private static final List<String> PHASES = List.of("spring.boot.application.starting",
			"spring.boot.application.environment-prepared", "spring.boot.application.context-prepared",
			"spring.boot.application.context-loaded", "spring.context.refresh", "spring.context.beans.post-process",
			"spring.context.config-classes.parse", "spring.beans.smart-initialize", "spring.boot.application.started",
			"spring.boot.application.ready");

	/** One recorded step. */
	record Step(long id, Long parent, String name, long nanos, Map<String, String> tags) {

	}

	/**
	 * One probed start-up of both applications.
	 *
	 * @param title what the run is, for the report
	 * @param shortTitle the same, shorter
	 * @param command {@code status} or {@code call}
	 * @param jvm JVM options
	 * @param extra further application arguments
	 */
	record Probe(String title, String shortTitle, String command, List<String> jvm, List<String> extra) {

	}

	private final WholeProcess process;

	private final Path work;

	private final String java;

	private final Map<App, Path> extractedJars;

	private final List<WholeProcess.Config> configs;

	private final List<Probe> probes;

	private final Map<Probe, Map<App, List<Step>>> steps = new LinkedHashMap<>();

	private final Map<Probe, Map<App, Long>> runNanos = new LinkedHashMap<>();

	/** Per probe and app: launch → main, main → run returned, run returned → System.exit, System.exit → gone. */
	private final Map<Probe, Map<App, long[]>> timelines = new LinkedHashMap<>();

	private final List<String> problems = new ArrayList<>();

	private Map<String, Integer> classesWith;

	private Map<String, Integer> classesWithout;

	StartupBreakdown(WholeProcess process, Path work, String java, Map<App, Path> extractedJars,
			List<WholeProcess.Config> configs, List<Probe> probes) {
		this.process = process;
		this.work = work;
		this.java = java;
		this.extractedJars = extractedJars;
		this.configs = configs;
		this.probes = probes;
	}

	StartupBreakdown run() throws IOException, InterruptedException {
		Path probeClasses = this.work.resolve("probe");
		FatJar.writeTo(probeClasses, FatJar.ownClasses(StartupProbe.class.getPackageName()));
		int index = 0;
		for (Probe probe : this.probes) {
			index++;
			for (App app : App.values()) {
				String name = "breakdown-" + index + "-" + app.name().toLowerCase(Locale.ROOT);
				Path output = this.work.resolve(name + ".tsv");
				List<String> command = new ArrayList<>(List.of(this.java));
				command.addAll(probe.jvm());
				command.addAll(List.of("-cp", probeClasses + File.pathSeparator + this.extractedJars.get(app),
						StartupProbe.class.getName(), output.toString(),
						(app == App.WITH) ? WholeProcess.SAMPLE_MAIN : WholeProcess.BASELINE_MAIN));
				command.addAll(this.process.arguments(probe.command()));
				command.addAll(probe.extra());
				WholeProcess.Result result = this.process.launch(command, this.work.resolve("logs/" + name));
				if (result.exitCode() != 0 || !Files.isRegularFile(output)) {
					this.problems.add("The start-up probe (" + probe.title() + ") of the app " + app.label
							+ " failed (exit status " + result.exitCode() + "): " + result.firstErrorLine());
					continue;
				}
				parse(probe, app, Files.readAllLines(output));
				timeline(probe, app, result, Files.readAllLines(output), output);
			}
		}
		// Read now: the work directory is gone by the time the report is written.
		this.classesWith = classSources("jdk25-extracted", App.WITH);
		this.classesWithout = classSources("jdk25-extracted", App.WITHOUT);
		return this;
	}

	private void timeline(Probe probe, App app, WholeProcess.Result result, List<String> lines, Path output)
			throws IOException {
		Path exit = Path.of(output + ".exit");
		String clock = lines.stream().filter((line) -> line.startsWith("clock\t")).findFirst().orElse(null);
		if (clock == null || !Files.isRegularFile(exit)) {
			return;
		}
		String[] fields = clock.split("\t");
		long main = Long.parseLong(fields[2]);
		long ran = Long.parseLong(fields[3]);
		long exitCall = Long.parseLong(Files.readString(exit).trim());
		this.timelines.computeIfAbsent(probe, (p) -> new LinkedHashMap<>())
			.put(app, new long[] { main - result.startedEpochNanos(), ran - main, exitCall - ran,
					result.endedEpochNanos() - exitCall });
	}

	private void parse(Probe probe, App app, List<String> lines) {
		List<Step> parsed = new ArrayList<>();
		for (String line : lines) {
			String[] fields = line.split("\t", -1);
			if (fields[0].equals("clock")) {
				continue;
			}
			if (fields[0].equals("run")) {
				this.runNanos.computeIfAbsent(probe, (p) -> new LinkedHashMap<>()).put(app, Long.parseLong(fields[2]));
				continue;
			}
			Map<String, String> tags = new HashMap<>();
			for (String tag : fields[4].split(";")) {
				int equals = tag.indexOf('=');
				if (equals > 0) {
					tags.put(tag.substring(0, equals), tag.substring(equals + 1));
				}
			}
			parsed.add(new Step(Long.parseLong(fields[0]), fields[1].isEmpty() ? null : Long.parseLong(fields[1]),
					fields[2], Long.parseLong(fields[3]), tags));
		}
		this.steps.computeIfAbsent(probe, (p) -> new LinkedHashMap<>()).put(app, parsed);
	}

	String markdown() {
		StringBuilder text = new StringBuilder("### P3 start-up breakdown (single runs: where to look, not figures)\n\n");
		for (String problem : this.problems) {
			text.append(problem).append("\n\n");
		}
		for (Probe probe : this.probes) {
			Map<App, List<Step>> recorded = this.steps.getOrDefault(probe, Map.of());
			if (recorded.size() == 2) {
				text.append("#### ").append(probe.title()).append("\n\n");
				timeline(text, probe);
				phases(text, probe);
				beans(text, probe);
			}
		}
		classes(text);
		return text.toString();
	}

	private void timeline(StringBuilder text, Probe probe) {
		Map<App, long[]> times = this.timelines.getOrDefault(probe, Map.of());
		long[] with = times.get(App.WITH);
		long[] without = times.get(App.WITHOUT);
		if (with == null || without == null) {
			return;
		}
		text.append("The whole process, by wall clock (the probe adds a little to each):\n\n");
		text.append("| Part | With | Without |\n|---|---|---|\n");
		String[] parts = { "process launched → `main` (JVM start-up)", "`main` → Spring Boot's `run` returned, command done",
				"→ `System.exit` called (context closed)", "`System.exit` → process gone (JVM exit)" };
		for (int i = 0; i < parts.length; i++) {
			text.append(String.format("| %s | %.0f ms | %.0f ms |%n", parts[i], with[i] / 1e6, without[i] / 1e6));
		}
		text.append('\n');
	}

	String shortTitle(int probe) {
		return this.probes.get(probe).shortTitle();
	}

	/** The JVM-exit part (System.exit → gone) of a probe, per app, or {@code null}. */
	Map<App, Long> exitNanos(int probe) {
		if (probe >= this.probes.size()) {
			return null;
		}
		Map<App, long[]> times = this.timelines.get(this.probes.get(probe));
		if (times == null || times.size() != 2) {
			return null;
		}
		Map<App, Long> exit = new LinkedHashMap<>();
		times.forEach((app, parts) -> exit.put(app, parts[3]));
		return exit;
	}

	private void phases(StringBuilder text, Probe probe) {
		Map<App, Long> run = this.runNanos.getOrDefault(probe, Map.of());
		text.append(String.format("Spring Boot's `run` until the command finished, inside the JVM (JVM start-up not "
				+ "counted): %.0f ms with the starter, %.0f ms without. Phases (Spring's `ApplicationStartup` steps, "
				+ "summed by name):%n%n", run.getOrDefault(App.WITH, 0L) / 1e6, run.getOrDefault(App.WITHOUT, 0L) / 1e6));
		text.append("| Step | With | Without |\n|---|---|---|\n");
		for (String phase : PHASES) {
			long with = total(probe, App.WITH, phase);
			long without = total(probe, App.WITHOUT, phase);
			if (with > 0 || without > 0) {
				text.append(String.format("| `%s` | %.1f ms | %.1f ms |%n", phase, with / 1e6, without / 1e6));
			}
		}
		text.append(String.format("| beans instantiated | %d | %d |%n%n", beanSteps(probe, App.WITH).size(),
				beanSteps(probe, App.WITHOUT).size()));
	}

	private void beans(StringBuilder text, Probe probe) {
		Set<String> baselineBeans = beanSteps(probe, App.WITHOUT).stream()
			.map((s) -> s.tags().getOrDefault("beanName", ""))
			.collect(Collectors.toSet());
		List<Step> extra = beanSteps(probe, App.WITH).stream()
			.filter((s) -> !baselineBeans.contains(s.tags().getOrDefault("beanName", "")))
			.toList();
		Map<Long, Long> childTime = childTime(probe, App.WITH);
		long self = extra.stream().mapToLong((s) -> s.nanos() - childTime.getOrDefault(s.id(), 0L)).sum();
		text.append(String.format("Beans the program with the starter creates and the baseline does not: %d, %.1f ms "
				+ "of their own instantiation time (without the beans they pull in). The slowest, by time including "
				+ "the beans each pulls in:%n%n", extra.size(), self / 1e6));
		text.append("| Bean | Including dependencies | Own |\n|---|---|---|\n");
		extra.stream()
			.sorted(Comparator.comparingLong(Step::nanos).reversed())
			.limit(15)
			.forEach((s) -> text.append(String.format("| `%s` | %.1f ms | %.1f ms |%n",
					shortName(s.tags().getOrDefault("beanName", "?")), s.nanos() / 1e6,
					(s.nanos() - childTime.getOrDefault(s.id(), 0L)) / 1e6)));
		text.append('\n');
	}

	private void classes(StringBuilder text) {
		Map<String, Integer> with = this.classesWith;
		Map<String, Integer> without = this.classesWithout;
		if (with == null || without == null) {
			text.append("Classes by library: not available (the `jdk25-extracted` variant did not run).\n");
			return;
		}
		int withTotal = with.values().stream().mapToInt(Integer::intValue).sum();
		int withoutTotal = without.values().stream().mapToInt(Integer::intValue).sum();
		text.append(String.format("Classes loaded by `status` (JDK 25, extracted layout, no archive): %d with the "
				+ "starter, %d without. Where the %d more come from (largest differences):%n%n", withTotal,
				withoutTotal, withTotal - withoutTotal));
		text.append("| Source | With | Without | Difference |\n|---|---|---|---|\n");
		Map<String, Integer> all = new TreeMap<>(with);
		without.forEach((k, v) -> all.putIfAbsent(k, 0));
		all.keySet()
			.stream()
			.sorted(Comparator.comparingInt((String k) -> with.getOrDefault(k, 0) - without.getOrDefault(k, 0))
				.reversed())
			.limit(12)
			.forEach((k) -> text.append(String.format("| %s | %d | %d | %+d |%n", k, with.getOrDefault(k, 0),
					without.getOrDefault(k, 0), with.getOrDefault(k, 0) - without.getOrDefault(k, 0))));
		text.append('\n');
	}

	private Map<String, Integer> classSources(String variant, App app) throws IOException {
		WholeProcess.Config config = this.configs.stream()
			.filter((c) -> c.variant.id().equals(variant) && c.app == app && c.command.equals("status"))
			.findFirst()
			.orElse(null);
		if (config == null) {
			return null;
		}
		Path log = this.work.resolve("logs/" + config.name() + ".classes");
		if (!Files.isRegularFile(log)) {
			return null;
		}
		Map<String, Integer> counts = new HashMap<>();
		for (String line : Files.readAllLines(log)) {
			int at = line.indexOf(" source: ");
			if (at < 0) {
				continue;
			}
			String source = line.substring(at + " source: ".length()).trim();
			String key;
			if (source.startsWith("shared objects file")) {
				key = "JDK (its default CDS archive)";
			}
			else if (source.startsWith("jrt:/")) {
				key = "JDK (" + source.substring(5) + ")";
			}
			else if (source.endsWith(".jar")) {
				String name = source.substring(source.lastIndexOf('/') + 1);
				key = name.equals("app.jar") ? "the application's own classes" : "`" + name + "`";
			}
			else if (source.contains("__JVM_") || source.contains("Lambda") || source.contains("instance of")) {
				key = "generated at run time (lambdas, proxies)";
			}
			else {
				key = "other (" + abbreviateSource(source) + ")";
			}
			counts.merge(key, 1, Integer::sum);
		}
		return counts;
	}

	private static String abbreviateSource(String source) {
		return (source.length() > 40) ? source.substring(0, 40) + "…" : source;
	}

	private long total(Probe probe, App app, String name) {
		return this.steps.getOrDefault(probe, Map.of()).getOrDefault(app, List.of()).stream()
			.filter((s) -> s.name().equals(name))
			.mapToLong(Step::nanos).sum();
	}

	private List<Step> beanSteps(Probe probe, App app) {
		return this.steps.getOrDefault(probe, Map.of()).getOrDefault(app, List.of()).stream()
			.filter((s) -> s.name().equals("spring.beans.instantiate"))
			.toList();
	}

	private Map<Long, Long> childTime(Probe probe, App app) {
		Map<Long, Long> children = new HashMap<>();
		for (Step step : this.steps.getOrDefault(probe, Map.of()).getOrDefault(app, List.of())) {
			if (step.parent() != null && step.name().equals("spring.beans.instantiate")) {
				children.merge(step.parent(), step.nanos(), Long::sum);
			}
		}
		return children;
	}

	/** Configuration-properties beans are named "prefix-fully.qualified.Type": keep the simple type. */
	private static String shortName(String beanName) {
		int dash = beanName.indexOf('-');
		if (dash > 0 && beanName.indexOf('.', dash) > 0) {
			return beanName.substring(0, dash) + "-…" + beanName.substring(beanName.lastIndexOf('.') + 1);
		}
		return beanName;
	}


}
