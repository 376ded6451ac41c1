package io.github.oauthcallback.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Sends hand-written HTTP/1.1 requests, so tests control every byte (method, path, Host header).
 */
public final class RawHttp {

	private RawHttp() {
	}

	public static Response get(int port, String target) throws IOException {
		return send(InetAddress.getLoopbackAddress(), port, "GET", target, "127.0.0.1:" + port);
	}

	public static Response send(InetAddress address, int port, String method, String target, String host)
			throws IOException {
		StringBuilder request = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
		if (host != null) {
			request.append("Host: ").append(host).append("\r\n");
		}
		request.append("Connection: close\r\n\r\n");
		return sendBytes(address, port, request.toString().getBytes(StandardCharsets.ISO_8859_1));
	}

	public static Response sendBytes(InetAddress address, int port, byte[] request) throws IOException {
		try (Socket socket = new Socket(address, port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(request);
			out.flush();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream buffer = new ByteArrayOutputStream();
			in.transferTo(buffer);
			return Response.parse(buffer.toString(StandardCharsets.UTF_8));
		}
	}

	public record Response(int status, Map<String, String> headers, String body) {

		static Response parse(String raw) {
			int end = raw.indexOf("\r\n\r\n");
			String head = (end < 0) ? raw : raw.substring(0, end);
			String body = (end < 0) ? "" : raw.substring(end + 4);
			String[] lines = head.split("\r\n");
			int status = Integer.parseInt(lines[0].split(" ")[1]);
			Map<String, String> headers = new LinkedHashMap<>();
			for (int i = 1; i < lines.length; i++) {
				int colon = lines[i].indexOf(':');
				headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
						lines[i].substring(colon + 1).trim());
			}
			return new Response(status, headers, body);
		}

		public String header(String name) {
			return this.headers.get(name.toLowerCase(Locale.ROOT));
		}

	}

}
