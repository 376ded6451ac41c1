package io.github.oauthcallback.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.FileSystemGeneratedFiles;
import org.springframework.aot.generate.GeneratedFiles.Kind;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.javapoet.ClassName;

/**
 * Spring AOT as {@code process-aot} runs it, inside a test: a context's bean definitions are processed ahead of time
 * with {@link ApplicationContextAotGenerator}, the generated sources are compiled with the JDK's compiler, and the
 * classes are defined next to the classes they belong with (same class loader and package, as in an application built
 * with AOT, so package-private factory methods stay reachable). The initializer then registers the generated bean
 * definitions in a new context, which starts from them alone: no configuration class is parsed, no condition
 * evaluated, no registrar run.
 * <p>
 * Each processing gets a name of its own, so the classes of several processings can live in one JVM. (Spring's
 * {@code spring-core-test} tooling, TestCompiler and TestGenerationContext, does the same but is not served by the
 * registry this project builds from.)
 */
public final class AotProcessing {

	private static final AtomicInteger ROUNDS = new AtomicInteger();

	private final ApplicationContextInitializer<GenericApplicationContext> initializer;

	private final RuntimeHints hints;

	private AotProcessing(ApplicationContextInitializer<GenericApplicationContext> initializer, RuntimeHints hints) {
		this.initializer = initializer;
		this.hints = hints;
	}

	/**
	 * @param context a context that has not been refreshed
	 * @param folder where the generated sources and classes are written
	 * @return the processing's result
	 */
	public static AotProcessing of(GenericApplicationContext context, Path folder) {
		String name = "Aot" + ROUNDS.incrementAndGet();
		Path sources = folder.resolve(name + "/sources");
		Path classes = folder.resolve(name + "/classes");
		Map<Kind, Path> roots = Map.of(Kind.SOURCE, sources, Kind.RESOURCE, folder.resolve(name + "/resources"),
				Kind.CLASS, folder.resolve(name + "/generated-classes"));
		DefaultGenerationContext generation = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get(AotProcessing.class)), new FileSystemGeneratedFiles(roots::get))
			.withName(name);
		ClassName initializerName = new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
		generation.writeGeneratedContent();
		compile(sources, classes);
		define(roots.get(Kind.CLASS));
		define(classes);
		try {
			@SuppressWarnings("unchecked")
			ApplicationContextInitializer<GenericApplicationContext> initializer = (ApplicationContextInitializer<GenericApplicationContext>) Class
				.forName(initializerName.reflectionName())
				.getDeclaredConstructor()
				.newInstance();
			return new AotProcessing(initializer, generation.getRuntimeHints());
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("The generated initializer cannot be created", ex);
		}
	}

	/**
	 * Registers the generated bean definitions in a context, which may then be refreshed.
	 * @param context a new context
	 */
	public void initialize(GenericApplicationContext context) {
		this.initializer.initialize(context);
	}

	/**
	 * @return the hints the processing gathered, the registrars of {@code aot.factories} included
	 */
	public RuntimeHints hints() {
		return this.hints;
	}

	private static String host(String className) {
		int generated = className.indexOf("__");
		int cglib = className.indexOf("$$");
		int end = (generated < 0) ? cglib : (cglib < 0) ? generated : Math.min(generated, cglib);
		return (end < 0) ? className : className.substring(0, end);
	}

	private static void compile(Path sources, Path classes) {
		List<String> arguments = new ArrayList<>(List.of("-proc:none", "-nowarn", "-encoding", "UTF-8", "-d",
				classes.toString(), "-cp", System.getProperty("java.class.path")));
		try (Stream<Path> files = Files.walk(sources)) {
			files.filter((file) -> file.toString().endsWith(".java")).forEach((file) -> arguments.add(file.toString()));
			Files.createDirectories(classes);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		int status = compiler.run(null, null, null, arguments.toArray(String[]::new));
		if (status != 0) {
			throw new IllegalStateException("The generated sources in " + sources + " do not compile (see the output)");
		}
	}

	/**
	 * Defines each compiled class with a lookup in a class of its package that exists already: the class named
	 * before the {@code __} of the generated name (the bean's class, or this one for the initializer), or before the
	 * {@code $$} of a CGLIB class.
	 */
	private static void define(Path classes) {
		if (!Files.isDirectory(classes)) {
			return;
		}
		Map<String, MethodHandles.Lookup> lookups = new HashMap<>();
		try (Stream<Path> files = Files.walk(classes)) {
			for (Path file : files.filter((path) -> path.toString().endsWith(".class")).sorted().toList()) {
				String className = classes.relativize(file)
					.toString()
					.replace(File.separatorChar, '.')
					.replaceAll("\\.class$", "");
				String packageName = className.substring(0, className.lastIndexOf('.'));
				MethodHandles.Lookup lookup = lookups.get(packageName);
				if (lookup == null) {
					lookup = MethodHandles.privateLookupIn(Class.forName(host(className)), MethodHandles.lookup());
					lookups.put(packageName, lookup);
				}
				lookup.defineClass(Files.readAllBytes(file));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("A generated class cannot be defined", ex);
		}
	}

}
