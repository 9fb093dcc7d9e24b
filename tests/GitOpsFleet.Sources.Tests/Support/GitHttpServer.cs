using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GitOpsFleet.Sources.Tests.Support;

/// <summary>
/// Git smart HTTP on 127.0.0.1 (free port): Kestrel runs <c>git http-backend</c> as a CGI for each request,
/// behind HTTP basic authentication.
/// </summary>
internal sealed class GitHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GitHttpServer(WebApplication app, string address)
    {
        _app = app;
        Address = address;
    }

    public string Address { get; }

    public static async Task<GitHttpServer> StartAsync(string projectRoot, string username, string password)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}"));
        app.Run(async context =>
        {
            if (context.Request.Headers.Authorization.ToString() != expected)
            {
                context.Response.StatusCode = 401;
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"git\"";
                return;
            }

            await RunBackendAsync(context, projectRoot, username);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GitHttpServer(app, address);
    }

    private static async Task RunBackendAsync(HttpContext context, string projectRoot, string user)
    {
        var psi = new ProcessStartInfo("git", "http-backend")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["GIT_PROJECT_ROOT"] = projectRoot;
        psi.Environment["GIT_HTTP_EXPORT_ALL"] = "1";
        psi.Environment["REQUEST_METHOD"] = context.Request.Method;
        psi.Environment["PATH_INFO"] = context.Request.Path.Value ?? "/";
        psi.Environment["QUERY_STRING"] = context.Request.QueryString.Value?.TrimStart('?') ?? string.Empty;
        psi.Environment["CONTENT_TYPE"] = context.Request.ContentType ?? string.Empty;
        psi.Environment["REMOTE_USER"] = user;
        psi.Environment["REMOTE_ADDR"] = "127.0.0.1";
        if (context.Request.Headers.ContentEncoding.Count > 0) psi.Environment["HTTP_CONTENT_ENCODING"] = context.Request.Headers.ContentEncoding.ToString();
        if (context.Request.Headers.TryGetValue("Git-Protocol", out var protocol)) psi.Environment["GIT_PROTOCOL"] = protocol.ToString();
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await context.Request.Body.CopyToAsync(process.StandardInput.BaseStream);
        process.StandardInput.Close();

        // CGI output: headers, a blank line, then the body.
        var output = process.StandardOutput.BaseStream;
        var header = new MemoryStream();
        var last4 = new Queue<int>();
        int b;
        while ((b = output.ReadByte()) >= 0)
        {
            header.WriteByte((byte)b);
            last4.Enqueue(b);
            if (last4.Count > 4) last4.Dequeue();
            var tail = last4.ToArray();
            if (tail.Length >= 2 && tail[^1] == '\n' && (tail[^2] == '\n' || (tail.Length == 4 && tail[^2] == '\r' && tail[^3] == '\n'))) break;
        }

        foreach (var line in Encoding.ASCII.GetString(header.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var (name, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim());
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase)) context.Response.StatusCode = int.Parse(value.Split(' ')[0]);
            else context.Response.Headers.Append(name, value);
        }

        await output.CopyToAsync(context.Response.Body);
        await process.WaitForExitAsync();
        await stderr;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
