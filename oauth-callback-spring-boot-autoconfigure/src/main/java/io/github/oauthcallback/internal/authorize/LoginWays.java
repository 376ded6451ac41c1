package io.github.oauthcallback.internal.authorize;

import java.util.Objects;
import java.util.function.Supplier;

import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.internal.browser.SystemBrowserLauncher;
import io.github.oauthcallback.internal.environment.BrowserAvailability;
import io.github.oauthcallback.internal.environment.LoginMode;
import io.github.oauthcallback.internal.environment.LoginPlan;
import io.github.oauthcallback.internal.environment.LoginPlanner;
import io.github.oauthcallback.internal.environment.RunEnvironment;
import io.github.oauthcallback.internal.environment.TerminalInput;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.registration.ClientRegistration;

/**
 * What the {@link DefaultLoopbackAuthorizer} needs to choose how a login runs: the mode asked for
 * ({@code oauth-callback.login.mode}), the run, the terminal, whether a browser can be opened, and the device-grant
 * hook if there is one.
 *
 * @param mode the mode asked for
 * @param environment the run
 * @param terminal the terminal a paste is read from
 * @param browser whether and how a browser can be opened, asked when a login starts
 * @param device the device-grant hook, or {@code null} when there is none
 */
public record LoginWays(LoginMode mode, RunEnvironment environment, TerminalInput terminal,
		Supplier<BrowserAvailability> browser, @Nullable DeviceLoginStarter device) {

	public LoginWays {
		Objects.requireNonNull(mode, "mode must not be null");
		Objects.requireNonNull(environment, "environment must not be null");
		Objects.requireNonNull(terminal, "terminal must not be null");
		Objects.requireNonNull(browser, "browser must not be null");
	}

	/**
	 * @param mode the mode asked for
	 * @param launcher the browser launcher the login uses
	 * @param device the device-grant hook, or {@code null}
	 * @return the ways for this process: its environment and standard input
	 */
	public static LoginWays system(LoginMode mode, BrowserLauncher launcher, @Nullable DeviceLoginStarter device) {
		return new LoginWays(mode, RunEnvironment.system(), TerminalInput.system(), availability(launcher), device);
	}

	/**
	 * @param launcher a browser launcher
	 * @return what it can do: the starter's own tells; any other is the application's choice
	 */
	public static Supplier<BrowserAvailability> availability(BrowserLauncher launcher) {
		if (launcher instanceof SystemBrowserLauncher system) {
			return system::availability;
		}
		return () -> BrowserAvailability.configured("the application's BrowserLauncher");
	}

	/**
	 * Chooses how a login of the registration runs.
	 * @param registration the registration
	 * @return the plan
	 * @throws DeviceGrantUnavailableException if the device grant is asked for and not available
	 */
	LoginPlan plan(ClientRegistration registration) {
		boolean deviceAvailable = this.device != null && this.device.supports(registration);
		if (this.mode == LoginMode.DEVICE && !deviceAvailable) {
			throw new DeviceGrantUnavailableException(registration.getRegistrationId(), (this.device == null)
					? "this application has no device-grant support (no DeviceLoginStarter)"
					: "its provider has no device authorization endpoint, or the client may not use the grant");
		}
		// The terminal and the browser are only asked when a login starts, never at start-up.
		return LoginPlanner.plan(this.mode, this.environment, this.terminal.isTerminal(), this.browser.get(),
				deviceAvailable);
	}

}
