package io.github.oauthcallback.internal.loopback;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import io.github.oauthcallback.internal.browser.BrowserUris;
import io.github.oauthcallback.internal.SafeText;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * The static pages the loopback listener answers with. They are read once and never include request input.
 */
public final class CallbackPages {

	/** Location of the built-in success page. */
	public static final String DEFAULT_SUCCESS = "classpath:io/github/oauthcallback/loopback/success.html";

	/** Location of the built-in error page. */
	public static final String DEFAULT_ERROR = "classpath:io/github/oauthcallback/loopback/error.html";

	/** Location of the built-in bad-request page. */
	public static final String DEFAULT_BAD_REQUEST = "classpath:io/github/oauthcallback/loopback/bad-request.html";

	static final byte[] NOT_FOUND = page("Not found", "There is nothing here.");

	static final byte[] METHOD_NOT_ALLOWED = page("Method not allowed", "Only GET is accepted.");

	private final byte[] success;

	private final byte[] error;

	private final byte[] badRequest;

	private final @Nullable URI successRedirect;

	private CallbackPages(byte[] success, byte[] error, byte[] badRequest, @Nullable URI successRedirect) {
		this.success = success;
		this.error = error;
		this.badRequest = badRequest;
		this.successRedirect = successRedirect;
	}

	/**
	 * @return the built-in pages
	 */
	public static CallbackPages defaults() {
		return load(new DefaultResourceLoader(), DEFAULT_SUCCESS, DEFAULT_ERROR, DEFAULT_BAD_REQUEST, null);
	}

	/**
	 * Reads the pages from resource locations ({@code classpath:}, {@code file:}, ...).
	 * @param loader the resource loader
	 * @param success location of the page shown after a successful login
	 * @param error location of the page shown when the login failed
	 * @param badRequest location of the page shown for a request that is not the expected callback
	 * @param successRedirect if not {@code null}, an absolute http(s) URI the browser is redirected to after a
	 * successful login instead of the success page
	 * @return the pages
	 * @throws IllegalArgumentException if a page cannot be read ({@link #read}) or the redirect is not a safe browser
	 * URI ({@link #successRedirect})
	 */
	public static CallbackPages load(ResourceLoader loader, String success, String error, String badRequest,
			@Nullable String successRedirect) {
		return new CallbackPages(read(loader, success, "success page"), read(loader, error, "error page"),
				read(loader, badRequest, "bad-request page"), successRedirect(successRedirect));
	}

	byte[] success() {
		return this.success;
	}

	byte[] error() {
		return this.error;
	}

	byte[] badRequest() {
		return this.badRequest;
	}

	@Nullable URI successRedirect() {
		return this.successRedirect;
	}

	/**
	 * Reads one page.
	 * @param loader the resource loader
	 * @param location the page's resource location ({@code classpath:}, {@code file:}, ...)
	 * @param page which page it is, for the message ("success page")
	 * @return its content
	 * @throws IllegalArgumentException if it cannot be read
	 */
	public static byte[] read(ResourceLoader loader, String location, String page) {
		Resource resource = loader.getResource(location);
		try (InputStream in = resource.getInputStream()) {
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new IllegalArgumentException("Cannot read the " + page + " '" + location + "': "
					+ SafeText.describe(ex) + ". Point it at a readable classpath: or file: resource, or leave it out "
					+ "for the built-in page.", ex);
		}
	}

	/**
	 * @param value where the browser is sent after a successful login instead of the success page, or {@code null}
	 * (or blank) for the success page
	 * @return the URI, or {@code null}
	 * @throws IllegalArgumentException if it is not a safe browser URI ({@link BrowserUris#isSafe})
	 */
	public static @Nullable URI successRedirect(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			URI uri = URI.create(value);
			if (BrowserUris.isSafe(uri)) {
				return uri;
			}
		}
		catch (IllegalArgumentException ex) {
			// reported below
		}
		throw new IllegalArgumentException("The success redirect URI must be an https URI with a host and no "
				+ "user-info, or an http URI on a loopback address (was '" + SafeText.providerText(value) + "'): the "
				+ "browser is sent there after the login.");
	}

	private static byte[] page(String title, String text) {
		return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title + "</title></head>"
				+ "<body><h1>" + title + "</h1><p>" + text + "</p></body></html>")
			.getBytes(StandardCharsets.UTF_8);
	}

}
