package io.github.oauthcallback.internal.browser;

import io.github.oauthcallback.browser.BrowserLauncher;
import java.awt.Desktop;
import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.github.oauthcallback.internal.SafeText;
import io.github.oauthcallback.internal.environment.BrowserAvailability;
import io.github.oauthcallback.internal.environment.RunEnvironment;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link BrowserLauncher}. The URL has already been printed ("Open this URL to continue: ...") by the
 * {@link io.github.oauthcallback.internal.authorize.DefaultLoopbackAuthorizer} when it is called; depending on the mode it then
 * runs:
 * <ul>
 * <li>{@code auto}: the command in the {@code BROWSER} environment variable (URL as last argument), else
 * {@link Desktop#browse(URI)} when supported and not headless, else the operating system's opener ({@code xdg-open},
 * {@code wslview} under WSL or {@code explorer.exe} where only it is found, {@code open} on macOS,
 * {@code rundll32 url.dll,FileProtocolHandler} on Windows).
 * {@code SpringApplication} makes the JVM headless by default, so in a Spring Boot application the Desktop step only
 * runs with {@code -Djava.awt.headless=false} or {@code SpringApplication.setHeadless(false)};</li>
 * <li>{@code print}: nothing (the printed URL is all);</li>
 * <li>anything else: a command line, run with the URL as last argument.</li>
 * </ul>
 */
public class SystemBrowserLauncher implements BrowserLauncher {

	private static final Log logger = LogFactory.getLog(SystemBrowserLauncher.class);

	private final String mode;

	private final RunEnvironment environment;

	private final Predicate<URI> desktop;

	private final ProcessStarter processes;

	/**
	 * @param mode {@code auto}, {@code print} or a command line; {@code null} or blank means {@code auto}
	 */
	public SystemBrowserLauncher(@Nullable String mode) {
		this(mode, RunEnvironment.system(), SystemBrowserLauncher::browseWithDesktop,
				SystemBrowserLauncher::startProcess);
	}

	public SystemBrowserLauncher(@Nullable String mode, Map<String, String> environment, String osName,
			Predicate<URI> desktop, ProcessStarter processes) {
		this(mode, RunEnvironment.of(environment, osName), desktop, processes);
	}

	public SystemBrowserLauncher(@Nullable String mode, RunEnvironment environment, Predicate<URI> desktop,
			ProcessStarter processes) {
		this.mode = (mode == null || mode.isBlank()) ? "auto" : mode.trim();
		this.environment = environment;
		this.desktop = desktop;
		this.processes = processes;
	}

	/**
	 * {@inheritDoc}
	 * @throws io.github.oauthcallback.internal.browser.UnsafeBrowserUriException if the URI is not one {@link BrowserUris} lets a
	 * browser open; then nothing is run
	 */
	@Override
	public void open(URI authorizationUri) throws Exception {
		BrowserUris.requireSafe(authorizationUri, "The URL to open in a browser");
		if (printOnly()) {
			return;
		}
		if (!auto()) {
			run(split(this.mode), authorizationUri);
			return;
		}
		String browser = this.environment.browserVariable();
		if (browser != null) {
			run(split(browser), authorizationUri);
			return;
		}
		if (this.desktop.test(authorizationUri)) {
			return;
		}
		run(osOpener(), authorizationUri);
	}

	/**
	 * Whether {@link #open} can open a browser here, and with what, without opening one: for the line that says how a
	 * login runs, and for choosing to print the URL where nothing can open it. Asked when a login starts.
	 * @return what opens the browser, or why nothing does
	 */
	public BrowserAvailability availability() {
		if (printOnly()) {
			return BrowserAvailability.printOnly("oauth-callback.login.browser=print");
		}
		if (!auto()) {
			return BrowserAvailability.configured("the command in oauth-callback.login.browser");
		}
		if (this.environment.browserVariable() != null) {
			return BrowserAvailability.configured("the BROWSER variable's command");
		}
		if (this.environment.windows()) {
			return BrowserAvailability.detected("the Windows default browser");
		}
		if (this.environment.mac()) {
			return BrowserAvailability.detected("open");
		}
		if (this.environment.wsl()) {
			List<String> opener = osOpener();
			return this.environment.onPath(opener.get(0)) ? BrowserAvailability.detected(opener.get(0))
					: BrowserAvailability.none("WSL without wslview or explorer.exe on the PATH");
		}
		if (!this.environment.display()) {
			return BrowserAvailability.none("no DISPLAY or WAYLAND_DISPLAY, no BROWSER variable");
		}
		return this.environment.onPath("xdg-open") ? BrowserAvailability.detected("xdg-open")
				: BrowserAvailability.none("no xdg-open on the PATH, no BROWSER variable");
	}

	private boolean printOnly() {
		return "print".equalsIgnoreCase(this.mode);
	}

	private boolean auto() {
		return "auto".equalsIgnoreCase(this.mode);
	}

	/**
	 * @return the operating system's opener: {@code rundll32} on Windows, {@code open} on macOS, under WSL
	 * {@code wslview} (or {@code explorer.exe} where only it is on the PATH), else {@code xdg-open}
	 */
	List<String> osOpener() {
		if (this.environment.windows()) {
			return List.of("rundll32", "url.dll,FileProtocolHandler");
		}
		if (this.environment.mac()) {
			return List.of("open");
		}
		if (this.environment.wsl()) {
			boolean explorerOnly = !this.environment.onPath("wslview") && this.environment.onPath("explorer.exe");
			return List.of(explorerOnly ? "explorer.exe" : "wslview");
		}
		return List.of("xdg-open");
	}

	private void run(List<String> command, URI uri) throws IOException {
		List<String> line = new ArrayList<>(command);
		line.add(uri.toString());
		this.processes.start(line);
	}

	private static List<String> split(String commandLine) {
		return Arrays.stream(commandLine.trim().split("\\s+")).filter((part) -> !part.isEmpty()).toList();
	}

	private static boolean browseWithDesktop(URI uri) {
		try {
			if (GraphicsEnvironment.isHeadless() || !Desktop.isDesktopSupported()
					|| !Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
				return false;
			}
			Desktop.getDesktop().browse(uri);
			return true;
		}
		catch (IOException | RuntimeException | LinkageError ex) {
			logger.debug("java.awt.Desktop could not open a browser (" + SafeText.describe(ex) + ")");
			return false;
		}
	}

	private static void startProcess(List<String> command) throws IOException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		String program = command.get(0);
		process.onExit().thenAccept((exited) -> {
			if (exited.exitValue() != 0) {
				logger.warn("The browser command '" + program + "' exited with status " + exited.exitValue()
						+ "; open the URL printed above by hand, or configure the browser command.");
			}
		});
	}

	/** Starts an external command without waiting for it. */
	@FunctionalInterface
	public interface ProcessStarter {

		void start(List<String> command) throws IOException;

	}

}
