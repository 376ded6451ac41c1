package io.github.oauthcallback.sample;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

import io.github.oauthcallback.mcp.OAuthCallbackMcpTransports;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import org.jspecify.annotations.Nullable;

/**
 * The {@code mcp} command: connects to an MCP server knowing only its URL (logging in on first use through the
 * starter's {@link OAuthCallbackMcpTransports}), initializes, and prints the server's tools, or calls one:
 * <pre>
 * mcp [options] &lt;server-url&gt;
 * mcp [options] &lt;server-url&gt; call &lt;tool&gt; [json-arguments]
 * </pre>
 * The URL comes first among the operands, so a harness that appends it to the command line gets the listing.
 */
final class McpCommand {

	private static final Duration TIMEOUT = Duration.ofMinutes(6);

	private final OAuthCallbackMcpTransports transports;

	private final @Nullable String account;

	McpCommand(OAuthCallbackMcpTransports transports, @Nullable String account) {
		this.transports = transports;
		this.account = account;
	}

	/**
	 * @param operands the command's operands: the URL, then optionally {@code call <tool> [json-arguments]}
	 * @param out standard output
	 * @return the exit status
	 */
	int run(List<String> operands, PrintStream out) {
		if (operands.isEmpty() || (operands.size() > 1 && !"call".equals(operands.get(1))) || operands.size() == 2
				|| operands.size() > 4) {
			throw new SampleCommands.UsageException("'mcp' takes a server URL, optionally followed by 'call <tool> "
					+ "[json-arguments]', as in 'mcp https://mcp.example.com/mcp' or 'mcp https://mcp.example.com/mcp "
					+ "call echo {\"text\":\"hi\"}'.");
		}
		String url = operands.get(0);
		McpSyncClient client = McpClient.sync(this.transports.transport(url, this.account).build())
			.clientInfo(new McpSchema.Implementation("oauth-callback-sample", "0.1.0"))
			.requestTimeout(TIMEOUT)
			.initializationTimeout(TIMEOUT)
			.build();
		try {
			McpSchema.InitializeResult initialized = client.initialize();
			out.println("Connected to " + initialized.serverInfo().name() + " " + initialized.serverInfo().version()
					+ " at " + url);
			if (operands.size() == 1) {
				List<McpSchema.Tool> tools = client.listTools().tools();
				out.println(tools.size() + " tool" + ((tools.size() == 1) ? "" : "s") + ":");
				for (McpSchema.Tool tool : tools) {
					out.println("  " + tool.name() + ((tool.description() != null) ? ": " + tool.description() : ""));
				}
				return SampleCommands.OK;
			}
			String arguments = (operands.size() == 4) ? operands.get(3) : "{}";
			McpSchema.CallToolResult result = client
				.callTool(new McpSchema.CallToolRequest(McpJsonDefaults.getMapper(), operands.get(2), arguments));
			for (McpSchema.Content content : result.content()) {
				out.println((content instanceof McpSchema.TextContent text) ? text.text() : content.toString());
			}
			return Boolean.TRUE.equals(result.isError()) ? SampleCommands.FAILED : SampleCommands.OK;
		}
		finally {
			client.closeGracefully();
		}
	}

}
